"""The duties capability's use cases: what the journey, the API, the console, the CLI and the batch call.

* a seller's tax registrations: ``set_registration``, ``remove_registration``, ``registrations``;
* an order record quoted and frozen (``quote_order``, ``quote_stored_order``): the request, the
  response line by line with its legal basis, the verdict and the versions of the rules;
* one request (``quote_request``): the API's, the console's and ``ponte quote``'s single quote;
* a table of orders (``quote_orders``) or a file (``quote_file``): Ponte's orders dataset or the
  batch row format.

FX and rules come from the caller's ``ponte.bootstrap.Platform`` (built once there, with the
official rate files); nothing here reads settings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from ponte.duties import batch as row_batch
from ponte.duties.context import FxSource
from ponte.duties.engine import quote
from ponte.duties.errors import DutiesError
from ponte.duties.frozen import FrozenQuote, freeze
from ponte.duties.mapping import BuyerFacts, request_data, request_for
from ponte.duties.orders_batch import BatchContext, OrderQuotes, quote_orders
from ponte.duties.params import Rules
from ponte.duties.quote_service import quote_request
from ponte.duties.registrations import SellerRegistrations, TaxRegistration, check_registration
from ponte.duties.store import TaxRegistrationRepository
from ponte.kernel.errors import NotFoundError, PonteError, ValidationError
from ponte.orders import dataset
from ponte.orders import service as orders
from ponte.orders.core import Order
from ponte.platform.db import UnitOfWork

__all__ = [
    "BatchContext",
    "BuyerFacts",
    "FileQuotes",
    "OrderQuotes",
    "quote_file",
    "quote_order",
    "quote_orders",
    "quote_records",
    "quote_request",
    "quote_stored_order",
    "registrations",
    "remove_registration",
    "set_registration",
    "write_file",
]


# tax registrations -------------------------------------------------------------------------------
def registrations(uow: UnitOfWork, tenant_id: str) -> SellerRegistrations:
    return SellerRegistrations.of(TaxRegistrationRepository(uow.session, tenant_id).all())


def set_registration(
    uow: UnitOfWork,
    tenant_id: str,
    scheme: str,
    number: str,
    valid_from: date,
    valid_until: date | None = None,
) -> TaxRegistration:
    """Check and store a registration (replacing the one of the same scheme from the same date)."""
    reg = check_registration(scheme, number, valid_from, valid_until)
    stored = TaxRegistrationRepository(uow.session, tenant_id).put(reg)
    uow.commit()
    return stored


def remove_registration(uow: UnitOfWork, tenant_id: str, scheme: str, valid_from: date) -> None:
    if not TaxRegistrationRepository(uow.session, tenant_id).remove(scheme, valid_from):
        raise NotFoundError("registration", f"{scheme}@{valid_from.isoformat()}")
    uow.commit()


# quotes -------------------------------------------------------------------------------------------
def quote_order(
    order: Order,
    *,
    rules: Rules,
    fx: FxSource | None,
    seller: SellerRegistrations,
    quoted_at: datetime,
    buyer: BuyerFacts | None = None,
) -> FrozenQuote:
    """An order record quoted with THE mapping and frozen with the versions of its rules."""
    req = request_for(order, seller=seller, buyer=buyer)
    q = quote(req, rules, fx)
    line_nos = sorted(ln.line_no for ln in order.lines)
    return freeze(order.id, line_nos, req, q, rules, quoted_at)


def quote_stored_order(
    uow: UnitOfWork,
    tenant_id: str,
    order_id: str,
    *,
    rules: Rules,
    fx: FxSource | None,
    quoted_at: datetime,
    buyer: BuyerFacts | None = None,
) -> FrozenQuote:
    """A stored order quoted with its tenant's registrations (nothing is written: the journey
    stores the frozen quote with the order's move)."""
    order = orders.load_order(uow, tenant_id, order_id)
    return quote_order(
        order, rules=rules, fx=fx, seller=registrations(uow, tenant_id), quoted_at=quoted_at, buyer=buyer
    )


def quote_records(
    records: Sequence[Order],
    *,
    rules: Rules,
    fx: FxSource | None,
    seller: SellerRegistrations,
    quoted_at: datetime,
) -> list[FrozenQuote | PonteError]:
    """Order records of one seller quoted and frozen exactly as ``quote_order`` does each (a file's orders
    placed in bulk). The request is validated and the engine answers once per distinct request data, as
    ``quote_orders`` memoises: the orders of one file mostly share their goods, destination and date, and
    their frozen quotes differ only by the order's id. An order refused gets its error in its place."""
    answers: dict[str, FrozenQuote | PonteError | None] = {}  # None: the request itself is refused
    out: list[FrozenQuote | PonteError] = []
    for order in records:
        line_nos = sorted(ln.line_no for ln in order.lines)
        key = f"{line_nos}{json.dumps(request_data(order, seller=seller), sort_keys=True, default=str)}"
        if key not in answers:
            try:
                req = request_for(order, seller=seller)
            except PonteError:
                answers[key] = None
            else:
                try:
                    answers[key] = freeze("", line_nos, req, quote(req, rules, fx), rules, quoted_at)
                except PonteError as exc:
                    answers[key] = exc
        got = answers[key]
        if got is None:  # its own error, naming the order
            try:
                request_for(order, seller=seller)
            except PonteError as exc:
                out.append(exc)
            continue
        if isinstance(got, PonteError):
            out.append(got)
            continue
        out.append(FrozenQuote(order.id, quoted_at, got.status, {**got.data, "order_id": order.id}))
    return out


@dataclass(frozen=True)
class FileQuotes:
    """A batch file quoted: the dataset's per-order and per-line tables, or the row format's table."""

    kind: str  # dataset | rows
    orders: pa.Table
    lines: pa.Table | None = None

    def summary(self) -> dict[str, Any]:
        if self.kind == "rows":
            allowed = sum(1 for v in self.orders["allowed"].to_pylist() if v)
            errors = self.orders.num_rows - self.orders["error"].null_count
            return {"rows": self.orders.num_rows, "allowed": allowed, "errors": errors}
        status = self.orders["status"].to_pylist()
        return {
            "orders": len(status),
            **{s: status.count(s) for s in ("allowed", "incomplete", "blocked", "error")},
            "lines": self.lines.num_rows if self.lines is not None else 0,
        }


def _is_dataset(path: Path) -> bool:
    return dataset.companion(path, "lines").is_file()


def quote_file(
    path: Path,
    *,
    rules: Rules,
    fx: FxSource | None,
    sellers: dict[str, SellerRegistrations] | None = None,
) -> FileQuotes:
    """A batch file: Ponte's orders dataset (``orders.parquet`` with its companions, as ``ponte
    simulate --out`` writes it) or the batch row format (one single-line order per row)."""
    if not path.exists():
        raise ValidationError(f"{path} does not exist", field="--batch", rule=DutiesError.READABLE)
    if _is_dataset(path):
        tables = dataset.read_tables(path)
        got = quote_orders(tables, BatchContext(rules, fx, sellers or {}))
        return FileQuotes("dataset", got.orders, got.lines)
    return FileQuotes("rows", row_batch.quote_table(row_batch.read_orders(path), rules, fx))


def write_file(result: FileQuotes, out: Path) -> list[Path]:
    """Write the results beside ``out`` (the dataset's tax lines in ``<out>.lines.<ext>``)."""
    orders_table = result.orders
    if out.suffix.lower() == ".csv" and "reasons" in orders_table.column_names:
        joined = pa.array(["|".join(r or []) for r in orders_table["reasons"].to_pylist()], pa.string())
        at = orders_table.column_names.index("reasons")
        orders_table = orders_table.set_column(at, "reasons", joined)
    row_batch.write_results(orders_table, out)
    written = [out]
    if result.lines is not None:
        lines_path = out.with_name(f"{out.with_suffix('').name}.lines{out.suffix}")
        row_batch.write_results(result.lines, lines_path)
        written.append(lines_path)
    return written
