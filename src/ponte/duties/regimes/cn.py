"""China: cross-border e-commerce retail import (9610/1210) and personal postal articles."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.params import Resolved
from ponte.duties.regimes.common import cif, duty_override, forced, goods, item_share

CBEC, GENERAL, POSTAL = "cn.cbec", "cn.general_trade", "cn.postal"
_TO_BASE = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "ml": Decimal(1),
    "l": Decimal(1000),
    "piece": Decimal(1),
    "sheet": Decimal(1),
    "unit": Decimal(1),
}


def _high_end_cosmetic(ctx: Ctx, i: int, dv_i: Decimal) -> tuple[bool, list[Resolved]]:
    item = ctx.req.items[i]
    cats = ctx.p("cbec.hec_categories")
    if item.category not in cats.value:
        return False, []
    nq = item.net_quantity
    if nq is None:
        ctx.missing(f"/items/{i}/net_quantity", "consumption_tax")
        return False, [cats]
    per_unit = ctx.in_cur(dv_i, "CNY") / (nq.amount * _TO_BASE[nq.unit] * item.quantity)
    if nq.unit in ("g", "kg", "ml", "l"):
        threshold = ctx.p("cbec.hec_min_price_per_g_ml")
    else:
        threshold = ctx.p("cbec.hec_min_price_per_piece")
    return per_unit >= threshold.value, [cats, threshold]


def _rates(ctx: Ctx, i: int, dv_i: Decimal) -> tuple[Decimal, list[Resolved], Decimal, list[Resolved]]:
    """(consumption tax rate, its basis, VAT rate, its basis) for item i."""
    item = ctx.req.items[i]
    over = item.rates
    c_basis: list[Resolved]
    if over is not None and over.consumption_tax is not None:
        c, c_basis = over.consumption_tax, []
    else:
        high_end, c_basis = _high_end_cosmetic(ctx, i, dv_i)
        if high_end:
            ct = ctx.p("cbec.hec_ct_rate")
            c, c_basis = ct.value, [*c_basis, ct]
        else:
            c = Decimal(0)
            need = ctx.p("cbec.ct_rate_required_categories")
            if item.category in need.value:
                ctx.missing(f"/items/{i}/rates/consumption_tax", "consumption_tax")
    if over is not None and over.vat is not None:
        return c, c_basis, over.vat, []
    reduced = ctx.p("cbec.vat_reduced_categories")
    v = ctx.p("cbec.vat_rate_reduced" if item.category in reduced.value else "cbec.vat_rate_standard")
    return c, c_basis, v.value, [v]


def _cbec_within(ctx: Ctx, dv: Decimal) -> None:
    share = ctx.p("cbec.tax_share")
    zero_duty = ctx.p("cbec.duty_rate_within_limits")
    for i in range(len(ctx.req.items)):
        dv_i = item_share(ctx, i, dv)
        c, c_basis, v, v_basis = _rates(ctx, i, dv_i)
        composite = dv_i / (1 - c)  # DV + statutory CT
        if c:
            ctx.line("consumption_tax", composite, c * share.value, [*c_basis, share, zero_duty], item=i)
        ctx.line("vat", composite, v * share.value, [*v_basis, share, zero_duty], item=i)


def _full(ctx: Ctx, dv: Decimal) -> None:
    """General-trade arithmetic: duty, then CT grossed up, then VAT on all."""
    for i in range(len(ctx.req.items)):
        dv_i = item_share(ctx, i, dv)
        d = duty_override(ctx, i)
        if d is None:
            ctx.missing(f"/items/{i}/rates/duty", "duty")
            d = Decimal(0)
        duty = ctx.line("duty", dv_i, d, [], item=i).amount
        c, c_basis, v, v_basis = _rates(ctx, i, dv_i)
        ct = Decimal(0)
        if c:
            ct = ctx.line("consumption_tax", (dv_i + duty) / (1 - c), c, c_basis, item=i).amount
        ctx.line("vat", dv_i + duty + ct, v, v_basis, item=i)


def cbec(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    req = ctx.req
    dv = cif(ctx)
    dv_cny = ctx.in_cur(dv, "CNY")
    tx = ctx.p("cbec.transaction_limit")
    annual = ctx.p("cbec.annual_limit")
    used = req.buyer.annual_cbec_used
    ctx.limit("transaction", tx.value, dv_cny, "CNY")
    ctx.limit("annual", annual.value, used + dv_cny, "CNY")
    basis = "transaction price: goods + freight + insurance"
    if req.buyer.kind != "individual":
        ctx.reason("not-eligible", "/buyer/kind", regime=CBEC, why="buyer must be an individual")
    if not req.flags.three_documents:
        ctx.reason(
            "not-eligible",
            "/flags/three_documents",
            regime=CBEC,
            why="order, payment and logistics data must be sent to customs",
        )
    ctx.reason("not-modelled", "/items", False, what="positive list (跨境电商零售进口商品清单) check")
    single_piece = len(req.items) == 1 and req.items[0].quantity == 1
    if used + dv_cny > annual.value:
        ctx.reason(
            "limit-exceeded",
            "/buyer/annual_cbec_used",
            limit_name="annual",
            limit=annual.value,
            currency="CNY",
        )
        _full(ctx, dv)
        return GENERAL, "general_trade", dv, basis
    if dv_cny > tx.value:
        if single_piece:
            _full(ctx, dv)
            return CBEC, "cbec_full_tax_single_item", dv, basis
        ctx.reason("limit-exceeded", "/items", limit_name="transaction", limit=tx.value, currency="CNY")
        _full(ctx, dv)
        return GENERAL, "general_trade", dv, basis
    _cbec_within(ctx, dv)
    return CBEC, "cbec_within_limits", dv, basis


def postal(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    req = ctx.req
    dv = goods(ctx)
    dv_cny = ctx.in_cur(dv, "CNY")
    special = ctx.p("postal.hk_mo_tw_origins")
    limit = ctx.p("postal.parcel_limit_hk_mo_tw" if req.origin in special.value else "postal.parcel_limit")
    ctx.limit("parcel", limit.value, dv_cny, "CNY")
    if dv_cny > limit.value and not (len(req.items) == 1 and req.items[0].quantity == 1):
        ctx.reason("limit-exceeded", "/items", limit_name="parcel", limit=limit.value, currency="CNY")
    table = ctx.p("postal.rates_by_category")
    default = ctx.p("postal.rate_default")
    hec_rate = ctx.p("postal.rate_high_end_cosmetics")
    pending: list[tuple[int, Decimal, Decimal, list[Resolved]]] = []
    for i, item in enumerate(req.items):
        dv_i = item_share(ctx, i, dv)
        high_end, hb = _high_end_cosmetic(ctx, i, dv_i)
        by_class = ctx.maybe("postal.rates_by_class")
        if item.postal_class is not None and by_class is not None:
            rate, basis = by_class.value[str(item.postal_class)], [by_class]
        elif high_end:
            rate, basis = hec_rate.value, [*hb, hec_rate]
        elif item.category in table.value:
            rate, basis = table.value[item.category], [table]
        else:
            rate, basis = default.value, [default]
        pending.append((i, dv_i, rate, basis))
    tax_cny = sum((ctx.in_cur(ctx.rnd(dv_i * r), "CNY") for _, dv_i, r, _ in pending), Decimal(0))
    exemption = ctx.p("postal.exempt_tax_up_to")
    exempt = tax_cny <= exemption.value
    if exempt:
        ctx.reason("exempt", "", False, why=f"postal tax {tax_cny} CNY ≤ {exemption.value} CNY")
    for i, dv_i, rate, basis in pending:
        if exempt:
            ctx.line("postal_tax", dv_i, rate, [*basis, exemption], amount=Decimal(0), item=i, note="exempt")
        else:
            ctx.line("postal_tax", dv_i, rate, [*basis, exemption], item=i)
    return POSTAL, "postal_exempt" if exempt else "postal_taxed", dv, "declared value of the articles"


def china(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    name = forced(ctx, (CBEC, POSTAL, GENERAL))
    by_post = ctx.req.channel in ("postal", "courier")  # personal articles, by post or express
    if name == POSTAL or (name is None and (by_post or not ctx.req.flags.three_documents)):
        return postal(ctx)
    if name == GENERAL:
        dv = cif(ctx)
        _full(ctx, dv)
        return GENERAL, "general_trade", dv, "CIF"
    return cbec(ctx)
