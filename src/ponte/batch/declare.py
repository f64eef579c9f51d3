"""Stages ``customs`` and ``documents`` of one partition, after its day is planned: the China CBEC messages of
every booked order, built by customs from the order, its parcel and its real waybill and flight
(``customs.service.messages_for``: mapped, validated, the signed kinds signed), and the destination documents'
data (the EU H7 dataset). Without a key the signed kinds are written unsigned and the order counts as
``unsigned``, never as valid. An order that cannot be declared yet says why (held quote, no flight, a
warehouse order waiting for its carrier's waybill)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa

from ponte.batch.context import JobContext
from ponte.batch.records import CUSTOMS_SCHEMA
from ponte.customs import service as customs
from ponte.customs.china.kinds import SIGNED_KINDS
from ponte.customs.china.quote import QuoteFacts
from ponte.customs.documents.content import document_data
from ponte.customs.documents.h7 import H7_COUNTRIES, h7_dataset
from ponte.kernel.errors import PonteError, ValidationError
from ponte.kernel.money import Money
from ponte.logistics.awb import airlines
from ponte.logistics.shipping import OrderParcel, Waybill
from ponte.orders.core import Order

__all__ = ["Declared", "SigningClock", "declare_partition", "quote_document"]


class _Unsigned:
    """Stands where the enterprise's signer would: the message is written as built (no ds:Signature)."""

    def sign(self, message: bytes) -> bytes:
        return message

    def sign_data(self, data: str) -> tuple[bytes, str]:
        # Only the 179 payment-data answer signs bare data, and the batch never sends one: refuse plainly.
        raise ValidationError(
            "signing data needs the enterprise's key or device (--key/--cert, or a device profile)",
            field="signer",
            rule="signer",
        )


@dataclass
class SigningClock:
    """Signing is the enterprise's device's work at transmission: timed apart, per message."""

    inner: Any
    messages: int = 0
    seconds: float = 0.0

    def sign(self, message: bytes) -> bytes:
        t0 = time.process_time()
        out: bytes = self.inner.sign(message)
        self.seconds += time.process_time() - t0
        self.messages += 1
        return out

    def sign_data(self, data: str) -> tuple[bytes, str]:
        result: tuple[bytes, str] = self.inner.sign_data(data)
        return result


@dataclass
class Declared:
    customs: pa.Table  # CUSTOMS_SCHEMA
    files: dict[str, bytes]  # archive member -> bytes
    signing: dict[str, float] = field(default_factory=dict)


def quote_document(status: str, reasons: Sequence[str], lines: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The batch's quote of an order as the duties' quote document customs read (``QuoteFacts.from_quote``)."""
    tax = [
        dict(ln) for ln in lines if ln["line_no"] is None or ln["kind"] in ("duty", "vat", "consumption_tax")
    ]
    currency = tax[0]["currency"] if tax else None
    return {
        "verdict": {
            "allowed": status in ("allowed", "incomplete"),
            "complete": status == "allowed",
            "reasons": [{"code": r.split(":", 1)[0], "blocking": True} for r in reasons],
        },
        "lines": [{"kind": ln["kind"], "amount": ln["amount"], "currency": ln["currency"]} for ln in tax],
        "total_tax": {"currency": currency, "amount": str(_total(tax, currency))},
    }


def _total(tax: Sequence[Mapping[str, Any]], currency: str | None) -> Decimal:
    """The lines' sum in the currency's minor units (CLP and PYG have none, as the engine's answer writes)."""
    total = sum((Decimal(ln["amount"]) for ln in tax), Decimal(0))
    if currency is None:
        return total.quantize(Decimal("0.01"))
    return Money(total, currency).round().amount


def _airline_codes() -> dict[str, str]:
    return {prefix: a.iata for prefix, a in airlines().items()}


def waybill_of(a: Mapping[str, Any], codes: Mapping[str, str]) -> Waybill:
    """The parcel's waybill as logistics gives it when it books (``logistics.service``): house, the
    operating airline, the master and the flight."""
    return Waybill(
        house=a["house"],
        carrier=codes.get(a["carrier"], a["carrier"]),
        origin=a["origin"],
        destination=a["destination"],
        master=a["master"],
        flight=a["flight"],
        departs=a["departs"],
        arrives=a["arrives"],
    )


def _to_eur(ctx: JobContext) -> Any:
    def convert(amount: Decimal, currency: str, on: date) -> Decimal:
        if ctx.fx is None:
            raise PonteError("no FX source for EUR", field="fx", rule="fx")
        result: Decimal = ctx.fx.convert(Money(amount, currency), "EUR", on).result.amount  # type: ignore[attr-defined]
        return result

    return convert


def _problems(exc: PonteError) -> list[str]:
    found = [f"{v.field}: {v.message} [{v.rule}]" for v in exc.violations or []]
    return found or [f"{exc.field}: {exc.message} [{exc.rule}]"]


def declare_partition(
    ids: Sequence[str],
    orders: Mapping[str, Order],
    status: Mapping[str, tuple[str, list[str]]],
    tax_lines: Mapping[str, list[dict[str, Any]]],
    parcels: Mapping[str, OrderParcel],
    booked: Mapping[str, Mapping[str, Any]],
    not_booked: Mapping[str, str],
    ctx: JobContext,
) -> Declared:
    """The customs outcome and files of every order ``ids`` names (in order id order); ``orders`` holds the
    records of the booked ones (an order that is not booked is not declared: its id says everything)."""
    real = ctx.signer()
    signer = SigningClock(real if real is not None else _Unsigned())
    codes = _airline_codes()
    to_eur = _to_eur(ctx)
    rows: dict[str, list[Any]] = {name: [] for name in CUSTOMS_SCHEMA.names}
    files: dict[str, bytes] = {}
    for oid in sorted(ids):
        outcome, kinds, unsigned, problems, docs = _one(
            oid,
            orders.get(oid),
            status,
            tax_lines,
            parcels,
            booked,
            not_booked,
            ctx,
            signer,
            codes,
            to_eur,
            real is None,
            files,
        )
        for name, value in zip(
            CUSTOMS_SCHEMA.names,
            (
                oid,
                outcome,
                kinds,
                [k for k in kinds if k[3:6] in SIGNED_KINDS and k not in unsigned],
                unsigned,
                problems,
                docs,
            ),
            strict=True,
        ):
            rows[name].append(value)
    timing = {"messages": float(signer.messages), "seconds": signer.seconds}
    return Declared(pa.table(rows, schema=CUSTOMS_SCHEMA), files, timing)


def _one(
    oid: str,
    o: Order | None,
    status: Mapping[str, tuple[str, list[str]]],
    tax_lines: Mapping[str, list[dict[str, Any]]],
    parcels: Mapping[str, OrderParcel],
    booked: Mapping[str, Mapping[str, Any]],
    not_booked: Mapping[str, str],
    ctx: JobContext,
    signer: SigningClock,
    codes: Mapping[str, str],
    to_eur: Any,
    no_key: bool,
    files: dict[str, bytes],
) -> tuple[str, list[str], list[str], list[str], list[str]]:
    state, reasons = status.get(oid, ("error", ["not quoted"]))
    if state != "allowed":
        return "not-declared", [], [], [f"quote: {state} ({', '.join(reasons) or 'no reason given'})"], []
    a, parcel = booked.get(oid), parcels.get(oid)
    if a is None or parcel is None or o is None:
        why = not_booked.get(oid)
        if why is None:
            return "not-declared", [], [], ["parcel: the order could not be packed (see rejects)"], []
        return "waiting", [], [], [f"waybill: {why}"], []
    if o.payment is None:
        return "waiting", [], [], ["payment: the order is not paid yet [paid-before-declared]"], []
    if ctx.profile is None:
        return (
            "waiting",
            [],
            [],
            ["profile: no customs profile (give --profile) [customs-profile-missing]"],
            [],
        )
    waybill = waybill_of(a, codes)
    quote = QuoteFacts.from_quote(quote_document(state, reasons, tax_lines.get(o.id, [])))
    try:
        msgs = customs.messages_for(
            o, parcel, waybill, ctx.profile, parcel.ready_at, signer=signer, quote=quote
        )
    except PonteError as exc:
        return "invalid", [], [], _problems(exc), []
    for name, raw in sorted(msgs.items()):
        files[f"{o.id}/{name}.xml"] = raw
    kinds = sorted(msgs)
    unsigned = [k for k in kinds if k[3:6] in SIGNED_KINDS] if no_key else []
    docs, problems = _documents(o, parcel, waybill, ctx, to_eur, files)
    return ("unsigned" if unsigned else "valid"), kinds, unsigned, problems, docs


def _documents(
    o: Order, parcel: OrderParcel, waybill: Waybill, ctx: JobContext, to_eur: Any, files: dict[str, bytes]
) -> tuple[list[str], list[str]]:
    """The destination documents an export needs (invoice, CN 23, packing list; H7 data for PT and ES), with
    the H7 dataset written beside the messages."""
    if o.direction != "export" or ctx.profile is None:
        return [], []
    docs = ["commercial-invoice", "cn23", "packing-list"]
    if o.destination not in H7_COUNTRIES:
        return docs, []
    docs.append("h7")
    try:
        data = document_data(o, parcel, waybill, ctx.profile)
        h7 = h7_dataset(data, to_eur=to_eur)
    except PonteError as exc:
        return docs, [f"h7: {p}" for p in _problems(exc)]
    files[f"{o.id}/H7.json"] = (
        json.dumps(h7, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    ).encode()
    return docs, []
