"""Quoting Ponte's orders dataset (orders + lines + products tables, multi-line orders) in one go.

Every order is read as its record (``orders.dataset.records``) and mapped by THE mapping,
``request_for``; the answer is exactly what that request gives in the scalar engine, line by line.
Requests of one item that the row format carries go through the vectorised path (exact integer
arithmetic, ``fastbatch``) in one table; what that path does not cover, and every order whose fast
answer is not a plain "allowed" (its reasons come from the engine), is quoted by the scalar engine,
once per distinct request. ``tests/duties/test_duties_orders_batch.py`` holds both paths equal on
generated multi-line orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa

from ponte.duties import fastbatch
from ponte.duties.context import FxSource, Quote
from ponte.duties.engine import quote
from ponte.duties.mapping import BuyerFacts, request_for
from ponte.duties.model import QuoteRequest
from ponte.duties.params import Rules
from ponte.duties.registrations import SellerRegistrations
from ponte.kernel.errors import PonteError
from ponte.orders.core import Order
from ponte.orders.dataset import Rejected, records

__all__ = ["LINE_SCHEMA", "ORDER_SCHEMA", "BatchContext", "OrderQuotes", "quote_orders", "request_row"]

ORDER_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("status", pa.string()),  # allowed | blocked | incomplete | error
        ("regime", pa.string()),
        ("treatment", pa.string()),
        ("currency", pa.string()),
        ("total_tax", pa.string()),
        ("landed_cost", pa.string()),
        ("reasons", pa.list_(pa.string())),  # blocking reasons, "code:field"
        ("error", pa.string()),
        ("path", pa.string()),  # fast | scalar | error
    ]
)
LINE_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("line_no", pa.int32()),  # null: a tax line of the whole order
        ("kind", pa.string()),
        ("amount", pa.string()),
        ("currency", pa.string()),
    ]
)


@dataclass(frozen=True)
class BatchContext:
    """What every worker needs to quote: the rules, the FX source, the sellers' registrations (by
    tenant id) and what is known of the buyers' year (by order id)."""

    rules: Rules
    fx: FxSource | None = None
    sellers: Mapping[str, SellerRegistrations] = field(default_factory=dict)
    buyers: Mapping[str, BuyerFacts] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderQuotes:
    orders: pa.Table  # ORDER_SCHEMA, one row per order in input order
    lines: pa.Table  # LINE_SCHEMA, the tax lines of every quoted order

    @property
    def fast_share(self) -> float:
        n = self.orders.num_rows
        return sum(1 for p in self.orders["path"].to_pylist() if p == "fast") / n if n else 0.0


def request_row(req: QuoteRequest) -> dict[str, str] | None:
    """The batch row of a one-item request, or None when the row format cannot say it all."""
    if len(req.items) != 1 or req.fx or req.flags.model_dump() != type(req.flags)().model_dump():
        return None
    it = req.items[0]
    if it.rates is not None or it.preference or it.postal_class or (it.origin not in (None, req.origin)):
        return None
    seller, buyer = req.seller, req.buyer
    row = {
        "destination": req.destination,
        "destination_region": req.destination_region or "",
        "origin": req.origin,
        "date": req.date.isoformat(),
        "currency": req.currency,
        "tax_currency": req.tax_currency or "",
        "unit_price": str(it.unit_price),
        "quantity": str(it.quantity),
        "category": it.category,
        "hs_code": it.hs_code,
        "freight": str(req.freight),
        "insurance": str(req.insurance),
        "discount": str(req.discount),
        "regime": req.regime or "",
        "channel": req.channel or "",
        "remessa_conforme": "true" if seller.remessa_conforme else "false",
        "ioss": "true" if seller.ioss else "false",
        "sii_registered": "true" if seller.sii_registered else "false",
        "buyer_kind": buyer.kind,
        "annual_cbec_used": str(buyer.annual_cbec_used),
        "annual_allowance_used": str(buyer.annual_allowance_used),
        "shipments_this_year": str(buyer.shipments_this_year),
        "net_quantity": str(it.net_quantity.amount) if it.net_quantity else "",
        "net_quantity_unit": it.net_quantity.unit if it.net_quantity else "",
        "description": it.description,
    }
    return row


@dataclass
class _Answer:
    status: str
    regime: str | None = None
    treatment: str | None = None
    currency: str | None = None
    total_tax: str | None = None
    landed_cost: str | None = None
    reasons: list[str] = field(default_factory=list)
    error: str | None = None
    path: str = "scalar"
    lines: list[tuple[int | None, str, str]] = field(default_factory=list)  # (item, kind, amount)


def _scalar(req: QuoteRequest, ctx: BatchContext) -> _Answer:
    try:
        q: Quote = quote(req, ctx.rules, ctx.fx)
    except PonteError as exc:
        return _Answer("error", error=str(exc), path="error")
    single = len(req.items) == 1
    return _Answer(
        q.status,
        q.regime,
        q.treatment,
        q.currency,
        None if q.blocked else str(q.total_tax),
        None if q.blocked else str(q.landed_cost),
        [f"{r.code}:{r.field}" for r in q.reasons if r.blocking],
        lines=[(0 if single else ln.item, ln.kind, str(ln.amount)) for ln in q.lines],
    )


def _fast(rows: list[dict[str, str]], ctx: BatchContext) -> list[_Answer | None]:
    """The vectorised answers of one-item rows; None where the row goes to the scalar engine."""
    if not rows:
        return []
    table = pa.Table.from_pylist(rows)
    got = fastbatch.fast_quote(table, ctx.rules, ctx.fx)
    out: list[_Answer | None] = []
    for i, row in enumerate(rows):
        if not (got.covered[i] and got.allowed[i] and got.complete[i]):
            out.append(None)  # its reasons (or its error) come from the engine
            continue
        amounts = {k: int(a[i]) for k, a in got.lines.items() if a[i] >= 0}
        total = sum(amounts.values())
        out.append(
            _Answer(
                "allowed",
                fastbatch.REGIMES[got.regime[i]],
                fastbatch.TREATMENTS[got.treatment[i]],
                row["currency"],
                _cents(total),
                _cents(int(got.value[i]) + total),
                path="fast",
                lines=[(0, k, _cents(c)) for k, c in amounts.items()],
            )
        )
    return out


def _cents(c: int) -> str:
    return str(Decimal(c).scaleb(-2))


def quote_orders(
    tables: dict[str, pa.Table],
    ctx: BatchContext,
    fast: bool = True,
    read: Iterable[Order | Rejected] | None = None,
) -> OrderQuotes:
    """Per-order and per-line results of every order of the dataset tables, in input order. ``read``: the
    tables' records (``records(tables)``) when the caller has them already (they are not read again)."""
    empty = SellerRegistrations()
    ids: list[str] = []
    line_nos: list[list[int]] = []
    answers: list[_Answer | None] = []
    requests: list[QuoteRequest | None] = []
    for rec in records(tables) if read is None else read:
        if isinstance(rec, Rejected):
            ids.append(rec.order_id)
            line_nos.append([])
            problems = "; ".join(f"{v.field}: {v.message} [{v.rule}]" for v in rec.problems)
            answers.append(_Answer("error", error=problems, path="error"))
            requests.append(None)
            continue
        order: Order = rec
        ids.append(order.id)
        line_nos.append([ln.line_no for ln in sorted(order.lines, key=lambda ln: ln.line_no)])
        try:
            req = request_for(
                order, seller=ctx.sellers.get(order.tenant_id, empty), buyer=ctx.buyers.get(order.id)
            )
        except PonteError as exc:
            answers.append(_Answer("error", error=str(exc), path="error"))
            requests.append(None)
            continue
        answers.append(None)
        requests.append(req)
    if fast:
        at, rows = [], []
        for i, maybe in enumerate(requests):
            row = request_row(maybe) if maybe is not None else None
            if row is not None:
                at.append(i)
                rows.append(row)
        for i, answer in zip(at, _fast(rows, ctx), strict=True):
            answers[i] = answer
    memo: dict[str, _Answer] = {}
    for i, pending in enumerate(requests):
        if answers[i] is None and pending is not None:
            key = pending.model_dump_json()
            if key not in memo:
                memo[key] = _scalar(pending, ctx)
            answers[i] = memo[key]
    return _tables(ids, line_nos, [a for a in answers if a is not None])


def _tables(ids: list[str], line_nos: list[list[int]], answers: list[_Answer]) -> OrderQuotes:
    cols: dict[str, list[Any]] = {name: [] for name in ORDER_SCHEMA.names}
    lines: dict[str, list[Any]] = {name: [] for name in LINE_SCHEMA.names}
    for oid, nos, a in zip(ids, line_nos, answers, strict=True):
        for name, value in (
            ("order_id", oid),
            ("status", a.status),
            ("regime", a.regime),
            ("treatment", a.treatment),
            ("currency", a.currency),
            ("total_tax", a.total_tax),
            ("landed_cost", a.landed_cost),
            ("reasons", a.reasons),
            ("error", a.error),
            ("path", a.path),
        ):
            cols[name].append(value)
        for item, kind, amount in sorted(a.lines, key=lambda t: (t[0] is None, t[0] or 0, t[1])):
            lines["order_id"].append(oid)
            lines["line_no"].append(None if item is None else nos[item])
            lines["kind"].append(kind)
            lines["amount"].append(amount)
            lines["currency"].append(a.currency)
    return OrderQuotes(pa.table(cols, schema=ORDER_SCHEMA), pa.table(lines, schema=LINE_SCHEMA))
