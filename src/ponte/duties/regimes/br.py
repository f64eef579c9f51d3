"""Brazil: Regime de Tributação Simplificada (RTS), with and without Remessa Conforme."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.errors import DutiesError
from ponte.duties.regimes.common import cif, forced
from ponte.kernel.errors import ValidationError

RTS = "br.rts"


def _state(ctx: Ctx) -> str | None:
    region = ctx.req.destination_region
    if not region:
        return None
    return region.upper().removeprefix("BR-")


def _icms_rate(ctx: Ctx) -> tuple[Decimal | None, list]:
    state = _state(ctx)
    states = ctx.p("rts.states").value
    if state is None:
        ctx.missing("/destination_region", "icms")
        return None, []
    if state not in states:
        raise ValidationError(
            f"{state!r} is not a Brazilian state (UF) code",
            field="/destination_region",
            rule=DutiesError.BR_STATE,
        )
    default = ctx.p("rts.icms_rate_default")
    by_state = ctx.maybe("rts.icms_rate_by_state")
    if by_state is not None and state in by_state.value:
        return by_state.value[state], [by_state]
    return default.value, [default]


def rts(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    forced(ctx, (RTS,))
    req = ctx.req
    v = cif(ctx)
    v_usd = ctx.in_cur(v, "USD")
    medicines = all(it.category == "medicines" for it in req.items)
    cap = ctx.p("rts.medicines_value_limit" if medicines else "rts.value_limit")
    ctx.limit("rts", cap.value, v_usd, "USD")
    if v_usd > cap.value:
        ctx.reason("limit-exceeded", "/items", limit_name="RTS", limit=cap.value, currency="USD")
    conforme = req.seller.remessa_conforme and req.buyer.kind == "individual"
    if medicines:
        rate = ctx.p("rts.ii_rate_medicines")
        ii = ctx.line("duty", v, rate.value, [rate]).amount
        treatment = "rts_medicines"
    elif conforme:
        band = ctx.p("rts.ii_rc_band_limit")
        if v_usd <= band.value:
            low = ctx.p("rts.ii_rc_low_rate")
            ii = ctx.line("duty", v, low.value, [low, band]).amount
            treatment = "rts_remessa_conforme_low_band"
        else:
            high = ctx.p("rts.ii_rc_high_rate")
            ded = ctx.p("rts.ii_rc_deduction")
            amount = v * high.value - ctx.to_cur(ded.value, "USD")
            ii = ctx.line(
                "duty",
                v,
                high.value,
                [high, ded, band],
                amount=amount,
                note=f"{high.value} × base − {ded.value} USD",
            ).amount
            treatment = "rts_remessa_conforme_high_band"
    else:
        general = ctx.p("rts.ii_rate_general")
        ii = ctx.line("duty", v, general.value, [general]).amount
        treatment = "rts_general"
    a, basis = _icms_rate(ctx)
    if a is not None:
        base = (v + ii) / (1 - a)
        ctx.line("icms", base, a, basis, note="por dentro: (value + II) / (1 − rate) × rate")
    return RTS, treatment, v, "customs value: goods + freight + insurance to Brazil"
