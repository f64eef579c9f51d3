"""The destination documents of a stored order: commercial invoice, CN 23, packing list (PDF) and the EU
H7 dataset (JSON). The parcel and waybill are the ones the order was declared with (its latest live
declaration), or the ones the caller gives. Rendering is CPU work: adapters call this from a thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from ponte.customs.china.orders import CustomsOrder
from ponte.customs.documents.content import DocumentData, document_data
from ponte.customs.documents.h7 import h7_dataset
from ponte.customs.documents.render import KINDS, render
from ponte.customs.errors import CustomsCode
from ponte.customs.profiles import profile_for
from ponte.customs.store import CustomsRepository
from ponte.kernel.errors import ConflictError, ValidationError
from ponte.kernel.measures import Box, Weight
from ponte.logistics.shipping import OrderParcel, Waybill
from ponte.orders import service as orders
from ponte.platform.db import UnitOfWork
from ponte.platform.pdf_fonts import FontFiles

__all__ = ["DOCUMENTS", "document", "documents_data"]

DOCUMENTS = (*KINDS, "h7")


def _declared_shipment(uow: UnitOfWork, tenant_id: str, order_id: str) -> tuple[OrderParcel, Waybill]:
    decl = CustomsRepository(uow.session, tenant_id).latest_for_order(order_id)
    if decl is None or decl.state in ("rejected", "error", "cancelled"):
        raise ConflictError(
            f"order {order_id} has no declared parcel and waybill yet",
            field="order_id",
            rule=CustomsCode.NOT_DECLARED,
        )
    declared = CustomsOrder.model_validate_json(decl.order_json)
    c = declared.conveyance
    parcel = OrderParcel(
        id=f"declared-{decl.id}",
        order_id=order_id,
        tenant_id=tenant_id,
        gross=Weight(declared.gross_weight),
        net=Weight(declared.net_weight),
        box=Box(Decimal(1), Decimal(1), Decimal(1)),
        dangerous_goods="",
        perishable=False,
        origin="",
        destination=declared.pod or "",
        ready_at=declared.created_at,
    )
    waybill = Waybill(
        house=declared.logistics_no,
        carrier="",
        origin="",
        destination=declared.pod or "",
        master=c.bill_no,
        flight=c.voyage_no,
    )
    return parcel, waybill


def documents_data(
    uow: UnitOfWork,
    tenant_id: str,
    order_id: str,
    *,
    parcel: OrderParcel | None = None,
    waybill: Waybill | None = None,
) -> DocumentData:
    order = orders.load_order(uow, tenant_id, order_id)
    if parcel is None or waybill is None:
        parcel, waybill = _declared_shipment(uow, tenant_id, order_id)
        known_box = False
    else:
        known_box = True
    data = document_data(order, parcel, waybill, profile_for(uow, tenant_id))
    return data if known_box else data.without_dimensions()


def document(
    uow: UnitOfWork,
    tenant_id: str,
    order_id: str,
    kind: str,
    *,
    fonts: FontFiles | None = None,
    to_eur: Callable[[Decimal, str, date], Decimal] | None = None,
    parcel: OrderParcel | None = None,
    waybill: Waybill | None = None,
) -> bytes | dict[str, Any]:
    """One document of the order: PDF bytes, or the H7 dataset as a mapping."""
    if kind not in DOCUMENTS:
        raise ValidationError(f"documents are {', '.join(DOCUMENTS)}", field="kind", rule="document-kind")
    data = documents_data(uow, tenant_id, order_id, parcel=parcel, waybill=waybill)
    if kind == "h7":
        if to_eur is None:
            raise ValidationError("the H7 dataset needs rates to EUR", field="fx", rule="fx")
        return h7_dataset(data, to_eur=to_eur)
    if fonts is None:
        raise ValidationError("the PDF documents need their fonts", field="fonts", rule="document-fonts")
    return render(kind, data, fonts)
