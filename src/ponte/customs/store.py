"""Customs tables and their repository: the declarations of the tenants' orders, a snapshot of every
message declared (the outbox too: a message is stored before it is sent), the receipts matched to them.

Every row carries ``tenant_id`` and every query filters on it. Messages and the declared order hold
personal data (buyer names, ID numbers, phones, addresses): they are encrypted at rest (the profiles and
their signing secrets are in ``profile_store``). The repository keeps rows; the state a receipt leads to
is decided by the pure fold in ``customs.china.receipts``. A declaration keeps its master air waybill
(billNo, digits only) in clear, to be found by it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.customs.china.receipts import ReceiptEvent, declaration_state, next_state
from ponte.kernel.errors import NotFoundError
from ponte.kernel.ids import new_id
from ponte.platform.db import Base
from ponte.platform.types import Amount, Encrypted, UtcDateTime

__all__ = [
    "CustomsRepository",
    "Declaration",
    "DeclaredMessage",
    "Receipt",
]


class Declaration(Base):
    __tablename__ = "customs_declarations"
    __table_args__ = (UniqueConstraint("tenant_id", "order_no", "revision"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    # the stored order it declares; empty only for a declaration submitted raw through the API
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), nullable=True, index=True)
    order_no: Mapped[str] = mapped_column(String(60))
    revision: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(6))
    trade_mode: Mapped[str] = mapped_column(String(4))
    state: Mapped[str] = mapped_column(String(16))
    order_json: Mapped[str] = mapped_column(Encrypted())  # the order as declared (JSON)
    # imports: the buyer (blind index of the ID number), the day and the dutiable value in CNY, which the
    # annual CBEC limit sums
    buyer_index: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    placed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    value_cny: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    bill_no: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)  # master AWB
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DeclaredMessage(Base):
    """Snapshot of one message as declared; ``sent_at`` empty = still in the outbox."""

    __tablename__ = "customs_messages"

    guid: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    declaration_id: Mapped[str] = mapped_column(ForeignKey("customs_declarations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(3))
    key: Mapped[str] = mapped_column(String(60), index=True)
    state: Mapped[str] = mapped_column(String(16))
    xml: Mapped[str] = mapped_column(Encrypted())  # the UTF-8 message, encrypted at rest
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # the number customs gives the record once it has it (sumNo of a CEB701, from its CEB702)
    customs_ref: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)

    @property
    def raw(self) -> bytes:
        return self.xml.encode("utf-8")


class Receipt(Base):
    __tablename__ = "customs_receipts"
    __table_args__ = (UniqueConstraint("tenant_id", "receipt", "key", "status", "return_time"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    message_guid: Mapped[str | None] = mapped_column(ForeignKey("customs_messages.guid"), nullable=True)
    receipt: Mapped[str] = mapped_column(String(16))
    answers: Mapped[str] = mapped_column(String(3))
    key: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(16))
    state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    return_time: Mapped[str] = mapped_column(String(17))
    info: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CustomsRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def add(
        self,
        order_no: str,
        direction: str,
        trade_mode: str,
        order_json: str,
        messages: list[tuple[str, str, str, bytes]],
        at: datetime,
        *,
        order_id: str | None = None,
        buyer_index: str | None = None,
        placed_on: date | None = None,
        value_cny: Decimal | None = None,
        bill_no: str | None = None,
    ) -> Declaration:
        """A new declaration (next revision of the order) with its messages queued in the outbox.
        ``messages`` holds (kind, guid, key, xml)."""
        decl = Declaration(
            id=new_id("dcl"),
            tenant_id=self.tenant,
            order_id=order_id,
            order_no=order_no,
            revision=self.next_revision(order_no),
            direction=direction,
            trade_mode=trade_mode,
            state="queued",
            order_json=order_json,
            buyer_index=buyer_index,
            placed_on=placed_on,
            value_cny=value_cny,
            bill_no=bill_no,
            created_at=at,
            updated_at=at,
        )
        self.s.add(decl)
        self.s.flush()
        self.add_messages(decl, messages, at)
        return decl

    def add_messages(
        self, decl: Declaration, messages: list[tuple[str, str, str, bytes]], at: datetime
    ) -> None:
        """Queue more messages of a declaration (a withdrawal, a return application)."""
        for kind, guid, key, xml in messages:
            self.s.add(
                DeclaredMessage(
                    guid=guid,
                    tenant_id=self.tenant,
                    declaration_id=decl.id,
                    kind=kind,
                    key=key,
                    state="queued",
                    xml=xml.decode("utf-8"),
                    created_at=at,
                )
            )
        self.s.flush()
        decl.state, decl.updated_at = self._declaration_state(decl.id), at

    def next_revision(self, order_no: str) -> int:
        last = self.s.scalar(
            select(Declaration.revision)
            .where(Declaration.tenant_id == self.tenant, Declaration.order_no == order_no)
            .order_by(Declaration.revision.desc())
            .limit(1)
        )
        return 0 if last is None else last + 1

    def annual_used(self, buyer_index: str, year: int, other_than: str) -> Decimal:
        """The dutiable value (CNY) of the buyer's imports declared in ``year`` and not refused, withdrawn
        or returned, each order once (its latest revision), leaving out order number ``other_than``."""
        latest = (
            select(Declaration.order_no, func.max(Declaration.revision).label("rev"))
            .where(Declaration.tenant_id == self.tenant, Declaration.buyer_index == buyer_index)
            .group_by(Declaration.order_no)
            .subquery()
        )
        total = self.s.scalars(
            select(Declaration.value_cny)
            .join(
                latest, (Declaration.order_no == latest.c.order_no) & (Declaration.revision == latest.c.rev)
            )
            .where(
                Declaration.tenant_id == self.tenant,
                Declaration.order_no != other_than,
                Declaration.placed_on >= date(year, 1, 1),
                Declaration.placed_on < date(year + 1, 1, 1),
                Declaration.state.not_in(("rejected", "error", "cancelled", "returned")),
            )
        )
        return sum((v for v in total if v is not None), Decimal(0))

    def key_owners(self, kind: str, key: str) -> set[str]:
        """Order numbers of live declarations whose message of ``kind`` carries business key ``key``."""
        rows = self.s.execute(
            select(Declaration.order_no)
            .join(DeclaredMessage)
            .where(
                DeclaredMessage.tenant_id == self.tenant,
                DeclaredMessage.kind == kind,
                DeclaredMessage.key == key,
                Declaration.state.not_in(("rejected", "error", "cancelled")),
            )
        )
        return {r[0] for r in rows}

    def held_kinds(self, order_no: str) -> set[str]:
        """Kinds of messages of this order number that customs hold from an earlier revision."""
        held = {"declared", "accepted", "inspecting", "released", "closed"}
        rows = self.s.execute(
            select(DeclaredMessage.kind, DeclaredMessage.state)
            .join(Declaration)
            .where(Declaration.tenant_id == self.tenant, Declaration.order_no == order_no)
        )
        return {kind for kind, state in rows if state in held}

    def get(self, declaration_id: str) -> Declaration:
        decl = self.s.scalar(
            select(Declaration).where(Declaration.tenant_id == self.tenant, Declaration.id == declaration_id)
        )
        if decl is None:
            raise NotFoundError("declaration", declaration_id)
        return decl

    def latest_for_order(self, order_id: str) -> Declaration | None:
        return self.s.scalar(
            select(Declaration)
            .where(Declaration.tenant_id == self.tenant, Declaration.order_id == order_id)
            .order_by(Declaration.revision.desc())
            .limit(1)
        )

    def for_order(self, order_id: str) -> list[Declaration]:
        return list(
            self.s.scalars(
                select(Declaration)
                .where(Declaration.tenant_id == self.tenant, Declaration.order_id == order_id)
                .order_by(Declaration.revision)
            )
        )

    def revisions(self, order_no: str) -> list[Declaration]:
        return list(
            self.s.scalars(
                select(Declaration)
                .where(Declaration.tenant_id == self.tenant, Declaration.order_no == order_no)
                .order_by(Declaration.revision)
            )
        )

    def messages(self, declaration_id: str) -> list[DeclaredMessage]:
        return list(
            self.s.scalars(
                select(DeclaredMessage)
                .where(
                    DeclaredMessage.tenant_id == self.tenant, DeclaredMessage.declaration_id == declaration_id
                )
                .order_by(DeclaredMessage.created_at, DeclaredMessage.kind)
            )
        )

    def message(self, guid: str) -> DeclaredMessage:
        msg = self.s.get(DeclaredMessage, guid)
        if msg is None or msg.tenant_id != self.tenant:
            raise NotFoundError("message", guid)
        return msg

    def outbox(self, limit: int = 1000) -> list[DeclaredMessage]:
        return list(
            self.s.scalars(
                select(DeclaredMessage)
                .where(DeclaredMessage.tenant_id == self.tenant, DeclaredMessage.sent_at.is_(None))
                .order_by(DeclaredMessage.created_at, DeclaredMessage.guid)
                .limit(limit)
            )
        )

    def mark_sent(self, guid: str, at: datetime) -> None:
        msg = self.message(guid)
        if msg.sent_at is None:
            msg.sent_at, msg.state = at, next_state(msg.state, "sent")
            decl = self.get(msg.declaration_id)
            decl.state, decl.updated_at = self._declaration_state(decl.id), at

    def set_customs_ref(self, guid: str, ref: str) -> None:
        self.message(guid).customs_ref = ref
        self.s.flush()

    def receipts(self, declaration_id: str) -> list[Receipt]:
        guids = [m.guid for m in self.messages(declaration_id)]
        return list(
            self.s.scalars(
                select(Receipt)
                .where(Receipt.tenant_id == self.tenant, Receipt.message_guid.in_(guids))
                .order_by(Receipt.return_time)
            )
        )

    def answered(self, ev: ReceiptEvent) -> DeclaredMessage | None:
        """The declared message a receipt answers (latest revision first): by the key it echoes
        (orderNo, copNo, logisticsNo, ...); a CEB792 summary result echoes only the sumNo customs gave
        in its CEB702, so it is matched by that number, then by a sumNo already in the CEB701."""
        newest = Declaration.revision.desc(), DeclaredMessage.created_at.desc()
        base = (
            select(DeclaredMessage)
            .join(Declaration)
            .where(DeclaredMessage.tenant_id == self.tenant, DeclaredMessage.kind == ev.answers)
            .order_by(*newest)
            .limit(1)
        )
        if ev.receipt != "CEB792Message":
            return self.s.scalar(base.where(DeclaredMessage.key == ev.key))
        if not ev.key:
            return None
        found = self.s.scalar(base.where(DeclaredMessage.customs_ref == ev.key))
        if found is None:  # a 701 declared with the sumNo (a re-application), before any 702
            found = self.s.scalar(base.where(DeclaredMessage.key == ev.key))
        return found

    def record(self, ev: ReceiptEvent, at: datetime) -> Receipt | None:
        """Store a receipt once (idempotent) and move the message and its declaration forward.
        A receipt stored before its declaration could be found (a CEB792 ahead of the CEB702 that
        names its sumNo) is matched when it arrives again or when that CEB702 arrives."""
        dup = self.s.scalar(
            select(Receipt).where(
                Receipt.tenant_id == self.tenant,
                Receipt.receipt == ev.receipt,
                Receipt.key == ev.key,
                Receipt.status == ev.status,
                Receipt.return_time == ev.time,
            )
        )
        if dup is not None:
            if dup.message_guid is not None:
                return None
            late = self.answered(ev)
            if late is None:
                return None
            dup.message_guid = late.guid
            self._advance(late, ev.state, at)
            self.s.flush()
            return dup
        msg = self.answered(ev)
        row = Receipt(
            id=new_id("rcp"),
            tenant_id=self.tenant,
            message_guid=msg.guid if msg else None,
            receipt=ev.receipt,
            answers=ev.answers,
            key=ev.key,
            status=ev.status,
            state=ev.state,
            return_time=ev.time,
            info=ev.info[:4000],
            received_at=at,
        )
        self.s.add(row)
        if msg is not None:
            self._advance(msg, ev.state, at)
            invt_no = str(ev.fields.get("invtNo") or "").strip()
            if msg.kind in ("603", "621") and invt_no:
                msg.customs_ref = invt_no  # the inventory number a withdrawal or a return names
            sum_no = str(ev.fields.get("sumNo") or "").strip()
            if ev.receipt == "CEB702Message" and sum_no:
                msg.customs_ref = sum_no
                self.s.flush()
                self._match_waiting_results(msg, sum_no, at)
        self.s.flush()
        return row

    def _declaration_state(self, declaration_id: str) -> str:
        return declaration_state({m.kind: m.state for m in self.messages(declaration_id)})

    def _advance(self, msg: DeclaredMessage, event_state: str | None, at: datetime) -> None:
        msg.state = next_state(msg.state, event_state)
        self.s.flush()
        decl = self.get(msg.declaration_id)
        decl.state, decl.updated_at = self._declaration_state(decl.id), at

    def _match_waiting_results(self, msg: DeclaredMessage, sum_no: str, at: datetime) -> None:
        """CEB792 results stored unmatched under ``sum_no`` now belong to ``msg``."""
        waiting = self.s.scalars(
            select(Receipt)
            .where(
                Receipt.tenant_id == self.tenant,
                Receipt.receipt == "CEB792Message",
                Receipt.key == sum_no,
                Receipt.message_guid.is_(None),
            )
            .order_by(Receipt.return_time)
        )
        for row in list(waiting):
            row.message_guid = msg.guid
            self._advance(msg, row.state, at)

    def invt_no(self, declaration_id: str) -> str | None:
        """The inventory number customs gave the declaration's inventory list (from its receipts)."""
        for m in self.messages(declaration_id):
            if m.kind in ("603", "621") and m.customs_ref:
                return m.customs_ref
        return None
