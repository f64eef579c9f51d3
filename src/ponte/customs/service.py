"""The customs capability's use cases: the tenant's customs profile, declaring a stored order (build,
validate, sign the signed kinds, keep in the outbox), sending the outbox, applying receipts, withdrawing
a declared order and applying for its return. Each function stages its work in the caller's unit of
work (``send_outbox`` commits one message at a time); adapters only translate.

Signing and building are CPU work: the API calls these functions from its thread pool, never on the
event loop. The signer and the transport come from ``ponte.bootstrap`` (built from the profile), so this
module never reads settings or the environment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ponte.accounts import notifications
from ponte.customs.adapters.transport import ReceiptSource, Transport
from ponte.customs.china.checks import dutiable_value, import_checks
from ponte.customs.china.declare import build_order
from ponte.customs.china.from_order import ImportTax, from_order, senders_for
from ponte.customs.china.orders import CustomsOrder
from ponte.customs.china.profile import CustomsProfile, check_profile
from ponte.customs.china.quote import QuoteFacts, gate
from ponte.customs.china.receipts import CLEARED, REJECTED, parse_receipt
from ponte.customs.china.rules import records
from ponte.customs.china.signer import Signer
from ponte.customs.china.validate import ensure_valid, validate_message, validate_set
from ponte.customs.contents import Contents
from ponte.customs.contents import contents as _contents
from ponte.customs.contents import pretty_xml as _pretty
from ponte.customs.errors import CustomsCode
from ponte.customs.follow_ups import (
    answer_payment_request,
    return_application,
    return_declaration,
    withdraw,
    withdraw_declaration,
)
from ponte.customs.outbox import signed_rows
from ponte.customs.profiles import (
    ProfileView,
    SigningMaterial,
    get_profile,
    profile_for,
    profile_from,
    put_profile,
    signing_material,
)
from ponte.customs.queries import (
    DeclarationDetail,
    DeclarationFilter,
    DeclaredOrder,
    MessageView,
    ReceiptView,
    check_messages,
    declaration,
    declaration_detail,
    declarations_of,
    list_declarations,
    read_plan,
    search_declarations,
    view,
)
from ponte.customs.store import CustomsRepository
from ponte.duties.params import default_rules
from ponte.kernel.errors import ConflictError, NotFoundError, PonteError, ValidationError, Violation
from ponte.logistics.shipping import OrderParcel, Waybill
from ponte.orders.core import Order
from ponte.platform.crypto import cipher
from ponte.platform.db import Database, UnitOfWork

__all__ = [
    "AppliedReceipt",
    "Contents",
    "DeclarationChange",
    "DeclarationDetail",
    "DeclarationFilter",
    "DeclaredOrder",
    "MessageView",
    "ProfileView",
    "ReceiptView",
    "SigningMaterial",
    "answer_payment_request",
    "apply_receipt",
    "check_messages",
    "declaration",
    "declaration_detail",
    "declarations_of",
    "declare_order",
    "declare_raw",
    "declare_summary",
    "get_profile",
    "list_declarations",
    "message_contents",
    "messages_for",
    "pretty_message",
    "profile_for",
    "profile_from",
    "put_profile",
    "read_plan",
    "return_application",
    "return_declaration",
    "search_declarations",
    "send_outbox",
    "signing_material",
    "take_receipts",
    "validate_raw",
    "withdraw",
    "withdraw_declaration",
]


@dataclass(frozen=True)
class DeclarationChange:
    """A declaration a receipt moved: the journey moves its order to ``journey`` when it is set."""

    declaration_id: str
    order_id: str | None
    before: str
    after: str

    @property
    def journey(self) -> str | None:
        if self.after in CLEARED:
            return "cleared"
        if self.after in REJECTED:
            return "rejected"
        return None


# --- declaring ----------------------------------------------------------------------------------


def declare_order(
    uow: UnitOfWork,
    tenant_id: str,
    order: Order,
    parcel: OrderParcel,
    waybill: Waybill,
    at: datetime,
    *,
    signer: Signer,
    quote: QuoteFacts | None = None,
) -> DeclaredOrder:
    """Declare a stored order: map it with its parcel and waybill, validate every message and the
    documents against each other, sign the signed kinds and store them in the outbox (the next
    revision of the order's declaration). ``quote`` is the order's frozen quote: a blocked or
    incomplete verdict stops the declaration, and an import declares its tax."""
    if order.tenant_id != tenant_id:
        raise NotFoundError("order", order.id)
    gate(quote, order.direction)
    tax: ImportTax | None = quote.tax if quote is not None else None
    profile = profile_for(uow, tenant_id)
    customs_order = from_order(order, parcel, waybill, profile, tax=tax)
    repo = CustomsRepository(uow.session, tenant_id)
    live = repo.latest_for_order(order.id)
    if live is not None and live.state not in ("rejected", "error", "cancelled"):
        raise ConflictError(
            f"order {order.id} is declared ({live.state}); withdraw it before declaring again",
            field="order_id",
            rule="declared-once",
        )
    return _declare(repo, customs_order, senders_for(profile, customs_order), signer, at, order.id)


def _declare(
    repo: CustomsRepository,
    order: CustomsOrder,
    senders: Any,
    signer: Signer,
    at: datetime,
    order_id: str | None,
) -> DeclaredOrder:
    revision = repo.next_revision(order.order_no)
    changes = {kind: "2" for kind in repo.held_kinds(order.order_no)}
    msgs = build_order(order, senders, now=at, scope=repo.tenant, revision=revision, app_types=changes)
    problems = validate_set(msgs) + _duplicates(repo, order.order_no, msgs)
    buyer_index = value = None
    day = order.created_at.date()
    if order.direction == "import":
        buyer_index = cipher().blind_index(order.buyer.id_number)
        used = repo.annual_used(buyer_index, day.year, order.order_no)
        problems += import_checks(order, day, default_rules(), annual_used=used)
        value = dutiable_value(order)
    if problems:
        raise ValidationError.of(problems)
    decl = repo.add(
        order.order_no,
        order.direction,
        order.trade_mode,
        order.model_dump_json(),
        signed_rows(msgs, signer),
        at,
        order_id=order_id,
        buyer_index=buyer_index,
        placed_on=day,
        value_cny=value,
        bill_no=(order.conveyance.bill_no or "").replace("-", "") or None,
    )
    return view(repo, decl)


#: Business keys the e-port refuses to see declared again for another order (-301010, -504015, ...).
_UNIQUE_KEYS = {"411": "payTransactionId", "511": "logisticsNo", "505": "logisticsNo"}


def _duplicates(repo: CustomsRepository, order_no: str, msgs: dict[str, dict[str, Any]]) -> list[Violation]:
    out = []
    for kind, field_name in _UNIQUE_KEYS.items():
        if kind not in msgs:
            continue
        path, head, _ = next(records(kind, msgs[kind]))
        key = str(head.get(field_name) or "")
        others = repo.key_owners(kind, key) - {order_no} if key else set()
        if others:
            out.append(
                Violation(
                    f"{path}/{field_name}",
                    CustomsCode.DUPLICATE_KEY,
                    f"{key} is already declared for order {sorted(others)[0]}",
                )
            )
    return out


def messages_for(
    order: Order,
    parcel: OrderParcel,
    waybill: Waybill,
    profile: CustomsProfile,
    at: datetime,
    *,
    signer: Signer,
    quote: QuoteFacts | None = None,
) -> dict[str, bytes]:
    """The messages of an order read from a file (nothing stored): validated, signed kinds signed.
    Keyed by message name (``CEB311Message`` ...)."""
    gate(quote, order.direction)
    problems = check_profile(profile)
    if problems:
        raise ValidationError.of([Violation(f"profile.{v.field}", v.rule, v.message) for v in problems])
    customs_order = from_order(order, parcel, waybill, profile, tax=quote.tax if quote else None)
    msgs = build_order(customs_order, senders_for(profile, customs_order), now=at, scope=order.tenant_id)
    ensure_valid(msgs)
    return {f"CEB{kind}Message": raw for kind, _, _, raw in signed_rows(msgs, signer)}


def declare_raw(
    uow: UnitOfWork, tenant_id: str, order: CustomsOrder, at: datetime, *, signer: Signer
) -> DeclaredOrder:
    """Declare an order given whole by the client (no stored order behind it)."""
    profile = profile_for(uow, tenant_id)
    return _declare(
        CustomsRepository(uow.session, tenant_id), order, senders_for(profile, order), signer, at, None
    )


def validate_raw(uow: UnitOfWork, tenant_id: str, order: CustomsOrder, at: datetime) -> list[Violation]:
    """Violations of an order's messages, nothing stored."""
    profile = profile_for(uow, tenant_id)
    msgs = build_order(order, senders_for(profile, order), now=at, scope=tenant_id)
    return validate_set(msgs)


def declare_summary(
    uow: UnitOfWork, tenant_id: str, data: dict[str, Any], at: datetime, *, signer: Signer
) -> DeclaredOrder:
    """Validate, sign and queue a CEB701 summary application (see ``followups.summary_application``)
    as a declaration of its own, keyed by its copNo; its CEB702 gives the sumNo by which the CEB792
    summary result is matched back to it."""
    violations = validate_message("701", data, before_signing=True)
    if violations:
        raise ValidationError.of(violations)
    repo = CustomsRepository(uow.session, tenant_id)
    _, head, rows = next(records("701", data))
    cop_no = str(head["copNo"])
    summary = {"copNo": cop_no, "sumNo": head.get("sumNo"), "invtNos": [r.get("invtNo") for r in rows]}
    decl = repo.add(cop_no, "export", "9610", json.dumps(summary), signed_rows({"701": data}, signer), at)
    if head.get("sumNo"):  # a re-application names the summary customs already numbered
        repo.set_customs_ref(str(data["guid"]), str(head["sumNo"]))
    return view(repo, decl)


def pretty_message(raw: bytes) -> str:
    """A declared message's XML indented for reading (what was signed is the stored message)."""
    try:
        return _pretty(raw)
    except PonteError:
        return raw.decode("utf-8", errors="replace")


def message_contents(raw: bytes, kind: str, lang: str) -> Contents:
    """A declared message's records as labelled fields in ``lang``."""
    return _contents(raw, kind, lang)


# --- the outbox and the receipts ----------------------------------------------------------------


def send_outbox(database: Database, tenant_id: str, transport: Transport, at: datetime) -> int:
    """Send pending messages, one unit of work each: a crash loses nothing and sends nothing twice
    (the transport refuses a guid it already delivered)."""
    sent = 0
    with database.unit_of_work() as uow:
        pending = [m.guid for m in CustomsRepository(uow.session, tenant_id).outbox()]
    for guid in pending:
        with database.unit_of_work() as uow:
            repo = CustomsRepository(uow.session, tenant_id)
            msg = repo.message(guid)
            if msg.sent_at is not None:
                continue
            if transport.send(msg.guid, msg.raw):
                sent += 1
            repo.mark_sent(msg.guid, at)
            uow.commit()
    return sent


@dataclass(frozen=True)
class AppliedReceipt:
    applied: int  # receipt records stored now (a receipt seen before is not applied again)
    matched: int  # of those, the ones matched to a declared message
    changes: list[DeclarationChange]


def apply_receipt(uow: UnitOfWork, tenant_id: str, raw: bytes, at: datetime) -> AppliedReceipt:
    """Apply one receipt message; says which declarations (and so which orders) changed state, and
    to what."""
    repo = CustomsRepository(uow.session, tenant_id)
    before: dict[str, str] = {}
    touched: list[str] = []
    applied = matched = 0
    why: dict[str, str] = {}  # declaration -> the text of the receipt that refused it
    for ev in parse_receipt(raw):
        msg = repo.answered(ev)
        if msg is not None and msg.declaration_id not in before:
            before[msg.declaration_id] = repo.get(msg.declaration_id).state
        row = repo.record(ev, at)
        applied += row is not None
        if row is not None and row.message_guid is not None:
            matched += 1
            decl_id = repo.message(row.message_guid).declaration_id
            before.setdefault(decl_id, before.get(decl_id, ""))
            if decl_id not in touched:
                touched.append(decl_id)
            if ev.state in REJECTED:
                why[decl_id] = ev.info
    changes = []
    for decl_id in touched:
        decl = repo.get(decl_id)
        if decl.state != before.get(decl_id):
            changes.append(DeclarationChange(decl.id, decl.order_id, before.get(decl_id, ""), decl.state))
            if decl.state in REJECTED:
                _tell_refused(uow, decl.tenant_id, decl.id, decl.order_no, decl.revision, decl.state,
                              why.get(decl_id, ""), at)  # fmt: skip
    return AppliedReceipt(applied, matched, changes)


def _tell_refused(
    uow: UnitOfWork,
    tenant_id: str,
    decl_id: str,
    order_no: str,
    revision: int,
    state: str,
    info: str,
    at: datetime,
) -> None:
    """The tenant's people with customs scope learn that customs (or the e-port) refused a declaration."""
    params = {"order_no": order_no, "revision": revision, "state": state, "info": info[:500]}
    notifications.notify(uow, tenant_id, "declaration.rejected", decl_id, f"{decl_id}:{state}", params, at)


@dataclass(frozen=True)
class ReceiptIntake:
    applied: int
    changes: list[DeclarationChange]
    errors: list[tuple[str, str]]  # (receipt name, why it could not be read)


def take_receipts(database: Database, tenant_id: str, source: ReceiptSource, at: datetime) -> ReceiptIntake:
    """Apply every receipt waiting at ``source`` (the e-port client's folder, the MQ queue), one unit of
    work each; a receipt is marked done only once applied and committed. One that cannot be read is
    reported and set aside (it would fail again)."""
    applied, changes, errors = 0, [], []
    for name, raw in source.receive():
        try:
            with database.unit_of_work() as uow:
                result = apply_receipt(uow, tenant_id, raw, at)
                uow.commit()
        except PonteError as exc:
            errors.append((name, str(exc)))
        else:
            applied += result.applied
            changes += result.changes
        source.done(name)
    return ReceiptIntake(applied, changes, errors)
