"""Brazil: Regime de Tributação Simplificada (RTS), with and without Remessa Conforme."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.errors import DutiesError
from ponte.duties.regimes.common import cif, forced, item_share
from ponte.duties.regimes.ordinary import above_cap, duties_by_item
from ponte.kernel.errors import ValidationError

RTS, ORDINARY = "br.rts", "br.ordinary_import"


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
    forced(ctx, (RTS, ORDINARY))
    req = ctx.req
    v = cif(ctx)
    v_usd = ctx.in_cur(v, "USD")
    medicines = all(it.category == "medicines" for it in req.items)
    cap = ctx.p("rts.medicines_value_limit" if medicines else "rts.value_limit")
    ctx.limit("rts", cap.value, v_usd, "USD")
    if v_usd > cap.value:
        above_cap(ctx, "RTS", cap.value, "USD")
        return _ordinary(ctx, v)
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


def _ordinary(ctx: Ctx, v: Decimal) -> tuple[str, str, Decimal, str]:
    """Above USD 3,000: II and IPI by NCM (the items' rates), PIS and COFINS-importação at their
    general rates, and ICMS "por dentro" at the state's internal rate (the items' ``rates.vat``)."""
    ii = duties_by_item(ctx, v)
    ipi = Decimal(0)
    for i, it in enumerate(ctx.req.items):
        rate = it.rates.ipi if it.rates is not None else None
        if rate is None:
            ctx.missing(f"/items/{i}/rates/ipi", "ipi")
            continue
        part = item_share(ctx, i, v)
        ipi += ctx.line("ipi", part + item_share(ctx, i, ii), rate, [], item=i, note="IPI rate given").amount
    pis, cofins = ctx.p("ordinary.pis_rate"), ctx.p("ordinary.cofins_rate")
    taxes = ctx.line("pis", v, pis.value, [pis]).amount + ctx.line("cofins", v, cofins.value, [cofins]).amount
    for i, it in enumerate(ctx.req.items):
        a = it.rates.vat if it.rates is not None else None
        if a is None:
            ctx.missing(f"/items/{i}/rates/vat", "icms")
            continue
        base = item_share(ctx, i, v + ii + ipi + taxes) / (1 - a)
        ctx.line("icms", base, a, [], item=i, note="state internal rate given; por dentro")
    return ORDINARY, "ordinary_import", v, "customs value: goods + freight + insurance to Brazil"
