"""The parameters of the vectorised regimes (Brazil RTS, Mexico courier, Peru EER) for one quoting context, as
integers (cents and millionths); None when a parameter cannot be held exactly that way, so the row goes to the
scalar engine."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ponte.duties.context import Ctx

__all__ = ["SCALE", "Plan", "plan_br", "plan_mx", "plan_pe"]

SCALE = 1_000_000  # rates in millionths


@dataclass(frozen=True)
class Plan:
    """Parameters in force for one context, as integers (cents, millionths)."""

    kind: int  # index in KINDS
    cap: int  # value limit, cents; above it the quote is not allowed
    conforme: bool = False
    band: int = 0  # BR: Remessa Conforme band limit, cents
    low: int = 0  # BR: duty rate up to the band; MX: unused
    high: int = 0  # BR: duty rate above the band
    deduction: int = 0  # BR: USD deduction above the band, cents
    general: int = 0  # BR: general duty rate; MX: global rate
    icms: int = 0  # BR: ICMS rate
    exempt: int = -1  # MX: exempt up to (CIF), PE: exempt up to (FOB), cents (-1: none)
    igv: int = 0  # PE: IGV rate
    ipm: int = 0  # PE: IPM rate


def _millionths(value: Decimal) -> int | None:
    scaled = value * SCALE
    return int(scaled) if scaled == scaled.to_integral_value() and 0 <= value < 1 else None


def _cents(value: Decimal) -> int | None:
    scaled = value * 100
    return int(scaled) if scaled == scaled.to_integral_value() and scaled >= 0 else None


def plan_br(ctx: Ctx, context: dict[str, str]) -> Plan | None:
    if context.get("regime", "") not in ("", "br.rts"):
        return None
    state = (ctx.req.destination_region or "").upper().removeprefix("BR-")
    if not state or state not in ctx.p("rts.states").value:
        return None
    by_state = ctx.maybe("rts.icms_rate_by_state")
    icms = by_state.value[state] if by_state is not None and state in by_state.value else None
    if icms is None:
        icms = ctx.p("rts.icms_rate_default").value
    conforme = ctx.req.seller.remessa_conforme and ctx.req.buyer.kind == "individual"
    cap = _cents(ctx.p("rts.value_limit").value)
    values = [ctx.p("rts.ii_rate_general").value, icms]
    band = low = high = deduction = Decimal(0)
    if conforme:
        band, low = ctx.p("rts.ii_rc_band_limit").value, ctx.p("rts.ii_rc_low_rate").value
        high, deduction = ctx.p("rts.ii_rc_high_rate").value, ctx.p("rts.ii_rc_deduction").value
    rates = [_millionths(r) for r in (*values, low, high)]
    amounts = [_cents(a) for a in (band, deduction)]
    if cap is None or any(r is None for r in rates) or any(a is None for a in amounts):
        return None
    general, icms_m, low_m, high_m = (int(r or 0) for r in rates)
    return Plan(1, cap, conforme, int(amounts[0] or 0), low_m, high_m, int(amounts[1] or 0), general, icms_m)


def plan_mx(ctx: Ctx, context: dict[str, str]) -> Plan | None:
    if context.get("regime", "") not in ("", "mx.courier"):
        return None
    cap = _cents(ctx.p("courier.value_limit").value)
    if "general" in ctx.p("courier.excluded_categories").value:
        return None
    treaty = ctx.maybe("courier.treaty_countries")
    if treaty is not None and ctx.req.origin in treaty.value:
        return None
    if ctx.maybe("courier.high_value_from") is not None:
        return None  # the 2020 rule's second band: the scalar engine
    exempt = _cents(ctx.p("courier.exempt_up_to").value)
    rate = _millionths(ctx.p("courier.global_rate").value)
    ctx.p("courier.dta_included")
    if cap is None or exempt is None or rate is None:
        return None
    return Plan(2, cap, general=rate, exempt=exempt if exempt > 0 else -1)


def plan_pe(ctx: Ctx, context: dict[str, str]) -> Plan | None:
    if context.get("regime", "") not in ("", "pe.eer"):
        return None
    exempt = _cents(ctx.p("eer.exempt_fob_up_to").value)
    cap = _cents(ctx.p("eer.value_limit").value)
    rates = [_millionths(ctx.p(f"eer.{r}_rate").value) for r in ("ad_valorem", "igv", "ipm")]
    if exempt is None or cap is None or any(r is None for r in rates):
        return None
    av, igv, ipm = (int(r or 0) for r in rates)
    return Plan(3, cap, general=av, exempt=exempt, igv=igv, ipm=ipm)
