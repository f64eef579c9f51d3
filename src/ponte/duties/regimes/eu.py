"""Portugal and Spain: EU IOSS (≤ EUR 150 intrinsic value), low-value import, import above EUR 150."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.errors import ReasonCode
from ponte.duties.params import Resolved
from ponte.duties.regimes.canarias import canarias
from ponte.duties.regimes.common import cif, duty_override, forced, goods, item_share

IOSS, LOW, IMPORT = "eu.ioss", "eu.import_low_value", "eu.import"


_TERRITORIES = {"PT": ("azores", "madeira"), "ES": ("canarias", "ceuta_melilla")}


def _region(ctx: Ctx) -> str:
    """The fiscal territory of the destination region, from the market's territories rule file:
    mainland, azores, madeira, canarias or ceuta_melilla. No region given: the mainland, said so."""
    region = ctx.region
    if region is None:
        ctx.reason(ReasonCode.TERRITORY_ASSUMED, "/destination_region", False, territory="mainland")
        return "mainland"
    for name in _TERRITORIES[ctx.req.destination]:
        if region in ctx.p(f"territories.{name}").value:
            return name
    return "mainland"


def _vat_rate(ctx: Ctx, i: int, region: str) -> tuple[Decimal, list[Resolved]]:
    item = ctx.req.items[i]
    if item.rates is not None and item.rates.vat is not None:
        return item.rates.vat, []
    for cls in ("super_reduced", "reduced"):
        cats = ctx.maybe(f"vat.{cls}_categories")
        if cats is not None and item.category in cats.value:
            rate = ctx.p(f"vat.{cls}_rate_{region}")
            return rate.value, [rate, cats]
    rate = ctx.p(f"vat.standard_rate_{region}")
    return rate.value, [rate]


def _vat_lines(ctx: Ctx, base: Decimal, region: str, note: str = "", kind: str = "vat") -> None:
    for i in range(len(ctx.req.items)):
        rate, basis = _vat_rate(ctx, i, region)
        ctx.line(kind, item_share(ctx, i, base), rate, basis, item=i, note=note)


def _taric_duty(ctx: Ctx, cv: Decimal, only: set[int] | None = None) -> Decimal:
    total = Decimal(0)
    for i in range(len(ctx.req.items)):
        if only is not None and i not in only:
            continue
        d = duty_override(ctx, i)
        if d is None:
            ctx.missing(f"/items/{i}/rates/duty", "duty")
            continue
        total += ctx.line("duty", item_share(ctx, i, cv), d, [], item=i, note="TARIC rate given").amount
    return total


def eu(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    name = forced(ctx, (IOSS, LOW, IMPORT))
    req = ctx.req
    region = _region(ctx)
    if region == "canarias":
        return canarias(ctx)
    if region == "ceuta_melilla":
        ctx.reason(
            ReasonCode.NOT_MODELLED,
            "/destination_region",
            True,
            what="Ceuta and Melilla: outside the EU customs territory and VAT area (IPSI; its import rates are not in Ponte's sources)",
        )
        return "es.ceuta_melilla", "not_covered", cif(ctx), "n/a"
    intrinsic = goods(ctx)
    intrinsic_eur = ctx.in_cur(intrinsic, "EUR")
    ioss_limit = ctx.p("eu.customs.ioss_intrinsic_value_limit")
    ctx.limit("IOSS intrinsic value", ioss_limit.value, intrinsic_eur, "EUR")
    excise = ctx.p("eu.customs.excise_categories").value
    has_excise = any(it.category in excise for it in req.items)
    relief_excluded = ctx.p("eu.customs.relief_excluded_categories").value
    low = intrinsic_eur <= ioss_limit.value
    sale_price = cif(ctx)
    if name == IOSS and not (req.seller.ioss and low and not has_excise):
        ctx.reason(
            "not-eligible",
            "/seller/ioss",
            regime=IOSS,
            why="needs an IOSS seller, ≤ EUR 150, no excise goods",
        )
    if name in (None, IOSS, LOW) and low and not has_excise:
        excluded = {i for i, it in enumerate(req.items) if it.category in relief_excluded}
        duty = Decimal(0)
        if excluded:
            duty += _taric_duty(ctx, sale_price, excluded)
        flat = ctx.maybe("eu.customs.flat_duty_per_subheading")
        ioss = req.seller.ioss and name != LOW
        if flat is not None and ioss:
            subheadings: set[str] = set()
            for i, it in enumerate(req.items):
                if i in excluded:
                    continue
                if len(it.hs_code) < 6:
                    ctx.missing(f"/items/{i}/hs_code", "flat_duty")
                subheadings.add(it.hs_code[:6] or f"item-{i}")
            amount = ctx.to_cur(flat.value, "EUR") * len(subheadings)
            in_base = ctx.p("eu.customs.flat_duty_in_vat_base")
            duty += ctx.line(
                "flat_duty",
                Decimal(len(subheadings)),
                None,
                [flat, in_base],
                amount=amount,
                note=f"{len(subheadings)} × {flat.value} EUR",
            ).amount
            vat_base = sale_price + (duty if in_base.value else Decimal(0))
        else:
            relief = ctx.p("eu.customs.duty_relief_up_to")
            if not excluded:
                ctx.line("duty", sale_price, Decimal(0), [relief], note="negligible-value relief")
            vat_base = sale_price + duty
        if ioss:
            _vat_lines(ctx, vat_base, region, note="charged at sale (IOSS)", kind="checkout_vat")
            return IOSS, "ioss", intrinsic, "intrinsic value (goods, excluding transport)"
        _vat_lines(ctx, vat_base, region, note="import VAT at the border")
        return LOW, "import_vat_low_value", intrinsic, "intrinsic value (goods, excluding transport)"
    cv = cif(ctx)
    duty = _taric_duty(ctx, cv)
    _vat_lines(ctx, cv + duty, region)
    return IMPORT, "duty_and_import_vat", cv, "customs value (CIF to the EU border)"
