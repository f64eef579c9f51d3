"""Database mode of ``ponte process``: a tenant's orders read from the store, run through the job's stages
unchanged, and the journey each order made written back in bulk as each partition is finished.

* **Read**: the selected orders (a status, placed in a span of days) come out of the store as Ponte's orders
  dataset tables (``orders.bulk.read_tables``: COPY on PostgreSQL, a chunked SELECT on SQLite; personal data
  decrypted in memory as ``ponte export`` does), then split into partitions as a file's orders are.
* **Write back**, one transaction per partition, after the partition's marker says it is finished: what the
  journey's steps (``journey.service.place``/``requote``, ``fulfil``, ``ship``) would have stored for each order
  — the quote frozen as a new revision (when the order was not quoted yet, or its fulfilment changed its trade
  mode), the verdict (``quoted`` or ``held`` with its reasons), the trade mode its fulfilment chose, its
  parcel, its booking (shipment, house and master waybills, bag and ULD) — and every move in the order's
  history, with the seller's webhooks told. Each slice stores its part through its own bulk function
  (``orders.bulk``, ``journey.bulk``, ``logistics.bulk``, ``webhooks.service.notify_many``).
* **Exactly once**: an order moves by compare-and-set on the state it was read in, so a partition written
  again (a rerun, or a run killed between its commit and its marker) moves nothing twice; a run killed during
  a partition's write-back leaves that partition as it was.

What the journey could not do the batch does not store either: an order its fulfilment found no option for
(``fulfil`` refuses it) stays quoted, and is counted with its reason. Orders go as far as ``booked``: the
customs messages stay in the job's archives (``messages/``), the orders are declared from the store
(``ponte declare``) when the enterprise's device signs them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ponte.accounts import service as accounts
from ponte.batch import sinks
from ponte.batch.context import JobContext
from ponte.batch.inputs import Inputs, inputs_of
from ponte.batch.records import Part
from ponte.batch.stages import order_records, pack_parcels, with_modes
from ponte.batch.tasks import is_marked, layout
from ponte.duties import service as duties
from ponte.duties.frozen import FrozenQuote
from ponte.duties.registrations import SellerRegistrations
from ponte.journey.bulk import freeze_quotes
from ponte.journey.core import verdict_of
from ponte.kernel.errors import ValidationError
from ponte.logistics.bulk import Booking, store_parcels, waybill_of
from ponte.logistics.shipping import OrderParcel
from ponte.orders import bulk as orders_bulk
from ponte.orders import service as orders_service
from ponte.orders.bulk import Move
from ponte.orders.core import Order
from ponte.orders.states import STATES
from ponte.platform.db import Database, UnitOfWork
from ponte.webhooks import service as webhooks

__all__ = ["SELECTABLE", "Selection", "WriteBack", "Written", "read_orders"]

#: The states a run takes orders in: not quoted yet, quoted (the usual), or held (quoted again).
SELECTABLE = ("placed", "quoted", "held")


@dataclass(frozen=True)
class Selection:
    """Which orders of which tenant a run takes: placed in [since, until), in ``status``."""

    tenant: str  # the tenant's slug
    since: datetime | None = None
    until: datetime | None = None
    status: str = "quoted"


def read_orders(database: Database, selection: Selection) -> tuple[str, Inputs]:
    """The tenant's id and its selected orders, split into the job's partitions."""
    if selection.status not in SELECTABLE:
        raise ValidationError(
            f"--status is one of {', '.join(SELECTABLE)} (later states are past what the job does)",
            field="--status",
            rule="batch-status",
        )
    with database.unit_of_work(readonly=True) as uow:
        tenant_id = accounts.tenant_id_of(uow, selection.tenant)
        tables = orders_bulk.read_tables(
            uow, tenant_id, since=selection.since, until=selection.until, status=selection.status
        )
    return tenant_id, inputs_of(tables)


@dataclass
class Written:
    """What the write-back stored so far."""

    partitions: int = 0
    moved: Counter[str] = field(default_factory=Counter)  # orders moved, by the state they reached
    quotes: int = 0
    parcels: int = 0
    unchanged: int = 0  # orders already moved (by an earlier run, or meanwhile): left as they were
    not_fulfilled: Counter[str] = field(default_factory=Counter)  # why the journey could not fulfil them
    quote_differs: int = 0  # the batch held an order the scalar quote lets through: left as it was

    def as_dict(self) -> dict[str, Any]:
        return {
            "partitions": self.partitions,
            "moved": dict(sorted(self.moved.items())),
            "quotes": self.quotes,
            "parcels": self.parcels,
            "unchanged": self.unchanged,
            "not_fulfilled": dict(sorted(self.not_fulfilled.items())),
            "quote_differs": self.quote_differs,
        }


@dataclass
class _Plan:
    """One partition's write-back, decided before the transaction opens."""

    moves: list[Move] = field(default_factory=list)
    quotes: list[FrozenQuote] = field(default_factory=list)
    parcels: list[OrderParcel] = field(default_factory=list)
    bookings: dict[str, Booking] = field(default_factory=dict)
    external: dict[str, str] = field(default_factory=dict)  # order id -> its external ref (webhooks)
    not_fulfilled: Counter[str] = field(default_factory=Counter)
    quote_differs: int = 0


def _short(ref: str | None) -> str | None:
    """A bag or ULD of the day's plan (``<day>/B000012``) as a shipment names it (``B000012``)."""
    return ref.rsplit("/", 1)[-1] if ref else None


class WriteBack:
    """Writes each finished partition back to the store, once; call ``pending`` whenever partitions may
    have finished (it is the job's progress callback for ``finish``) and once after the run."""

    def __init__(
        self, database: Database, tenant_id: str, inputs: Inputs, out: Path, ctx: JobContext, at: datetime
    ) -> None:
        self.database, self.tenant_id, self.inputs, self.out, self.ctx, self.at = (
            database, tenant_id, inputs, out, ctx, at,
        )  # fmt: skip
        self.written = Written()
        self._digest = ctx.digest()
        self._where = database.engine.url.render_as_string(hide_password=True)
        self._days: dict[date, pa.Table] = {}
        self._sellers: SellerRegistrations | None = None
        self._records: dict[str, Order] = {}
        self._airlines: dict[str, str] = {}  # the airline of each AWB prefix looked up

    def progress(
        self, then: Callable[[str, str, int], None] | None = None
    ) -> Callable[[str, str, int], None]:
        """The job's progress callback: ``then`` (the progress bars), and a write-back after each finish."""

        def tick(kind: str, key: str, n: int) -> None:
            if then is not None:
                then(kind, key, n)
            if kind == "finish":
                self.pending()

        return tick

    def pending(self) -> None:
        for part in sorted(self.inputs.parts):
            if is_marked(layout.done(self.out, part), self._digest) and not self._stored(part):
                self.partition(part)

    def _marker(self, part: Part) -> Path:
        return self.out / "database" / part.day.isoformat() / f"{part.dest}.json"

    def _stored(self, part: Part) -> bool:
        marker = self._marker(part)
        if not is_marked(marker, self._digest):
            return False
        seen = sinks.read_json(marker)
        return bool(seen.get("database") == self._where and seen.get("tenant") == self.tenant_id)

    def partition(self, part: Part) -> None:
        """Write one finished partition back: one transaction, then its marker."""
        plan = self.plan(part)
        with self.database.unit_of_work() as uow:
            moved = self.apply(uow, plan)
            uow.commit()
        w = self.written
        w.partitions += 1
        w.moved.update(m.end for m in plan.moves if m.order_id in moved)
        w.unchanged += sum(1 for m in plan.moves if m.changes and m.order_id not in moved)
        w.quotes += sum(1 for q in plan.quotes if q.order_id in moved)
        w.parcels += sum(1 for p in plan.parcels if p.order_id in moved)
        w.not_fulfilled.update(plan.not_fulfilled)
        w.quote_differs += plan.quote_differs
        sinks.write_json(
            self._marker(part),
            {"context": self._digest, "database": self._where, "tenant": self.tenant_id, "moved": len(moved)},
        )

    def apply(self, uow: UnitOfWork, plan: _Plan) -> set[str]:
        """Store the plan of a partition in ``uow`` (every slice through its bulk function); the ids of the
        orders moved."""
        moved = orders_bulk.advance(uow, self.tenant_id, plan.moves, self.at)
        quotes = [q for q in plan.quotes if q.order_id in moved]
        parcels = [p for p in plan.parcels if p.order_id in moved]
        bookings = {k: b for k, b in plan.bookings.items() if k in moved}
        freeze_quotes(uow, self.tenant_id, quotes, self.at)
        store_parcels(uow, self.tenant_id, parcels, bookings, self.at)
        events = []
        for m in plan.moves:
            if m.order_id not in moved:
                continue
            for kind, note in m.steps:
                if kind in STATES:
                    payload = {
                        "order_id": m.order_id,
                        "external_ref": plan.external.get(m.order_id),
                        "status": kind,
                        "note": note,
                    }
                    events.append((f"order.{kind}", payload))
        webhooks.notify_many(uow, self.tenant_id, events, self.at)
        return moved

    # --- deciding what each order's journey stores --------------------------------------------------

    def _registrations(self) -> SellerRegistrations:
        if self._sellers is None:
            with self.database.unit_of_work(readonly=True) as uow:
                self._sellers = duties.registrations(uow, self.tenant_id)
        return self._sellers

    def _quote(self, order: Order, mode: str | None = None) -> FrozenQuote:
        """The quote the journey freezes for the order as the store reads it (``duties.quote_order``), under
        ``mode`` when its fulfilment changed it."""
        stored = self._records[order.id]
        return duties.quote_order(
            replace(stored, trade_mode=mode) if mode else stored,
            rules=self.ctx.rules,
            fx=self.ctx.fx,
            seller=self._registrations(),
            quoted_at=self.at,
        )

    def _load(self, order_ids: list[str]) -> None:
        """The records of the orders to quote, as the journey reads them from the store."""
        self._records = {}
        with self.database.unit_of_work(readonly=True) as uow:
            for lo in range(0, len(order_ids), 500):
                found = orders_service.load_orders(uow, self.tenant_id, order_ids[lo : lo + 500])
                self._records.update((o.id, o) for o in found)
                uow.session.expunge_all()

    def _assignments(self, day: date) -> pa.Table:
        if day not in self._days:
            self._days = {day: pq.read_table(layout.day(self.out, day) / "assignments.parquet")}
        return self._days[day]

    def plan(self, part: Part) -> _Plan:
        tables = self.inputs.parts[part]
        folder = layout.part(self.out, part)
        fulfilment = pq.read_table(folder / "fulfilment.parquet")
        quotes = pq.read_table(folder / "quotes.parquet")
        day_plan = self._assignments(part.day)
        assigned = day_plan.filter(pc.is_in(day_plan["order_id"], value_set=tables["orders"]["id"]))
        chosen = {o.id: o for o in order_records(with_modes(tables, fulfilment))[0]}
        mode = dict(
            zip(tables["orders"]["id"].to_pylist(), tables["orders"]["trade_mode"].to_pylist(), strict=True)
        )
        own = [replace(o, trade_mode=mode[o.id]) for o in chosen.values()]  # as placed
        parcels = {
            p.order_id: p for p in pack_parcels(list(chosen.values()), quotes, fulfilment, self.ctx)[0]
        }
        status = dict(
            zip(tables["orders"]["id"].to_pylist(), tables["orders"]["status"].to_pylist(), strict=True)
        )
        batch = dict(zip(quotes["order_id"].to_pylist(), quotes["status"].to_pylist(), strict=True))
        how = {r["order_id"]: r for r in fulfilment.to_pylist()}
        booked = {r["order_id"]: r for r in assigned.to_pylist()}
        plan = _Plan(external={o.id: o.external_ref for o in own})
        self._load(
            [
                o.id
                for o in own
                if status[o.id] in ("placed", "held")
                or chosen[o.id].trade_mode != o.trade_mode
                or batch.get(o.id) != "allowed"
            ]
        )
        for order in own:
            self._order(plan, order, status[order.id], chosen[order.id], batch.get(order.id), how[order.id],
                        parcels.get(order.id), booked.get(order.id), part.day)  # fmt: skip
        return plan

    def _order(
        self,
        plan: _Plan,
        order: Order,
        start: str,
        chosen: Order,
        batch_status: str | None,
        how: dict[str, Any],
        parcel: OrderParcel | None,
        booked: dict[str, Any] | None,
        day: date,
    ) -> None:
        steps: list[tuple[str, str]] = []
        if start in ("placed", "held"):  # journey.place / requote: the quote frozen, its verdict
            first = self._quote(order)
            verdict = verdict_of(first.status, first.reasons)
            plan.quotes.append(first)
            steps.append((verdict.state, ("requoted: " if start == "held" else "") + verdict.summary()))
            if not verdict.lets_through:
                plan.moves.append(Move(order.id, start, tuple(steps)))
                return
        chosen_by = str(how["chosen_by"] or "")
        if not chosen_by.startswith("fulfilment: "):  # journey.fulfil refuses an order without an option
            plan.not_fulfilled[chosen_by.split(": ", 1)[-1]] += 1
            plan.moves.append(Move(order.id, start, tuple(steps)))
            return
        reason = chosen_by.split(": ", 1)[1]
        mode = chosen.trade_mode if chosen.trade_mode != order.trade_mode else None
        requoted = None
        if mode is not None:  # journey.fulfil: the order takes the chosen mode, its quote follows it
            steps.append(("trade_mode", f"{mode}: {reason}"))
            requoted = self._quote(order, mode)
        if parcel is None:
            if batch_status != "allowed":  # the batch holds it: the quote it freezes now says why
                requoted = requoted or self._quote(order, chosen.trade_mode)
                verdict = verdict_of(requoted.status, requoted.reasons)
                if verdict.lets_through:
                    plan.quote_differs += 1
                    return
                plan.quotes.append(requoted)
                steps.append(("held", "requoted: " + verdict.summary()))
            plan.moves.append(Move(order.id, start, tuple(steps), mode))
            return
        if requoted is not None:
            plan.quotes.append(requoted)
        fulfilment = str(how["fulfilment"] or "")
        site = fulfilment.split(" ", 1)[1] if " " in fulfilment else None
        where = f"warehouse {site}" if site else "air parcel"
        steps.append(
            (
                "packed",
                f"{chosen.trade_mode} {where} ({reason}); parcel {parcel.id} {parcel.gross.kg} kg "
                f"{parcel.dangerous_goods or 'GEN'}",
            )
        )
        plan.parcels.append(parcel)
        if booked is not None and booked.get("master"):
            b = Booking(
                house=booked["house"], master=booked["master"], flight=booked["leg"], number=booked["flight"],
                carrier=booked["carrier"], origin=booked["origin"], destination=booked["destination"],
                departs=booked["departs"], arrives=booked["arrives"], bag=_short(booked["bag"]),
                uld=_short(booked["uld"]), uld_type=booked["uld_type"],
                consolidation=f"job:{self._digest}:{day.isoformat()}",
            )  # fmt: skip
            wb = waybill_of(b, self._airlines)
            note = f"{wb.carrier} {wb.flight or ''} house {wb.house}" + (
                f" master {wb.master}" if wb.master else ""
            )
            steps.append(("booked", note.replace("  ", " ")))
            plan.bookings[order.id] = b
        plan.moves.append(Move(order.id, start, tuple(steps), mode))
