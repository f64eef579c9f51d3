"""The figures' SQL, one text per query for SQLite, PostgreSQL and DuckDB (pure: strings only).

Every query groups to exact integers (counts, micro-units of money, grams); conversion between
currencies happens after, in ``core``, with the rate of each day. Placeholders are ``:name``; the
store turns them into DuckDB's ``$name``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from ponte.kernel.errors import ValidationError

__all__ = ["Query", "drill", "funnel", "live", "routes", "values"]

DIALECTS = ("sqlite", "postgresql", "duckdb")


@dataclass(frozen=True)
class Query:
    text: str
    params: dict[str, Any]


def _day(dialect: str, col: str) -> str:
    if dialect == "sqlite":
        return f"substr({col}, 1, 10)"
    if dialect == "postgresql":
        return f"to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"strftime(CAST({col} AS TIMESTAMP), '%Y-%m-%d')"


def _micro(dialect: str, col: str) -> str:
    """A stored amount as an exact integer of millionths (SQLite keeps amounts as text)."""
    if dialect == "sqlite":
        return f"CAST(ROUND(CAST({col} AS REAL) * 1000000) AS INTEGER)"
    if dialect == "postgresql":
        return f"CAST(ROUND({col} * 1000000) AS BIGINT)"
    return f"CAST(ROUND(CAST({col} AS DECIMAL(38, 6)) * 1000000) AS BIGINT)"


def _hours(dialect: str, start: str, end: str) -> str:
    if dialect == "sqlite":
        return f"(julianday({end}) - julianday({start})) * 24.0"
    if dialect == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0"
    return f"(epoch(CAST({end} AS TIMESTAMP)) - epoch(CAST({start} AS TIMESTAMP))) / 3600.0"


def bound(dialect: str, day: date) -> Any:
    """Midnight UTC of ``day`` as the backend compares it (SQLite stores naive UTC text)."""
    moment = datetime.combine(day, time(0))
    if dialect == "sqlite":
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment  # DuckDB and PostgreSQL: the store sets the session's time zone to UTC


def _check(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValidationError(
            f"dialect must be one of {', '.join(DIALECTS)}", field="dialect", rule="dialect"
        )


#: The day of a moment, an amount in micro-units, and the dialect check, for the rollup's SQL.
day_of, micro, check = _day, _micro, _check


def _where(
    dialect: str, tenant: str | None, start: date, end: date, markets: tuple[str, ...], extra: dict[str, str]
) -> tuple[str, dict[str, Any]]:
    """Conditions on ``o`` (orders): the period, the tenant, the markets, and equalities on columns."""
    params: dict[str, Any] = {"lo": bound(dialect, start), "hi": bound(dialect, end + timedelta(days=1))}
    parts = ["o.placed_at >= :lo", "o.placed_at < :hi", "o.status <> 'cancelled'"]
    if tenant is not None:
        parts.append("o.tenant_id = :tenant")
        params["tenant"] = tenant
    if markets:
        names = [f"m{i}" for i in range(len(markets))]
        parts.append(f"o.destination IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, markets, strict=True))
    for i, (column, value) in enumerate(sorted(extra.items())):
        parts.append(f"{column} = :x{i}")
        params[f"x{i}"] = value
    return " AND ".join(parts), params


#: What each dimension groups by, and whether it needs the lines and products.
_KEYS = {
    "total": ("''", False),
    "destination": ("o.destination", False),
    "trade_mode": ("o.trade_mode", False),
    "direction": ("o.direction", False),
    "tenant_id": ("o.tenant_id", False),
    "live_session_id": ("o.live_session_id", False),
    "category": ("p.category", True),
    "product": ("l.product_id", True),
}
#: Drill-down keys: the column a chart's key filters on.
DRILL_COLUMNS = {
    "destination": "o.destination",
    "trade_mode": "o.trade_mode",
    "direction": "o.direction",
    "tenant_id": "o.tenant_id",
    "live_session_id": "o.live_session_id",
    "category": "p.category",
    "product": "l.product_id",
    "sku": "l.sku",
}


def values(
    dialect: str,
    dimension: str,
    tenant: str | None,
    start: date,
    end: date,
    markets: tuple[str, ...] = (),
    *,
    paid_only: bool = False,
    keys: tuple[str, ...] = (),
) -> Query:
    """Orders and value per (day, currency, key) of a dimension; ``keys`` limits it to some keys."""
    _check(dialect)
    if dimension not in _KEYS:
        raise ValidationError(f"unknown dimension {dimension!r}", field="dimension", rule="dimension")
    key, lines = _KEYS[dimension]
    where, params = _where(dialect, tenant, start, end, markets, {})
    if paid_only:
        where += " AND o.paid_at IS NOT NULL"
    if dimension == "live_session_id":
        where += " AND o.live_session_id IS NOT NULL"
    if keys:
        names = [f"k{i}" for i in range(len(keys))]
        where += f" AND {key} IN ({', '.join(':' + n for n in names)})"
        params.update(zip(names, keys, strict=True))
    day = _day(dialect, "o.placed_at")
    if lines:
        text = (
            f"SELECT {day} AS day, o.currency AS currency, {key} AS key, COUNT(DISTINCT o.id) AS orders, "
            f"SUM(l.quantity * {_micro(dialect, 'l.unit_price')}) AS value_micro, SUM(l.quantity) AS units "
            "FROM order_lines l JOIN orders o ON o.id = l.order_id "
            "JOIN products p ON p.id = l.product_id "
            f"WHERE {where} GROUP BY 1, 2, 3"
        )
    else:
        text = (
            f"SELECT {day} AS day, o.currency AS currency, {key} AS key, COUNT(*) AS orders, "
            f"SUM({_micro(dialect, 'o.goods_value')} - {_micro(dialect, 'o.discount')}) AS value_micro, "
            "0 AS units "
            f"FROM orders o WHERE {where} GROUP BY 1, 2, 3"
        )
    return Query(text, params)


def ranking(
    dialect: str,
    dimension: str,
    tenant: str | None,
    start: date,
    end: date,
    markets: tuple[str, ...],
    rates: dict[tuple[str, date], float],
    limit: int,
) -> Query:
    """Candidates for a top list: keys ordered by value at approximate (floating) rates of each day.
    Only the choice of candidates uses them; the figures shown are exact (``values`` with ``keys``)."""
    _check(dialect)
    key, lines = _KEYS[dimension]
    where, params = _where(dialect, tenant, start, end, markets, {})
    day = _day(dialect, "o.placed_at")
    rows = []
    for i, ((cur, d), rate) in enumerate(sorted(rates.items())):
        rows.append(f"(:rc{i}, :rd{i}, CAST(:rr{i} AS DOUBLE PRECISION))")
        params[f"rc{i}"], params[f"rd{i}"], params[f"rr{i}"] = cur, d.isoformat(), float(rate)
    if not rows:
        rows.append("('', '', CAST(0 AS DOUBLE PRECISION))")
    if lines:
        amount = f"l.quantity * CAST({_micro(dialect, 'l.unit_price')} AS DOUBLE PRECISION)"
        source = "order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id"
    else:
        amount = (
            f"CAST({_micro(dialect, 'o.goods_value')} - {_micro(dialect, 'o.discount')} AS DOUBLE PRECISION)"
        )
        source = "orders o"
    text = (
        f"WITH r(currency, day, rate) AS (VALUES {', '.join(rows)}) "
        f"SELECT {key} AS key, SUM({amount} * r.rate) AS approx FROM {source} "
        f"JOIN r ON r.currency = o.currency AND r.day = {day} "
        f"WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {int(limit)}"
    )
    return Query(text, params)


def day_currencies(
    dialect: str, tenant: str | None, start: date, end: date, markets: tuple[str, ...]
) -> Query:
    """The (day, currency) pairs present: the rates a figure will need."""
    _check(dialect)
    where, params = _where(dialect, tenant, start, end, markets, {})
    day = _day(dialect, "o.placed_at")
    return Query(f"SELECT DISTINCT {day} AS day, o.currency AS currency FROM orders o WHERE {where}", params)


#: Funnel stages as declaration states (the same sets as core's funnel).
STAGE_STATES = {
    "declared": ("sent", "declared", "accepted", "inspecting", "released", "closed", "rejected", "error",
                 "cancelled", "returned"),
    "accepted": ("accepted", "inspecting", "released", "closed"),
    "released": ("released", "closed"),
    "rejected": ("rejected", "error"),
}  # fmt: skip


def _special(match: dict[str, str], params: dict[str, Any]) -> str:
    """Drill keys that are not a column of the order: a customs stage, an air route."""
    parts = []
    if "customs_stage" in match:
        states = STAGE_STATES.get(match["customs_stage"])
        if states is None:
            raise ValidationError("customs_stage must be declared, accepted, released or rejected",
                                  field="key", rule="customs-stage")  # fmt: skip
        names = [f"cs{i}" for i in range(len(states))]
        params.update(zip(names, states, strict=True))
        parts.append(
            "EXISTS (SELECT 1 FROM customs_declarations d WHERE d.order_id = o.id AND d.tenant_id = o.tenant_id "
            f"AND d.state IN ({', '.join(':' + n for n in names)}))"
        )
    if "route" in match:
        origin, _, dest = match["route"].partition("-")
        params["ro"], params["rd"] = origin, dest
        parts.append(
            "EXISTS (SELECT 1 FROM logistics_parcels lp JOIN logistics_shipments s ON s.id = lp.shipment_id "
            "WHERE lp.order_id = o.id AND s.origin = :ro AND s.destination = :rd)"
        )
    return "".join(f" AND {p}" for p in parts)


SPECIAL = ("customs_stage", "route")


def latest(dialect: str, tenant: str | None) -> Query:
    """The newest order's moment (for a period "up to the latest order")."""
    _check(dialect)
    if tenant is None:
        return Query("SELECT MAX(o.placed_at) FROM orders o", {})
    return Query("SELECT MAX(o.placed_at) FROM orders o WHERE o.tenant_id = :tenant", {"tenant": tenant})


def drill(
    dialect: str,
    tenant: str | None,
    start: date,
    end: date,
    markets: tuple[str, ...],
    match: dict[str, str],
    limit: int,
    offset: int,
    *,
    paid_only: bool = False,
) -> Query:
    """The orders behind a chart's point: the same conditions plus the point's key, newest first."""
    _check(dialect)
    unknown = set(match) - set(DRILL_COLUMNS) - set(SPECIAL)
    if unknown:
        raise ValidationError(f"cannot drill by {', '.join(sorted(unknown))}", field="by", rule="dimension")
    columns = {DRILL_COLUMNS[k]: v for k, v in match.items() if k in DRILL_COLUMNS}
    where, params = _where(dialect, tenant, start, end, markets, columns)
    where += _special(match, params)
    if paid_only:
        where += " AND o.paid_at IS NOT NULL"
    needs_lines = any(k in ("category", "product", "sku") for k in match)
    source = (
        "orders o WHERE EXISTS (SELECT 1 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id "
        f"WHERE l.order_id = o.id AND {where})"
        if needs_lines
        else f"orders o WHERE {where}"
    )
    text = (
        "SELECT o.id AS id, o.tenant_id AS tenant_id, o.external_ref AS external_ref, o.placed_at AS placed_at, "
        "o.destination AS destination, o.trade_mode AS trade_mode, o.direction AS direction, "
        f"o.currency AS currency, {_micro(dialect, 'o.goods_value')} - {_micro(dialect, 'o.discount')} "
        "AS value_micro, o.status AS status, o.paid_at AS paid_at "
        f"FROM {source} ORDER BY o.placed_at DESC, o.id LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    return Query(text, params)


def funnel(dialect: str, tenant: str | None, start: date, end: date, markets: tuple[str, ...]) -> Query:
    """Declarations by state, of orders placed in the period. (``CROSS JOIN``: SQLite then reads the
    declarations first, each finding its order by key, rather than every order of the period looking
    through its tenant's declarations.)"""
    _check(dialect)
    where, params = _where(dialect, tenant, start, end, markets, {})
    return Query(
        "SELECT d.state AS state, COUNT(*) AS n FROM customs_declarations d CROSS JOIN orders o "
        f"WHERE o.id = d.order_id AND {where} AND d.tenant_id = o.tenant_id GROUP BY 1",
        params,
    )


def clearance_hours(
    dialect: str, tenant: str | None, start: date, end: date, markets: tuple[str, ...]
) -> Query:
    _check(dialect)
    where, params = _where(dialect, tenant, start, end, markets, {})
    return Query(
        f"SELECT {_hours(dialect, 'd.created_at', 'd.updated_at')} AS hours FROM customs_declarations d "
        f"CROSS JOIN orders o WHERE o.id = d.order_id AND {where} AND d.tenant_id = o.tenant_id "
        "AND d.state IN ('released', 'closed') ORDER BY 1",
        params,
    )


def routes(dialect: str, tenant: str | None, start: date, end: date) -> Query:
    """Flights, parcels and kilograms by airport pair, with each leg's payload offered and booked
    (grams, from the booking ledger), for shipments departing in the period."""
    _check(dialect)
    params: dict[str, Any] = {"lo": bound(dialect, start), "hi": bound(dialect, end + timedelta(days=1))}
    cond = "s.departs >= :lo AND s.departs < :hi"
    ledger = "g.resource = '*payload'"
    if tenant is not None:
        cond += " AND s.tenant_id = :tenant"
        ledger += " AND g.tenant_id = :tenant"
        params["tenant"] = tenant
    text = (
        "WITH legs AS (SELECT s.tenant_id AS tenant_id, s.flight AS flight, s.origin AS origin, "
        "s.destination AS destination, COUNT(*) AS shipments, SUM(s.parcels) AS parcels, "
        f"SUM({_micro(dialect, 's.gross_kg')}) AS micro_kg FROM logistics_shipments s WHERE {cond} "
        "GROUP BY 1, 2, 3, 4) "
        "SELECT legs.origin AS origin, legs.destination AS destination, COUNT(*) AS flights, "
        "SUM(legs.parcels) AS parcels, SUM(legs.micro_kg) AS micro_kg, "
        "SUM(COALESCE(g.offered, 0)) AS offered_g, SUM(COALESCE(g.booked, 0)) AS booked_g "
        f"FROM legs LEFT JOIN logistics_leg_ledger g ON g.leg = legs.flight AND g.tenant_id = legs.tenant_id "
        f"AND {ledger} GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return Query(text, params)


def live(dialect: str, tenant: str | None, start: date, end: date) -> Query:
    """Held (unpaid, unexpired) reservations by session: shown beside the paid GMV, never in it."""
    _check(dialect)
    params: dict[str, Any] = {"lo": bound(dialect, start), "hi": bound(dialect, end + timedelta(days=1))}
    cond = "r.created_at >= :lo AND r.created_at < :hi AND r.status = 'held'"
    if tenant is not None:
        cond += " AND r.tenant_id = :tenant"
        params["tenant"] = tenant
    return Query(
        "SELECT r.session_id AS session_id, COUNT(*) AS holds, SUM(r.quantity) AS units "
        f"FROM live_reservations r WHERE {cond} GROUP BY 1",
        params,
    )


def names(table: str, id_column: str, label: str, ids: tuple[str, ...]) -> Query:
    """Labels of some ids (tenants' names, products' SKUs, sessions' titles)."""
    keys = [f"n{i}" for i in range(len(ids))]
    inner = ", ".join(":" + k for k in keys) if keys else "''"
    return Query(
        f"SELECT {id_column} AS id, {label} AS label FROM {table} WHERE {id_column} IN ({inner})",
        dict(zip(keys, ids, strict=True)),
    )


def warehouse_tenants() -> Query:
    """The tenants that keep stock in a warehouse (the park's stock cover)."""
    return Query("SELECT DISTINCT w.tenant_id FROM wh_warehouses w", {})


def version(dialect: str) -> Query:
    """What changes when the figures may change: every order's move writes an order event (the newest
    event's id), bulk loads add rows (SQLite: the newest rowid, found in the table's b-tree without a
    scan; PostgreSQL: the count), declarations change state, shipments and reservations are added, stock
    moves in a warehouse."""
    _check(dialect)
    rows = "MAX(rowid)" if dialect == "sqlite" else "COUNT(*)"
    return Query(
        f"SELECT (SELECT {rows} FROM orders) AS orders, "
        "(SELECT MAX(id) FROM order_events) AS events, "
        "(SELECT MAX(updated_at) FROM customs_declarations) AS customs, "
        f"(SELECT {rows} FROM logistics_shipments) AS shipments, "
        f"(SELECT {rows} FROM live_reservations) AS holds, "
        f"(SELECT {rows} FROM wh_movements) AS stock",
        {},
    )
