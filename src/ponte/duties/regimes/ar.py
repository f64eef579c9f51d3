"""Argentina: courier "pequeños envíos" and Correo Argentino "puerta a puerta"."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.regimes.common import cif, duty_override, forced, goods, item_share
from ponte.duties.regimes.ordinary import above_cap, ordinary

COURIER, P2P, ORDINARY = "ar.courier", "ar.puerta_a_puerta", "ar.ordinary_import"


def courier(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    req = ctx.req
    v = cif(ctx)
    fob = goods(ctx)
    fob_usd = ctx.in_cur(fob, "USD")
    cap = ctx.p("courier.value_limit")
    ctx.limit("courier", cap.value, fob_usd, "USD")
    if fob_usd > cap.value:
        above_cap(ctx, "courier", cap.value, "USD")
        ctx.reason("not-modelled", "", False, what="statistics fee (tasa de estadística)")
        return ordinary(ctx, ORDINARY, [("vat", ctx.p("courier.iva_rate"))])
    franchise = ctx.p("courier.franchise_fob")
    per_year = ctx.p("courier.franchise_shipments_per_year")
    shipments = req.buyer.shipments_this_year
    ctx.limit("franchise shipments", Decimal(per_year.value), Decimal(shipments + 1), "shipments")
    has_franchise = shipments < per_year.value
    excess_only = ctx.p("courier.duty_on_excess_only")
    iva = ctx.p("courier.iva_rate")
    iva_base_rule = ctx.p("courier.iva_base")
    if has_franchise and fob_usd <= franchise.value:
        ctx.line("duty", fob, Decimal(0), [franchise, per_year], note="franchise")
        duty = Decimal(0)
        treatment = "franchise"
    else:
        dutiable = fob
        if has_franchise and excess_only.value:
            dutiable = fob - ctx.to_cur(franchise.value, "USD")
        duty = Decimal(0)
        for i in range(len(req.items)):
            d = duty_override(ctx, i)
            if d is None:
                ctx.missing(f"/items/{i}/rates/duty", "duty")
                continue
            part = item_share(ctx, i, dutiable)
            duty += ctx.line("duty", part, d, [franchise, per_year, excess_only], item=i).amount
        ctx.reason("not-modelled", "", False, what="statistics fee (tasa de estadística)")
        treatment = "duty_and_iva"
    base = (v if iva_base_rule.value == "CIF" else fob) + duty
    ctx.line("vat", base, iva.value, [iva, iva_base_rule])
    return COURIER, treatment, v, "FOB for the limits; IVA base per parameter"


def puerta_a_puerta(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    req = ctx.req
    v = cif(ctx)
    v_usd = ctx.in_cur(v, "USD")
    cap = ctx.p("postal.value_limit")
    ctx.limit("puerta a puerta", cap.value, v_usd, "USD")
    if v_usd > cap.value:
        above_cap(ctx, "puerta a puerta", cap.value, "USD")
        ctx.reason("not-modelled", "", False, what="statistics fee (tasa de estadística)")
        return ordinary(ctx, ORDINARY, [("vat", ctx.p("courier.iva_rate"))])
    franchise = ctx.p("postal.franchise")
    per_year = ctx.p("postal.franchise_shipments_per_year")
    rate = ctx.p("postal.single_tax_rate")
    shipments = req.buyer.shipments_this_year
    ctx.limit("franchise shipments", Decimal(per_year.value), Decimal(shipments + 1), "shipments")
    if shipments < per_year.value:
        base = max(v - ctx.to_cur(franchise.value, "USD"), Decimal(0))
        ctx.line("single_tax", base, rate.value, [rate, franchise, per_year])
        return P2P, "single_tax_over_franchise", v, "goods + freight + insurance"
    ctx.line("single_tax", v, rate.value, [rate, per_year], note="franchise used up this year")
    return P2P, "single_tax_full", v, "goods + freight + insurance"


def argentina(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    name = forced(ctx, (COURIER, P2P, ORDINARY))
    if name is None and ctx.req.channel in ("postal", "door_to_door"):
        name = P2P  # Correo Argentino's puerta a puerta
    return puerta_a_puerta(ctx) if name == P2P else courier(ctx)
