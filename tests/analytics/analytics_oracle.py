"""The figures computed plainly from the dataset's rows: what every engine's SQL must give."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from ponte.analytics.core import ValueRow
from ponte.simulate.core import Tables

MICRO = Decimal(10**6)


def oracle_rows(
    tables: Tables, dim: str, tenant: str | None, lo: date, hi: date, markets: tuple[str, ...]
) -> list[ValueRow]:
    orders = {}
    for o in tables.orders.to_pylist():
        day = o["placed_at"].date()
        if not (lo <= day <= hi) or (o["status"] or "placed") == "cancelled":
            continue
        if tenant is not None and o["tenant_id"] != tenant:
            continue
        if markets and o["destination"] not in markets:
            continue
        orders[o["id"]] = o
    groups: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    if dim in ("category", "product"):
        category = {p["id"]: p["category"] for p in tables.products.to_pylist()}
        seen: dict[tuple[date, str, str], set[str]] = defaultdict(set)
        for ln in tables.lines.to_pylist():
            o = orders.get(ln["order_id"])
            if o is None:
                continue
            key = category[ln["product_id"]] if dim == "category" else ln["product_id"]
            g = (o["placed_at"].date(), o["currency"], key)
            seen[g].add(o["id"])
            groups[g][1] += ln["quantity"] * int(ln["unit_price"] * MICRO)
            groups[g][2] += ln["quantity"]
        for g, ids in seen.items():
            groups[g][0] = len(ids)
        return sorted((ValueRow(d, c, k, n, v, u) for (d, c, k), (n, v, u) in groups.items()),
                      key=lambda r: (r.day, r.currency, r.key))  # fmt: skip
    for o in orders.values():
        if dim == "live_session_id" and o["live_session_id"] is None:
            continue
        key = "" if dim == "total" else (o[dim] or "")
        g = groups[(o["placed_at"].date(), o["currency"], key)]
        g[0] += 1
        g[1] += int((o["goods_value"] - o["discount"]) * MICRO)
    return sorted((ValueRow(d, c, k, n, v, u) for (d, c, k), (n, v, u) in groups.items()),
                  key=lambda r: (r.day, r.currency, r.key))  # fmt: skip
