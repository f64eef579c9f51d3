"""Uruguay (franquicia, tributo único), Ecuador (courier categories B and C), the Dominican Republic,
Costa Rica, Guatemala and Paraguay (courier and postal parcels)."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.params import Resolved
from ponte.duties.regimes.common import category_in, cif, forced, goods
from ponte.duties.regimes.ordinary import above_cap, duties_by_item, ordinary

UY_FRANCHISE, UY_SIMPLIFIED, UY_ORDINARY = "uy.franquicia", "uy.simplified", "uy.ordinary_import"
EC_B, EC_C, EC_ORDINARY = "ec.courier_b", "ec.courier_c", "ec.ordinary_import"
DO_COURIER, CR_COURIER, GT_COURIER = "do.courier", "cr.courier", "gt.courier"
PY_COURIER, PY_POSTAL = "py.courier", "py.postal"


def _personal(ctx: Ctx) -> bool:
    return ctx.req.buyer.kind == "individual" and ctx.req.flags.personal_use


def _origins(ctx: Ctx) -> set[str]:
    return {it.origin or ctx.req.origin for it in ctx.req.items}


def _duty_and_vat(ctx: Ctx, vat: Resolved) -> Decimal:
    """Duty by tariff line on the customs value (the item's rate, else missing data), then VAT on
    customs value + duty; returns the customs value."""
    cv = cif(ctx)
    duty = duties_by_item(ctx, cv)
    ctx.line("vat", cv + duty, vat.value, [vat])
    return cv


def uruguay(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    name = forced(ctx, (UY_FRANCHISE, UY_SIMPLIFIED, UY_ORDINARY))
    req = ctx.req
    v = goods(ctx)  # the invoice value
    v_usd = ctx.in_cur(v, "USD")
    if name in (None, UY_FRANCHISE):
        per_year = ctx.p("franquicia.shipments_per_year")
        cap = ctx.p("franquicia.postal_limit" if req.channel == "postal" else "franquicia.per_shipment_limit")
        annual = ctx.maybe("franquicia.annual_limit")
        used = req.buyer.annual_allowance_used
        ctx.limit("franchise", cap.value, v_usd, "USD")
        if annual is not None:
            ctx.limit("franchise (year)", annual.value, used + v_usd, "USD")
        why = ""
        if req.buyer.shipments_this_year >= per_year.value:
            why = "no franchise shipment left this year"
        elif v_usd > cap.value or (annual is not None and used + v_usd > annual.value):
            why = "over the franchise value limit"
        elif not _personal(ctx) or category_in(ctx, "franquicia.excluded_categories"):
            why = "not personal use, or goods subject to IMESI"
        if not why:
            basis = [cap, per_year, *([annual] if annual is not None else [])]
            ctx.line("duty", v, Decimal(0), basis, note="franchise")
            iva_on = ctx.p("franquicia.iva_on_franchise")
            if iva_on.value:
                exempt_origins = ctx.p("franquicia.iva_exempt_origins")
                exempt_up_to = ctx.p("franquicia.iva_exempt_up_to")
                if _origins(ctx) <= exempt_origins.value and v_usd <= exempt_up_to.value:
                    ctx.line(
                        "vat", v, Decimal(0), [iva_on, exempt_origins, exempt_up_to], note="exempt (FTA)"
                    )
                else:
                    rate = ctx.p("franquicia.iva_rate")
                    ctx.line("vat", v, rate.value, [iva_on, rate])
            return UY_FRANCHISE, "franchise", v, "invoice value"
        if name == UY_FRANCHISE:
            ctx.reason("not-eligible", "/buyer/shipments_this_year", regime=UY_FRANCHISE, why=why)
    limit = ctx.p("franquicia.single_tax_value_limit")
    if name != UY_ORDINARY:
        ctx.limit("simplified regime", limit.value, v_usd, "USD")
    if name in (None, UY_SIMPLIFIED, UY_FRANCHISE) and v_usd <= limit.value:
        rate = ctx.p("franquicia.single_tax_rate")
        minimum = ctx.p("franquicia.single_tax_minimum")
        amount = max(ctx.rnd(v * rate.value), ctx.rnd(ctx.to_cur(minimum.value, "USD")))
        ctx.line("simplified_tax", v, rate.value, [rate, minimum, limit], amount=amount)
        return UY_SIMPLIFIED, "single_tax", v, "invoice value"
    if name == UY_SIMPLIFIED:
        ctx.reason("not-eligible", "/items", regime=UY_SIMPLIFIED, why="over the value limit")
    if name != UY_ORDINARY:
        above_cap(ctx, "simplified regime", limit.value, "USD")
    ctx.reason("not-modelled", "", False, what="tasa consular, IVA anticipo and other import charges")
    return ordinary(ctx, UY_ORDINARY, [("vat", ctx.p("franquicia.ordinary_iva_rate"))])


def ecuador(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    name = forced(ctx, (EC_B, EC_C, EC_ORDINARY))
    req = ctx.req
    fob = goods(ctx)
    fob_usd = ctx.in_cur(fob, "USD")
    if name in (None, EC_B):
        cap = ctx.p("courier.cat_b_value_limit")
        annual = ctx.p("courier.cat_b_annual_limit")
        used = req.buyer.annual_allowance_used
        ctx.limit("category B", cap.value, fob_usd, "USD")
        ctx.limit("category B (year)", annual.value, used + fob_usd, "USD")
        if fob_usd <= cap.value and used + fob_usd <= annual.value and _personal(ctx):
            fee = ctx.p("courier.cat_b_duty")
            amount = ctx.to_cur(fee.value, "USD")
            note = "flat duty per simplified declaration" if fee.value else "exempt"
            rate = None if fee.value else Decimal(0)  # a flat amount, not a rate
            ctx.line("duty", fob, rate, [fee, cap, annual], amount=amount, note=note)
            ctx.reason("not-modelled", "", False, what="the 4 kg weight limit of category B")
            return EC_B, "category_b", fob, "FOB"
        if name == EC_B:
            why = "over the value or yearly limit, or not personal use"
            ctx.reason("not-eligible", "/items", regime=EC_B, why=why)
    c_cap = ctx.p("courier.cat_c_value_limit")
    ctx.limit("category C", c_cap.value, fob_usd, "USD")
    regime = EC_C
    if fob_usd > c_cap.value or name == EC_ORDINARY:
        if name != EC_ORDINARY:
            above_cap(ctx, "courier category C", c_cap.value, "USD")
        regime = EC_ORDINARY
    elif category_in(ctx, "courier.cat_c_excluded_categories"):
        ctx.reason("not-modelled", "", False, what="courier category D specific duties (textiles, footwear)")
    cv = cif(ctx)
    duty = duties_by_item(ctx, cv)
    fodinfa = ctx.line("fodinfa", cv, ctx.p("import.fodinfa_rate").value, [ctx.p("import.fodinfa_rate")])
    iva = ctx.p("import.iva_rate")
    ctx.line("vat", cv + duty + fodinfa.amount, iva.value, [iva])
    treatment = "ordinary_import" if regime == EC_ORDINARY else "category_c"
    return regime, treatment, cv, "CIF"


def dominican_republic(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    forced(ctx, (DO_COURIER,))
    fob_usd = ctx.in_cur(goods(ctx), "USD")
    exempt = ctx.p("courier.exempt_fob_up_to")
    ctx.limit("exemption (FOB)", exempt.value, fob_usd, "USD")
    ctx.reason("not-modelled", "", False, what="DGA fee per kilogram and selective consumption tax")
    if fob_usd <= exempt.value and _personal(ctx):
        cv = cif(ctx)
        ctx.line("duty", cv, Decimal(0), [exempt], note="exempt")
        ctx.line("vat", cv, Decimal(0), [exempt], note="exempt")
        return DO_COURIER, "exempt", cv, "CIF"
    ctx.p("courier.tax_base")
    return DO_COURIER, "duty_and_vat", _duty_and_vat(ctx, ctx.p("courier.itbis_rate")), "CIF"


def _small_shipment(ctx: Ctx, regime: str, limit_param: str) -> tuple[str, str, Decimal, str]:
    """Costa Rica and Guatemala: the small non-commercial shipment exemption, else DAI and IVA."""
    forced(ctx, (regime,))
    cv = cif(ctx)
    limit = ctx.p(limit_param)
    ctx.limit("small shipment", limit.value, ctx.in_cur(cv, "USD"), "USD")
    purchases = ctx.p("courier.purchases_exempt")
    eligible = purchases.value and ctx.req.flags.occasional_non_commercial and _personal(ctx)
    if eligible and ctx.in_cur(cv, "USD") <= limit.value:
        ctx.line("duty", cv, Decimal(0), [limit, purchases], note="exempt")
        ctx.line("vat", cv, Decimal(0), [limit, purchases], note="exempt")
        return regime, "small_shipment_exempt", cv, "customs value (CIF)"
    return regime, "duty_and_vat", _duty_and_vat(ctx, ctx.p("courier.iva_rate")), "customs value (CIF)"


def costa_rica(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    return _small_shipment(ctx, CR_COURIER, "courier.exempt_cif_up_to")


def guatemala(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    return _small_shipment(ctx, GT_COURIER, "courier.exempt_up_to")


def paraguay(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    postal = ctx.req.channel == "postal"
    regime = PY_POSTAL if postal else PY_COURIER
    forced(ctx, (regime,))
    cv = cif(ctx)
    limit = ctx.p("courier.postal_exempt_up_to" if postal else "courier.courier_exempt_up_to")
    ctx.limit(
        "postal exemption" if postal else "courier exemption", limit.value, ctx.in_cur(cv, "USD"), "USD"
    )
    iva = ctx.p("courier.iva_rate")
    if ctx.in_cur(cv, "USD") <= limit.value:
        ctx.line("duty", cv, Decimal(0), [limit], note="exempt")
        if postal:
            ctx.line("vat", cv, Decimal(0), [limit], note="exempt")
            return regime, "exempt", cv, "CIF"
        within = ctx.p("courier.courier_iva_within_exemption")
        ctx.line("vat", cv, iva.value if within.value else Decimal(0), [iva, within])
        return regime, "iva_only" if within.value else "exempt", cv, "CIF"
    return regime, "duty_and_vat", _duty_and_vat(ctx, iva), "CIF"
