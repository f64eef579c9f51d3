"""Read models of declarations for the API, the console and the journey (an order's links), and the
files the CLI reads. Each reads through the caller's unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ponte.customs.adapters import plan_file
from ponte.customs.adapters.plan_file import PlanEntry
from ponte.customs.china.kinds import SIGNED_KINDS
from ponte.customs.china.personal import mask_personal
from ponte.customs.china.validate import CheckReport, check_files
from ponte.customs.reads import DeclarationFilter, DeclarationQueries
from ponte.customs.store import CustomsRepository, Declaration
from ponte.platform.db import UnitOfWork

__all__ = [
    "DeclarationDetail",
    "DeclarationFilter",
    "DeclaredOrder",
    "MessageView",
    "ReceiptView",
    "check_messages",
    "declaration",
    "declaration_detail",
    "declarations_of",
    "list_declarations",
    "read_plan",
    "search_declarations",
    "view",
]


@dataclass(frozen=True)
class MessageView:
    kind: str
    guid: str
    key: str
    state: str
    signed: bool
    sent_at: datetime | None


@dataclass(frozen=True)
class DeclaredOrder:
    id: str
    order_id: str | None
    order_no: str
    revision: int
    direction: str
    trade_mode: str
    state: str
    tenant_id: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    messages: list[MessageView] = field(default_factory=list)


def view(repo: CustomsRepository, decl: Declaration) -> DeclaredOrder:
    return DeclaredOrder(
        id=decl.id,
        order_id=decl.order_id,
        order_no=decl.order_no,
        revision=decl.revision,
        direction=decl.direction,
        trade_mode=decl.trade_mode,
        state=decl.state,
        tenant_id=decl.tenant_id,
        created_at=decl.created_at,
        updated_at=decl.updated_at,
        messages=[
            MessageView(m.kind, m.guid, m.key, m.state, m.kind in SIGNED_KINDS, m.sent_at)
            for m in repo.messages(decl.id)
        ],
    )


def declaration(uow: UnitOfWork, tenant_id: str, declaration_id: str) -> DeclaredOrder:
    repo = CustomsRepository(uow.session, tenant_id)
    return view(repo, repo.get(declaration_id))


def declarations_of(uow: UnitOfWork, tenant_id: str, order_id: str) -> list[DeclaredOrder]:
    """Every declaration of a stored order, oldest revision first (the order's links)."""
    repo = CustomsRepository(uow.session, tenant_id)
    return [view(repo, d) for d in repo.for_order(order_id)]


# --- files ------------------------------------------------------------------------------------


def read_plan(path: Path, tenant_of: Mapping[str, str] | None = None) -> dict[str, PlanEntry]:
    """Each order's parcel and waybill from a consolidation plan file."""
    return plan_file.read_plan(path, tenant_of)


def check_messages(items: list[tuple[str, bytes]]) -> list[CheckReport]:
    """Check CEB message files (each alone, and the documents of an order against each other)."""
    return check_files(items)


# --- read models for the API and the console ----------------------------------------------------


@dataclass(frozen=True)
class ReceiptView:
    receipt: str
    status: str
    state: str | None
    return_time: str
    info: str
    matched: bool


@dataclass(frozen=True)
class DeclarationDetail:
    declaration: DeclaredOrder
    tenant_id: str
    xml: dict[str, bytes]  # guid -> message
    receipts: list[ReceiptView]
    revisions: list[DeclaredOrder]


def list_declarations(
    uow: UnitOfWork,
    tenant_id: str | None,
    *,
    state: str | None = None,
    cursor: str | None = None,
    limit: int = 25,
) -> tuple[list[tuple[str, DeclaredOrder]], str | None]:
    """A page of declarations, oldest first ((tenant, declaration) pairs; ``tenant_id`` None = all)."""
    return search_declarations(uow, tenant_id, DeclarationFilter(state=state), cursor=cursor, limit=limit)


def search_declarations(
    uow: UnitOfWork,
    tenant_id: str | None,
    where: DeclarationFilter,
    *,
    cursor: str | None = None,
    limit: int = 25,
) -> tuple[list[tuple[str, DeclaredOrder]], str | None]:
    """A page of declarations matching ``where`` (state, order, waybill, period), oldest first, with
    each one's messages and their states: the order, payment, waybill and inventory documents."""
    page = DeclarationQueries(uow.session, tenant_id).search(where, cursor, limit)
    out = []
    for decl in page.items:
        repo = CustomsRepository(uow.session, decl.tenant_id)
        out.append((decl.tenant_id, view(repo, decl)))
    return out, page.next_cursor


def declaration_detail(
    uow: UnitOfWork, tenant_id: str | None, declaration_id: str, *, reveal: bool = False
) -> DeclarationDetail:
    """A declaration with its messages, receipts and revisions. The messages show the buyer's name, ID number,
    phone and address masked unless ``reveal`` (a caller holding ``personal:read``)."""
    decl = DeclarationQueries(uow.session, tenant_id).find(declaration_id)
    repo = CustomsRepository(uow.session, decl.tenant_id)
    return DeclarationDetail(
        declaration=view(repo, decl),
        tenant_id=decl.tenant_id,
        xml={m.guid: m.raw if reveal else mask_personal(m.raw) for m in repo.messages(decl.id)},
        receipts=[
            ReceiptView(r.receipt, r.status, r.state, r.return_time, r.info, r.message_guid is not None)
            for r in repo.receipts(decl.id)
        ],
        revisions=[view(repo, d) for d in repo.revisions(decl.order_no)],
    )
