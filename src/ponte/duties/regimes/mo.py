"""Macao: free port; consumption tax only on tobacco and spirits (≥ 30% vol)."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.regimes.common import cif, forced, item_share

IMPORT = "mo.import"
_LITRES = {"l": Decimal(1), "ml": Decimal("0.001")}
_KG = {"kg": Decimal(1), "g": Decimal("0.001")}


def macao(ctx: Ctx) -> tuple[str, str, Decimal, str]:
    forced(ctx, (IMPORT,))
    v = cif(ctx)
    none = ctx.p("import.no_duty_no_vat")
    taxed = False
    for i, it in enumerate(ctx.req.items):
        nq = it.net_quantity
        part = item_share(ctx, i, v)
        if it.category == "spirits":
            taxed = True
            av = ctx.p("import.spirits_ad_valorem_rate")
            ctx.line("consumption_tax", part, av.value, [av], item=i)
            cumulative = ctx.p("import.spirits_specific_cumulative")
            if cumulative.value:
                if nq is None or nq.unit not in _LITRES:
                    ctx.missing(f"/items/{i}/net_quantity", "specific_tax")
                    continue
                litres = nq.amount * _LITRES[nq.unit] * it.quantity
                per_l = ctx.p("import.spirits_per_litre")
                ctx.line(
                    "specific_tax",
                    litres,
                    None,
                    [per_l, cumulative],
                    amount=litres * ctx.to_cur(per_l.value, "MOP"),
                    item=i,
                    note="per litre",
                )
        elif it.category in ("cigarettes", "cigars"):
            taxed = True
            if it.category == "cigarettes":
                units = {"unit": Decimal(1), "piece": Decimal(1)}
                per = ctx.p("import.cigarettes_per_unit")
            else:
                units = _KG
                per = ctx.p("import.cigars_per_kg")
            if nq is None or nq.unit not in units:
                ctx.missing(f"/items/{i}/net_quantity", "specific_tax")
                continue
            qty = nq.amount * units[nq.unit] * it.quantity
            ctx.line("specific_tax", qty, None, [per], amount=qty * ctx.to_cur(per.value, "MOP"), item=i)
    if not taxed:
        ctx.line("duty", v, Decimal(0), [none], note="free port")
    return IMPORT, "consumption_tax" if taxed else "no_tax", v, "CIF"
