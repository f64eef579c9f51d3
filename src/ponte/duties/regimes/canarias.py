"""The Canary Islands: inside the EU customs territory, outside its VAT area — customs duty under the
EU tariff (with the relief for consignments of negligible value) and IGIC at import; no IOSS."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.regimes.common import cif, duty_override, goods, item_share

IMPORT = "es.canarias_import"


def canarias(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    req = ctx.req
    intrinsic = goods(ctx)
    intrinsic_eur = ctx.in_cur(intrinsic, "EUR")
    cv = cif(ctx)
    limit = ctx.p("igic.low_value_exempt_up_to")
    relief = ctx.p("eu.customs.duty_relief_up_to")
    ctx.limit("low-value consignment", limit.value, intrinsic_eur, "EUR")
    excise = ctx.p("eu.customs.excise_categories").value
    excluded = ctx.p("eu.customs.relief_excluded_categories").value
    if req.seller.ioss:
        ctx.reason(
            "not-eligible",
            "/seller/ioss",
            False,
            regime="eu.ioss",
            why="the Canary Islands are outside the EU VAT area",
        )
    low = intrinsic_eur <= limit.value and not any(it.category in excise | excluded for it in req.items)
    if low:
        ctx.line("duty", cv, Decimal(0), [relief], note="negligible-value relief")
        ctx.line("igic", cv, Decimal(0), [limit], note="low-value consignment")
        return IMPORT, "low_value_exempt", intrinsic, "intrinsic value (goods, excluding transport)"
    general = ctx.p("igic.general_rate")
    for i, it in enumerate(req.items):
        part = item_share(ctx, i, cv)
        d = duty_override(ctx, i)
        duty = Decimal(0)
        if d is None:
            ctx.missing(f"/items/{i}/rates/duty", "duty")
        else:
            duty = ctx.line("duty", part, d, [], item=i, note="EU tariff rate given").amount
        vat = it.rates.vat if it.rates is not None and it.rates.vat is not None else None
        if vat is None:
            ctx.line("igic", part + duty, general.value, [general], item=i)
        else:
            ctx.line("igic", part + duty, vat, [general], item=i, note="item rate")
    return IMPORT, "duty_and_igic", cv, "customs value (CIF to the islands)"
