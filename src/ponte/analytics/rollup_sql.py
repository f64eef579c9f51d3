"""The daily rollup's SQL (pure: strings only): what it reads from the store, and the figures' queries
over it.

The rollup keeps, per tenant and UTC day, exact integer sums grouped finely enough that every figure
of the dashboard is a sum of its rows, equal to the same figure over the raw orders:

* ``rollup_orders``: by destination, currency, trade mode, direction, live session and paid or not:
  orders and value (goods less discount, micro-units) of the orders not cancelled;
* ``rollup_categories``: by destination, currency and product category: the orders having a line of the
  category (each order counted once per category), units and line value (quantity × unit price);
* ``rollup_products``: the same by product;
* ``rollup_days``: the days a tenant placed any order (cancelled ones too: "the latest order").

An order has one tenant, day, destination and currency, so counting distinct orders per finer group
and adding the groups gives the distinct count of the coarser one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ponte.analytics import sql
from ponte.analytics.sql import Query
from ponte.kernel.errors import ValidationError

__all__ = [
    "AGGREGATE",
    "FACTS",
    "SOURCES",
    "TABLES",
    "changed",
    "day_currencies",
    "facts",
    "ranking",
    "values",
]

#: The rollup's tables (DuckDB types), their key columns first, then their sums.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "rollup_orders": (
        ("tenant_id", "VARCHAR"), ("day", "DATE"), ("destination", "VARCHAR"), ("currency", "VARCHAR"),
        ("trade_mode", "VARCHAR"), ("direction", "VARCHAR"), ("live_session_id", "VARCHAR"),
        ("paid", "BOOLEAN"), ("orders", "BIGINT"), ("value_micro", "HUGEINT"),
    ),
    "rollup_categories": (
        ("tenant_id", "VARCHAR"), ("day", "DATE"), ("destination", "VARCHAR"), ("currency", "VARCHAR"),
        ("category", "VARCHAR"), ("orders", "BIGINT"), ("units", "BIGINT"), ("value_micro", "HUGEINT"),
    ),
    "rollup_products": (
        ("tenant_id", "VARCHAR"), ("day", "DATE"), ("destination", "VARCHAR"), ("currency", "VARCHAR"),
        ("product_id", "VARCHAR"), ("orders", "BIGINT"), ("units", "BIGINT"), ("value_micro", "HUGEINT"),
    ),
    "rollup_days": (("tenant_id", "VARCHAR"), ("day", "DATE")),
}  # fmt: skip


#: What the rollup keeps of each order and line of the store (amounts already as exact micro-units,
#: computed by the store's SQL as the raw figures compute them): the facts its sums are taken from.
FACTS: dict[str, tuple[tuple[str, str], ...]] = {
    "order_facts": (
        ("id", "VARCHAR"), ("tenant_id", "VARCHAR"), ("day", "DATE"), ("destination", "VARCHAR"),
        ("currency", "VARCHAR"), ("trade_mode", "VARCHAR"), ("direction", "VARCHAR"),
        ("live_session_id", "VARCHAR"), ("paid", "BOOLEAN"), ("counted", "BOOLEAN"), ("value_micro", "BIGINT"),
    ),
    "line_facts": (
        ("order_id", "VARCHAR"), ("product_id", "VARCHAR"), ("category", "VARCHAR"), ("quantity", "BIGINT"),
        ("value_micro", "BIGINT"),
    ),
}  # fmt: skip
#: At most this many order ids in one read of changed orders.
IDS_PER_QUERY = 500


def facts(dialect: str, table: str, ids: tuple[str, ...] | None = None) -> Query:
    """The store's rows of one facts table: all of them, or those of some orders."""
    sql.check(dialect)
    params: dict[str, Any] = {}
    where = ""
    if ids is not None:
        names = [f"i{i}" for i in range(len(ids))]
        params.update(zip(names, ids, strict=True))
        column = "o.id" if table == "order_facts" else "l.order_id"
        where = f" WHERE {column} IN ({', '.join(':' + n for n in names) or 'NULL'})"
    day = sql.day_of(dialect, "o.placed_at")
    if table == "order_facts":
        paid = "CASE WHEN o.paid_at IS NULL THEN 0 ELSE 1 END"
        counted = "CASE WHEN o.status <> 'cancelled' THEN 1 ELSE 0 END"
        value = f"{sql.micro(dialect, 'o.goods_value')} - {sql.micro(dialect, 'o.discount')}"
        text = (
            f"SELECT o.id, o.tenant_id, {day}, o.destination, o.currency, o.trade_mode, o.direction, "
            f"o.live_session_id, {paid}, {counted}, {value} FROM orders o{where}"
        )
    elif table == "line_facts":
        text = (
            "SELECT l.order_id, l.product_id, p.category, l.quantity, "
            f"l.quantity * {sql.micro(dialect, 'l.unit_price')} FROM order_lines l "
            f"JOIN products p ON p.id = l.product_id{where}"
        )
    else:
        raise ValidationError(f"unknown facts table {table!r}", field="table", rule="rollup-table")
    return Query(text, params)


#: Each rollup table from the facts (DuckDB; ``{orders}``: the order facts, or those of some partitions):
#: only orders not cancelled count, but any order makes its day one with orders (the latest order).
AGGREGATE = {
    "rollup_orders": (
        "SELECT tenant_id, day, destination, currency, trade_mode, direction, live_session_id, paid, COUNT(*), "
        "SUM(value_micro) FROM {orders} o WHERE counted GROUP BY ALL"
    ),
    "rollup_categories": (
        "SELECT o.tenant_id, o.day, o.destination, o.currency, l.category, COUNT(DISTINCT o.id), SUM(l.quantity), "
        "SUM(l.value_micro) FROM line_facts l JOIN {orders} o ON o.id = l.order_id WHERE o.counted GROUP BY ALL"
    ),
    "rollup_products": (
        "SELECT o.tenant_id, o.day, o.destination, o.currency, l.product_id, COUNT(DISTINCT o.id), SUM(l.quantity), "
        "SUM(l.value_micro) FROM line_facts l JOIN {orders} o ON o.id = l.order_id WHERE o.counted GROUP BY ALL"
    ),
    "rollup_days": "SELECT DISTINCT tenant_id, day FROM {orders} o",
}  # fmt: skip


#: The store's tables that only grow and whose new rows mark a (tenant, day) to compute again: a new
#: line (orders loaded in bulk write lines, not always events) and a new event (every placement, payment
#: and move of an order through the orders service writes one).
SOURCES = ("order_lines", "order_events")


def changed(table: str, high: int, gaps: tuple[int, ...]) -> Query:
    """The ids above ``high`` (and the awaited ``gaps``) of ``table``, with the order each belongs to."""
    if table not in SOURCES:
        raise ValidationError(f"unknown rollup source {table!r}", field="table", rule="rollup-source")
    params: dict[str, Any] = {"high": int(high)}
    cond = "t.id > :high"
    if gaps:
        names = [f"g{i}" for i in range(len(gaps))]
        params.update(zip(names, (int(g) for g in gaps), strict=True))
        cond = f"({cond} OR t.id IN ({', '.join(':' + n for n in names)}))"
    return Query(f"SELECT t.id, t.order_id FROM {table} t WHERE {cond}", params)


def highest(table: str) -> Query:
    if table not in SOURCES:
        raise ValidationError(f"unknown rollup source {table!r}", field="table", rule="rollup-source")
    return Query(f"SELECT MAX(id) FROM {table}", {})


# --- the figures over the rollup (DuckDB) ------------------------------------------------------------

#: Each dimension of ``sql.values``: the rollup table it sums and the column that is its key.
_KEYS = {
    "total": ("rollup_orders", "''"),
    "destination": ("rollup_orders", "destination"),
    "trade_mode": ("rollup_orders", "trade_mode"),
    "direction": ("rollup_orders", "direction"),
    "tenant_id": ("rollup_orders", "tenant_id"),
    "live_session_id": ("rollup_orders", "live_session_id"),
    "category": ("rollup_categories", "category"),
    "product": ("rollup_products", "product_id"),
}


def _where(
    tenant: str | None, start: date, end: date, markets: tuple[str, ...], t: str = ""
) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"lo": start, "hi": end}
    parts = [f"{t}day BETWEEN :lo AND :hi"]
    if tenant is not None:
        parts.append(f"{t}tenant_id = :tenant")
        params["tenant"] = tenant
    if markets:
        names = [f"m{i}" for i in range(len(markets))]
        parts.append(f"{t}destination IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, markets, strict=True))
    return " AND ".join(parts), params


def _dimension(dimension: str) -> tuple[str, str]:
    if dimension not in _KEYS:
        raise ValidationError(f"unknown dimension {dimension!r}", field="dimension", rule="dimension")
    return _KEYS[dimension]


def values(
    dimension: str,
    tenant: str | None,
    start: date,
    end: date,
    markets: tuple[str, ...] = (),
    *,
    paid_only: bool = False,
    keys: tuple[str, ...] = (),
) -> Query:
    """``sql.values`` over the rollup: (day, currency, key, orders, value_micro, units)."""
    table, key = _dimension(dimension)
    where, params = _where(tenant, start, end, markets)
    if paid_only:
        if table != "rollup_orders":
            raise ValidationError(
                "paid orders only by an order's own columns", field="paid", rule="dimension"
            )
        where += " AND paid"
    if dimension == "live_session_id":
        where += " AND live_session_id IS NOT NULL"
    if keys:
        names = [f"k{i}" for i in range(len(keys))]
        where += f" AND {key} IN ({', '.join(':' + n for n in names)})"
        params.update(zip(names, keys, strict=True))
    units = "SUM(units)" if table != "rollup_orders" else "0"
    return Query(
        f"SELECT day, currency, {key} AS key, SUM(orders), SUM(value_micro), {units} "
        f"FROM {table} WHERE {where} GROUP BY 1, 2, 3",
        params,
    )


def day_currencies(tenant: str | None, start: date, end: date, markets: tuple[str, ...]) -> Query:
    where, params = _where(tenant, start, end, markets)
    return Query(f"SELECT DISTINCT day, currency FROM rollup_orders WHERE {where}", params)


def ranking(
    dimension: str, tenant: str | None, start: date, end: date, markets: tuple[str, ...], limit: int
) -> Query:
    """The keys by approximate converted value (candidates; ``core.top`` then ranks them exactly), with
    the rates as a table ``rates(currency, day, rate)`` the caller provides."""
    table, key = _dimension(dimension)
    where, params = _where(tenant, start, end, markets, "t.")
    return Query(
        f"SELECT t.{key} AS key, SUM(CAST(t.value_micro AS DOUBLE) * r.rate) AS approx FROM {table} t "
        f"JOIN rates r ON r.currency = t.currency AND r.day = t.day WHERE {where} "
        f"GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {int(limit)}",
        params,
    )


#: Drill-down keys that are columns of ``rollup_orders``.
ORDER_KEYS = ("destination", "trade_mode", "direction", "tenant_id", "live_session_id")


def day_counts(
    tenant: str | None,
    start: date,
    end: date,
    markets: tuple[str, ...],
    match: dict[str, str],
    *,
    paid_only: bool = False,
) -> Query:
    """Orders per day matching a drill-down's keys, newest day first."""
    where, params = _where(tenant, start, end, markets)
    for i, (column, value) in enumerate(sorted(match.items())):
        if column not in ORDER_KEYS:
            raise ValidationError(f"cannot count by {column}", field="by", rule="dimension")
        where += f" AND {column} = :x{i}"
        params[f"x{i}"] = value
    if paid_only:
        where += " AND paid"
    return Query(
        f"SELECT day, SUM(orders) FROM rollup_orders WHERE {where} GROUP BY 1 ORDER BY 1 DESC", params
    )


def latest(tenant: str | None) -> Query:
    if tenant is None:
        return Query("SELECT MAX(day) FROM rollup_days", {})
    return Query("SELECT MAX(day) FROM rollup_days WHERE tenant_id = :tenant", {"tenant": tenant})
