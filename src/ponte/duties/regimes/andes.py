"""Chile (before and after Ley 21.713), Colombia (tráfico postal / envíos urgentes), Peru (EER)."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.regimes.common import cif, duty_override, forced, goods, item_share
from ponte.duties.regimes.ordinary import above_cap, ordinary

CL_LOW, CL_REMOTE, CL_IMPORT = "cl.low_value", "cl.remote_sale_vat", "cl.import"
CO_POSTAL, CO_ORDINARY = "co.postal", "co.ordinary_import"
PE_EER, PE_ORDINARY = "pe.eer", "pe.ordinary_import"


def _duty_by_item(ctx: Ctx, base: Decimal, default_param: str, extra: list | None = None) -> Decimal:
    """Duty per item at its override rate or the default; returns the total (rounded lines)."""
    default = ctx.p(default_param)
    total = Decimal(0)
    for i in range(len(ctx.req.items)):
        d = duty_override(ctx, i)
        part = item_share(ctx, i, base)
        if d is None:
            total += ctx.line("duty", part, default.value, [default, *(extra or [])], item=i).amount
        else:
            total += ctx.line("duty", part, d, [*(extra or [])], item=i, note="item rate").amount
    return total


def chile(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    name = forced(ctx, (CL_LOW, CL_REMOTE, CL_IMPORT))
    req = ctx.req
    v = cif(ctx)
    v_usd = ctx.in_cur(v, "USD")
    iva = ctx.p("import.iva_rate")
    remote = ctx.maybe("remote_sale.value_limit")
    if remote is not None and name in (None, CL_REMOTE):
        ctx.limit("remote sale", remote.value, v_usd, "USD")
        if req.seller.sii_registered and v_usd <= remote.value:
            rate = ctx.p("remote_sale.iva_rate")
            ctx.line(
                "checkout_vat", v, rate.value, [rate, remote], note="IVA charged at checkout; import exempt"
            )
            return CL_REMOTE, "vat_at_checkout", v, "price including shipping"
        if name == CL_REMOTE:
            why = (
                "seller not registered with SII" if not req.seller.sii_registered else "over the value limit"
            )
            ctx.reason("not-eligible", "/seller/sii_registered", regime=CL_REMOTE, why=why)
        if v_usd <= remote.value:
            applies = ctx.p("remote_sale.unregistered_duty_applies")
            duty = _duty_by_item(ctx, v, "import.duty_rate", [applies]) if applies.value else Decimal(0)
            ctx.line("vat", v + duty, iva.value, [iva, applies])
            return CL_IMPORT, "unregistered_platform_low_value", v, "CIF"
    exempt = ctx.maybe("low_value.exempt_up_to")
    if exempt is not None and name in (None, CL_LOW):
        ctx.limit("low value", exempt.value, v_usd, "USD")
        if v_usd <= exempt.value and req.flags.occasional_non_commercial:
            ctx.line("duty", v, Decimal(0), [exempt], note="exempt")
            ctx.line("vat", v, Decimal(0), [exempt], note="exempt")
            return CL_LOW, "exempt", v, "value (FOB or CIF: open point)"
    duty = _duty_by_item(ctx, v, "import.duty_rate")
    ctx.line("vat", v + duty, iva.value, [iva])
    return CL_IMPORT, "duty_and_vat", v, "CIF"


def colombia(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    forced(ctx, (CO_POSTAL, CO_ORDINARY))
    req = ctx.req
    cv = cif(ctx)
    fob_usd = ctx.in_cur(goods(ctx), "USD")
    cap = ctx.p("postal.value_limit")
    cv_usd = ctx.in_cur(cv, "USD")
    ctx.limit("postal", cap.value, cv_usd, "USD")
    if cv_usd > cap.value:
        above_cap(ctx, "postal", cap.value, "USD")
        return ordinary(ctx, CO_ORDINARY, [("vat", ctx.p("postal.iva_rate"))])
    free = ctx.p("postal.duty_free_fob_up_to")
    ctx.limit("duty free (FOB)", free.value, fob_usd, "USD")
    base_rule = ctx.p("postal.duty_base")
    if fob_usd <= free.value:
        duty = ctx.line("duty", cv, Decimal(0), [free], note="FOB within duty-free limit").amount
    else:
        duty = _duty_by_item(ctx, cv, "postal.duty_rate", [free, base_rule])
    iva = ctx.p("postal.iva_rate")
    origins = {it.origin or req.origin for it in req.items}
    excl_origins = ctx.p("postal.iva_exempt_origins")
    excl_limit = ctx.p("postal.iva_exempt_up_to")
    if origins <= excl_origins.value and fob_usd <= excl_limit.value:
        ctx.line("vat", cv + duty, Decimal(0), [iva, excl_origins, excl_limit], note="exempt (FTA clause)")
        return CO_POSTAL, "iva_exempt_fta", cv, "customs value (CIF)"
    ctx.line("vat", cv + duty, iva.value, [iva, excl_origins])
    return CO_POSTAL, "duty_and_iva" if duty else "iva_only", cv, "customs value (CIF)"


def peru(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    forced(ctx, (PE_EER, PE_ORDINARY))
    cv = cif(ctx)
    fob_usd = ctx.in_cur(goods(ctx), "USD")
    exempt = ctx.p("eer.exempt_fob_up_to")
    cap = ctx.p("eer.value_limit")
    ctx.limit("EER", cap.value, fob_usd, "USD")
    if fob_usd > cap.value:
        above_cap(ctx, "EER", cap.value, "USD")
        return ordinary(ctx, PE_ORDINARY, [("igv", ctx.p("eer.igv_rate")), ("ipm", ctx.p("eer.ipm_rate"))])
    if fob_usd <= exempt.value:
        ctx.line("duty", cv, Decimal(0), [exempt], note="exempt")
        ctx.line("igv", cv, Decimal(0), [exempt], note="exempt")
        return PE_EER, "exempt", cv, "CIF"
    av = ctx.p("eer.ad_valorem_rate")
    duty = ctx.line("duty", cv, av.value, [av, exempt]).amount
    igv = ctx.p("eer.igv_rate")
    ipm = ctx.p("eer.ipm_rate")
    ctx.line("igv", cv + duty, igv.value, [igv])
    ctx.line("ipm", cv + duty, ipm.value, [ipm])
    return PE_EER, "simplified", cv, "CIF"
