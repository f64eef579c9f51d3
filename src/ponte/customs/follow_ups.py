"""What follows a declaration: withdrawing a declared order, applying for its return, and answering
customs' real-time request for its payment data. Each stages its work in the caller's unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ponte.customs.china.envelope import ceb_time
from ponte.customs.china.followups import export_cancel, export_return
from ponte.customs.china.followups_import import import_cancel, import_return
from ponte.customs.china.orders import CustomsOrder, Transfer
from ponte.customs.china.payment_data import Evidence, parse_request
from ponte.customs.china.payment_data import answer as payment_answer
from ponte.customs.china.profile import CustomsProfile
from ponte.customs.china.signer import Signer
from ponte.customs.china.validate import ensure_valid
from ponte.customs.errors import CustomsCode
from ponte.customs.outbox import signed_rows
from ponte.customs.profiles import profile_for
from ponte.customs.queries import DeclaredOrder, view
from ponte.customs.store import CustomsRepository, Declaration
from ponte.kernel.errors import ConflictError, NotFoundError
from ponte.orders.core import Order
from ponte.platform.db import UnitOfWork

__all__ = [
    "answer_payment_request",
    "return_application",
    "return_declaration",
    "withdraw",
    "withdraw_declaration",
]


# --- after declaring: withdraw, return ----------------------------------------------------------


def _transmitter(profile: CustomsProfile) -> Transfer:
    return Transfer(
        cop_code=profile.transmitter.code, cop_name=profile.transmitter.name, dxp_id=profile.dxp_id
    )


def _declared(repo: CustomsRepository, order: Order) -> tuple[Declaration, CustomsOrder, str]:
    decl = repo.latest_for_order(order.id)
    if decl is None or decl.state in ("rejected", "error", "cancelled", "returned"):
        raise ConflictError(
            f"order {order.id} has no declaration customs hold",
            field="order_id",
            rule=CustomsCode.NOT_DECLARED,
        )
    return _held(repo, decl)


def _held(repo: CustomsRepository, decl: Declaration) -> tuple[Declaration, CustomsOrder, str]:
    invt_no = repo.invt_no(decl.id)
    if not invt_no:
        raise ConflictError(
            "customs have not numbered the order's inventory list yet (no invtNo in its receipts)",
            field="invtNo",
            rule=CustomsCode.NO_INVENTORY_NUMBER,
        )
    return decl, CustomsOrder.model_validate_json(decl.order_json), invt_no


def _by_declaration(repo: CustomsRepository, declaration_id: str) -> tuple[Declaration, CustomsOrder, str]:
    """The declaration customs hold, by its id: the latest revision of its order, not refused or ended."""
    decl = repo.get(declaration_id)
    latest = repo.revisions(decl.order_no)[-1]
    if latest.id != decl.id or decl.state in ("rejected", "error", "cancelled", "returned"):
        raise ConflictError(
            f"declaration {decl.id} ({decl.state}, revision {decl.revision}) is not one customs hold",
            field="declaration_id",
            rule=CustomsCode.NOT_DECLARED,
        )
    pending = [
        m.kind
        for m in repo.messages(decl.id)
        if m.kind in _APPLICATIONS and m.state not in ("rejected", "error")
    ]
    if pending:
        raise ConflictError(
            f"declaration {decl.id} already has an application customs have not refused (CEB{pending[0]})",
            field="declaration_id",
            rule=CustomsCode.APPLICATION_PENDING,
        )
    return _held(repo, decl)


#: The cancel and return applications of import and export inventories.
_APPLICATIONS = ("605", "623", "213", "625")


def _follow_up(
    uow: UnitOfWork,
    tenant_id: str,
    order: Order | str,
    at: datetime,
    signer: Signer,
    build_one: Callable[..., Any],
) -> DeclaredOrder:
    """``order`` is the stored order, or the id of the declaration itself."""
    repo = CustomsRepository(uow.session, tenant_id)
    decl, declared, invt_no = (
        _by_declaration(repo, order) if isinstance(order, str) else _declared(repo, order)
    )
    profile = profile_for(uow, tenant_id)
    kind, data = build_one(declared, invt_no, _transmitter(profile), decl.revision)
    ensure_valid({kind: data})
    repo.add_messages(decl, signed_rows({kind: data}, signer), at)
    return view(repo, decl)


def _cancel(reason: str, at: datetime) -> Any:
    """The cancel application's builder: CEB623 for an import inventory, CEB605 for an export one (GACC
    202205: both name the inventory number customs gave; both are signed)."""

    def one(declared: CustomsOrder, invt_no: str, t: Transfer, revision: int) -> tuple[str, Any]:
        if declared.direction == "import":
            return "623", import_cancel(declared, invt_no, reason, t, now=at, revision=revision)
        return "605", export_cancel(declared, invt_no, reason, t, now=at, revision=revision)

    return one


def _return(reason: str, at: datetime) -> Any:
    """The return application's builder: CEB625 for an import (every line), CEB213 for an export (9661,
    1261 from a special area)."""

    def one(declared: CustomsOrder, invt_no: str, t: Transfer, revision: int) -> tuple[str, Any]:
        if declared.direction == "import":
            return "625", import_return(declared, invt_no, reason, t, now=at, revision=revision)
        return "213", export_return(declared, invt_no, reason, t, now=at, revision=revision)

    return one


def withdraw(
    uow: UnitOfWork, tenant_id: str, order: Order, at: datetime, *, signer: Signer, reason: str
) -> DeclaredOrder:
    """The cancel application of a declared order (CEB623 import, CEB605 export)."""
    return _follow_up(uow, tenant_id, order, at, signer, _cancel(reason, at))


def return_application(
    uow: UnitOfWork, tenant_id: str, order: Order, at: datetime, *, signer: Signer, reason: str
) -> DeclaredOrder:
    """The return application of a delivered order (CEB625 import, CEB213 export)."""
    return _follow_up(uow, tenant_id, order, at, signer, _return(reason, at))


def withdraw_declaration(
    uow: UnitOfWork, tenant_id: str, declaration_id: str, at: datetime, *, signer: Signer, reason: str
) -> DeclaredOrder:
    """The cancel application of one declaration, by the declaration's id: what a broker files from the
    declaration itself; the order's own state is the seller's."""
    return _follow_up(uow, tenant_id, declaration_id, at, signer, _cancel(reason, at))


def return_declaration(
    uow: UnitOfWork, tenant_id: str, declaration_id: str, at: datetime, *, signer: Signer, reason: str
) -> DeclaredOrder:
    """The return application of one declaration, by its id."""
    return _follow_up(uow, tenant_id, declaration_id, at, signer, _return(reason, at))


# --- customs' real-time request for payment data (Announcement 2018 No. 179) ---------------------


def answer_payment_request(
    uow: UnitOfWork,
    tenant_id: str,
    open_req: str | bytes,
    evidence: Evidence,
    at: datetime,
    *,
    signer: Signer,
) -> dict[str, Any]:
    """The signed ``payExInfoStr`` answering customs' request for the payment data of a declared
    import order (looked up by its order number)."""
    request = parse_request(open_req)
    repo = CustomsRepository(uow.session, tenant_id)
    found = [d for d in repo.revisions(request.order_no) if d.direction == "import"]
    if not found:
        raise NotFoundError("declared import order", request.order_no)
    declared = CustomsOrder.model_validate_json(found[-1].order_json)
    paid = declared.goods_value + declared.freight + declared.tax_total - declared.discount
    return payment_answer(
        request,
        ebp_code=declared.platform.code,
        pay_code=declared.payment.code,
        pay_transaction_id=declared.pay_transaction_id,
        amount_paid=paid,
        trading_time=ceb_time(declared.paid_at),
        evidence=evidence,
        service_time=str(int(at.timestamp() * 1000)),
        signer=signer,
    )
