"""The stages of one pipeline partition, each a thin adapter over its capability.

Orders arrive as plain records (an order with its lines, products, buyer and seller); each stage calls
the capability's public functions (duties batch quoting, China CBEC messages, consolidation) and returns
per-order columns for the partition's result table.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pyarrow as pa

from ponte.kernel.errors import PonteError

#: The fulfilment of each trade mode (the order keeps the mode it was sold under).
FULFILMENT = {
    "9610": "direct-air-parcel",
    "9710": "b2b-direct-export",
    "9810": "overseas-warehouse",
    "1210": "bonded-import",
}
#: Modes whose order flies as its own parcel; the others leave from a warehouse stocked in bulk.
AIR_MODES = ("9610", "9710")


def order_records(data: dict[str, pa.Table]) -> list[dict[str, Any]]:
    """One dict per order with ``lines`` (each with its ``product``), ``buyer`` and ``seller``."""
    products = {p["id"]: p for p in data["products"].to_pylist()}
    buyers = {b["id"]: b for b in data["buyers"].to_pylist()}
    sellers = {s["id"]: s for s in data["sellers"].to_pylist()}
    lines: dict[str, list[dict[str, Any]]] = {}
    for ln in data["lines"].to_pylist():
        ln["product"] = products.get(ln["product_id"])
        lines.setdefault(ln["order_id"], []).append(ln)
    out = []
    for o in data["orders"].sort_by("id").to_pylist():
        o["lines"] = sorted(lines.get(o["id"], []), key=lambda ln: ln["line_no"])
        o["buyer"] = buyers.get(o["buyer_id"])
        o["seller"] = sellers.get(o["tenant_id"])
        out.append(o)
    return out


def base_row(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "order_id": o["id"],
        "placed_on": o["placed_at"].date(),
        "destination": o["destination"],
        "direction": o["direction"],
        "trade_mode": o["trade_mode"],
        "fulfilment": FULFILMENT.get(o["trade_mode"], "unknown"),
    }


def _main_line(o: dict[str, Any]) -> dict[str, Any] | None:
    if not o["lines"]:
        return None
    return max(o["lines"], key=lambda ln: (ln["unit_price"] * ln["quantity"], -ln["line_no"]))


def _quote_row(o: dict[str, Any]) -> dict[str, Any]:
    """The whole order as one batch row: goods value at quantity 1, classified by its main line."""
    main = _main_line(o)
    region = o["destination_region"] or ""
    origin = "CN" if o["direction"] == "export" else (main["origin_country"] if main else None)
    product = (main or {}).get("product") or {}
    return {
        "destination": o["destination"],
        "destination_region": region.split("-", 1)[-1] if region else None,
        "origin": origin,
        "date": o["placed_at"].date().isoformat(),
        "currency": o["currency"],
        "unit_price": str(o["goods_value"] - o["discount"]),
        "quantity": "1",
        "category": product.get("category"),
        "hs_code": main["hs_code"] if main else None,
        "freight": str(o["freight"]),
        "insurance": str(o["insurance"]),
        "buyer_kind": (o["buyer"] or {}).get("kind"),
        "description": (product.get("titles") or {}).get("en") or "goods",
    }


def quote_orders(orders: list[dict[str, Any]], fx: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Landed cost and verdict per order through the duties batch path; reasons of every order that
    is not plainly allowed come from the scalar engine (the same rules), once per distinct input."""
    from ponte.duties.batch import quote_table, row_request
    from ponte.duties.engine import quote
    from ponte.duties.model import parse_request
    from ponte.duties.params import default_rules
    from ponte.platform.settings import get_settings
    from ponte.reference.fx import default_converter

    if not orders:
        return {}
    rows = [_quote_row(o) for o in orders]
    for pair, rate in sorted((fx or {}).items()):  # explicit rates, e.g. {"USD/EUR": "0.92"}
        for r in rows:
            r["fx_" + pair.replace("/", "_")] = rate
    names = list(rows[0])
    table = pa.table({n: pa.array([r[n] for r in rows], pa.string()) for n in names})
    # Explicit rates win; otherwise the rate tables (official files first, then ECB, then HMRC).
    rates = default_converter(get_settings().fx_official_files)
    got = quote_table(table, default_rules(), fx=rates).to_pylist()
    reasons_of: dict[tuple[Any, ...], list[str]] = {}
    out = {}
    for o, row, q in zip(orders, rows, got, strict=True):
        allowed, complete, error = q["allowed"], q["complete"], q["error"]
        verdict = (
            "error" if error else "blocked" if not allowed else "incomplete" if not complete else "allowed"
        )
        reasons: list[str] = [error] if error else []
        if verdict in ("blocked", "incomplete"):
            key = tuple(row.values())
            if key not in reasons_of:
                try:
                    res = quote(
                        parse_request(row_request({k: v for k, v in row.items() if v is not None})),
                        default_rules(),
                        rates,
                    )
                    reasons_of[key] = [f"{r.code}:{r.field}" for r in res.reasons if r.blocking]
                except PonteError as exc:
                    reasons_of[key] = [str(exc)]
            reasons = reasons_of[key]
        out[o["id"]] = {
            "regime": q["regime"],
            "treatment": q["treatment"],
            "tax_currency": q["tax_currency"],
            "total_tax": Decimal(q["total_tax"]) if q["total_tax"] is not None else None,
            "landed_cost": Decimal(q["landed_cost"]) if q["landed_cost"] is not None else None,
            "allowed": bool(allowed) and not error,
            "verdict": verdict,
            "reasons": reasons,
        }
    return out


def declare_orders(orders: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Customs status per order. An order is declared from its stored record, its parcel and its
    waybill (``ponte.customs.from_order``); the batch issues no waybill before this stage (its stages
    run quote, customs, plans), so every order reports that it waits for its waybill rather than
    being declared with an invented master bill and flight."""
    problem = "waybill (waybill-required): declared once consolidation has issued its waybill"
    return {
        o["id"]: {"customs_messages": 0, "customs_ok": False, "customs_problems": [problem]} for o in orders
    }


def _gateway(country: str) -> str:
    from ponte.reference.markets import market

    return market(country).gateway


@cache
def _routes() -> tuple[tuple[str, str], ...]:
    from ponte.logistics.network import sample_flights

    return tuple(sorted({(f.origin, f.destination) for f in sample_flights(date(2026, 1, 5), 7)}))


def _lane(o: dict[str, Any]) -> tuple[str, str]:
    """Origin and destination airports: a direct lane of the network when one exists."""
    from ponte.reference.markets import market

    china = (*market("CN").airports, "HKG", "MFM", "XMN")
    if o["direction"] == "export":
        origins, dests = china, market(o["destination"]).airports
    else:
        main = _main_line(o)
        src = main["origin_country"] if main else "CN"
        origins, dests = (market(src).airports if src != "CN" else china), china
    for a, b in _routes():
        if a in origins and b in dests:
            return a, b
    return origins[0], dests[0]


def _box(o: dict[str, Any]) -> tuple[float, float, float]:
    """The parcel's box from its products: lines stacked; a cube of the same volume if that gets tall."""
    dims = []
    for ln in o["lines"]:
        p = ln["product"] or {}
        d = [float(p.get(k) or 10) for k in ("length_cm", "width_cm", "height_cm")]
        dims.append((d, int(ln["quantity"])))
    if not dims:
        return (10.0, 10.0, 10.0)
    length = max(d[0] for d, _ in dims)
    width = max(d[1] for d, _ in dims)
    height = sum(d[2] * q for d, q in dims)
    if height > 100:
        side = sum(d[0] * d[1] * d[2] * q for d, q in dims) ** (1 / 3) * 1.1
        return (max(side, length), side, side)
    return (length, width, height)


def plan_parcels(orders: list[dict[str, Any]], day: date, flight_days: int) -> dict[str, Any]:
    """Consolidation of the air parcels (9610, 9710) on the sample network from ``day``; every order is
    listed in ``parcel_status``: where it flies, or why not."""
    from ponte.logistics.consolidation import consolidate
    from ponte.logistics.network import sample_flights
    from ponte.logistics.parcels import ParcelBatch
    from ponte.logistics.summary import plan_summary

    status: dict[str, dict[str, Any]] = {}
    air = [o for o in orders if o["trade_mode"] in AIR_MODES]
    for o in orders:
        if o["trade_mode"] not in AIR_MODES:
            status[o["id"]] = {
                "placed": False,
                "reason": f"not-an-air-parcel:{FULFILMENT.get(o['trade_mode'])}",
            }
    summary: dict[str, Any] = {"parcels": 0, "placed": 0, "unplaced_by_reason": {}, "ulds": 0, "bags": 0}
    if air:
        lanes = [_lane(o) for o in air]
        batch = ParcelBatch.from_columns(
            ids=[o["id"] for o in air],
            weight_kg=[float(o["weight_kg"]) for o in air],
            dims_cm=[_box(o) for o in air],
            origin=[a for a, _ in lanes],
            dest=[b for _, b in lanes],
            seg=["GEN"] * len(air),
            ready=[int(o["placed_at"].timestamp()) for o in air],
            shipper=[o["tenant_id"] for o in air],
        )
        plan = consolidate(batch, sample_flights(day, flight_days))
        summary = plan_summary(plan, detail=False)
        for i, o in enumerate(air):
            u = int(plan.parcel_uld[i])
            if u >= 0:
                f = plan.flights[plan.uld_flight[u]]
                status[o["id"]] = {"placed": True, "flight": f.key, "uld": u, "bag": int(plan.parcel_bag[i])}
            else:
                status[o["id"]] = {"placed": False, "reason": plan.unplaced_reason.get(i, "unplaced")}
    not_air: dict[str, int] = {}
    for s in status.values():
        if str(s.get("reason", "")).startswith("not-an-air-parcel"):
            not_air[s["reason"]] = not_air.get(s["reason"], 0) + 1
    summary["unplaced_by_reason"] = {**summary.get("unplaced_by_reason", {}), **not_air}
    summary["parcel_status"] = dict(sorted(status.items()))
    return summary


_DEC = pa.decimal128(18, 2)
SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("placed_on", pa.date32()),
        ("destination", pa.string()),
        ("direction", pa.string()),
        ("trade_mode", pa.string()),
        ("fulfilment", pa.string()),
        ("regime", pa.string()),
        ("treatment", pa.string()),
        ("tax_currency", pa.string()),
        ("total_tax", _DEC),
        ("landed_cost", _DEC),
        ("allowed", pa.bool_()),
        ("verdict", pa.string()),
        ("reasons", pa.list_(pa.string())),
        ("customs_messages", pa.int32()),
        ("customs_ok", pa.bool_()),
        ("customs_problems", pa.list_(pa.string())),
        ("placed", pa.bool_()),
    ]
)


def result_table(rows: list[dict[str, Any]]) -> pa.Table:
    """One row per order; columns of a skipped stage are null."""
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in SCHEMA}, schema=SCHEMA)


def counts(table: pa.Table) -> dict[str, dict[str, int]]:
    def tally(col: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in table[col].to_pylist():
            if v is not None:
                out[str(v)] = out.get(str(v), 0) + 1
        return dict(sorted(out.items()))

    customs = tally("customs_ok")
    placed = tally("placed")
    return {
        "verdicts": tally("verdict"),
        "fulfilment": tally("fulfilment"),
        "customs": {"valid": customs.get("True", 0), "invalid": customs.get("False", 0)},
        "parcels": {"placed": placed.get("True", 0), "not_placed": placed.get("False", 0)},
    }
