"""Mexico: simplified courier procedure (empresas de mensajería y paquetería), tasa global."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.regimes.common import cif, forced
from ponte.duties.regimes.ordinary import above_cap, ordinary

COURIER, ORDINARY = "mx.courier", "mx.ordinary_import"


def courier(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    forced(ctx, (COURIER, ORDINARY))
    req = ctx.req
    cv = cif(ctx)
    cv_usd = ctx.in_cur(cv, "USD")
    basis = "customs value: goods + freight + insurance"
    cap = ctx.p("courier.value_limit")
    ctx.limit("courier", cap.value, cv_usd, "USD")
    if cv_usd > cap.value:
        above_cap(ctx, "courier", cap.value, "USD")
        dta_rate = ctx.p("ordinary.dta_rate")
        fee = ctx.line("dta", cv, dta_rate.value, [dta_rate]).amount
        return ordinary(ctx, ORDINARY, [("vat", ctx.p("ordinary.iva_rate"))], extra=fee)
    excluded = ctx.p("courier.excluded_categories").value
    for i, it in enumerate(req.items):
        if it.category in excluded:
            ctx.reason("excluded-goods", f"/items/{i}/category", category=it.category)
    origins = {it.origin or req.origin for it in req.items}
    usmca = ctx.p("courier.usmca_countries")
    usmca_claim = all((it.preference or "").upper() in ("USMCA", "T-MEC") for it in req.items)
    if usmca_claim and origins <= usmca.value:
        exempt = ctx.p("courier.usmca_exempt_up_to")
        low_limit = ctx.p("courier.usmca_low_up_to")
        if cv_usd <= exempt.value:
            ctx.line("global_rate", cv, Decimal(0), [exempt, usmca], note="exempt")
            return COURIER, "usmca_exempt", cv, basis
        if cv_usd <= low_limit.value:
            low = ctx.p("courier.usmca_low_rate")
            ctx.line("global_rate", cv, low.value, [low, low_limit, usmca])
            return COURIER, "usmca_low", cv, basis
        high = ctx.p("courier.usmca_high_rate")
        ctx.line("global_rate", cv, high.value, [high, low_limit, usmca])
        return COURIER, "usmca_high", cv, basis
    treaty = ctx.maybe("courier.treaty_countries")
    if treaty is not None and origins <= treaty.value:
        exempt = ctx.p("courier.treaty_exempt_up_to")
    else:
        exempt = ctx.p("courier.exempt_up_to")
    general = ctx.p("courier.global_rate")
    dta = ctx.p("courier.dta_included")
    if cv_usd <= exempt.value and exempt.value > 0:
        ctx.line("global_rate", cv, Decimal(0), [exempt], note="exempt")
        return COURIER, "exempt", cv, basis
    high_from = ctx.maybe("courier.high_value_from")
    if high_from is not None and cv_usd > high_from.value:
        high = ctx.p("courier.global_rate_high")
        ctx.line("global_rate", cv, high.value, [high, high_from, dta])
        return COURIER, "global_rate_high", cv, basis
    ctx.line("global_rate", cv, general.value, [general, exempt, dta])
    return COURIER, "global_rate", cv, basis
