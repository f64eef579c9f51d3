"""`ponte documents ID --tenant T --out DIR`: the documents of a stored order or shipment.

For an order: the commercial invoice, the CN 23 and the packing list (PDF) and, for Portugal and Spain, the EU
H7 dataset (JSON), from the order, the parcel and waybill it was declared with and the tenant's customs
profile. For a shipment (``shp_…``, one master waybill): what the forwarder hands to the airline, the
consolidation list, the flight manifest of every leg it flies and the ULD contents list (PDF, ``--lang``).
Bad input ends with exit code 2 naming the field and the rule (JSON with --json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from ponte.accounts import service as accounts
from ponte.bootstrap import platform
from ponte.cli.output import emit_json, emit_table, errors
from ponte.customs import documents_service
from ponte.kernel.clock import now
from ponte.kernel.errors import PonteError, ValidationError, Violation
from ponte.logistics import service_forwarding
from ponte.logistics.documents import KINDS as SHIPMENT_KINDS

_SUFFIX = {"invoice": "pdf", "cn23": "pdf", "packing-list": "pdf", "h7": "json"}


def documents(
    order_id: str = typer.Argument(..., help="the stored order, or a stored shipment (shp_…)"),
    tenant: str = typer.Option(
        ..., "--tenant", help="the tenant whose order it is (its id; a shipment's: its id or slug)"
    ),
    out: Path = typer.Option(..., "--out", help="folder for the documents"),
    kind: list[str] = typer.Option(
        [],
        "--kind",
        help="invoice, cn23, packing-list, h7 for an order; consolidation-list, flight-manifest, uld-contents "
        "for a shipment (repeatable; default all)",
    ),
    lang: str = typer.Option("en", "--lang", help="zh-CN, en, pt-BR or es (a shipment's documents)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Write an order's commercial invoice, CN 23, packing list and (PT, ES) H7 dataset, or a shipment's
    consolidation list, flight manifest and ULD contents list."""
    try:
        if order_id.startswith("shp_") or any(k in SHIPMENT_KINDS for k in kind):
            written = _write_shipment(order_id, tenant, out, kind, lang)
        else:
            written = _write(order_id, tenant, out, kind)
    except PonteError as exc:
        if as_json:
            emit_json(
                {"ok": False, "error": exc.message, "violations": [v.as_dict() for v in exc.violations]}
            )
        else:
            for v in exc.violations or [Violation("", exc.rule, exc.message)]:
                errors.print(
                    f"[red]error[/red] {v.field}: {v.message} [dim]({v.rule})[/dim]", highlight=False
                )
        raise typer.Exit(2) from None
    if as_json:
        emit_json({"ok": True, "order_id": order_id, "files": written})
    else:
        emit_table(f"documents of {order_id}", ["document", "file"], [[k, f] for k, f in written.items()])


def _write(order_id: str, tenant: str, out: Path, kinds: list[str]) -> dict[str, str]:
    unknown = [k for k in kinds if k not in documents_service.DOCUMENTS]
    if unknown:
        raise ValidationError(
            f"{', '.join(unknown)}: documents are {', '.join(documents_service.DOCUMENTS)}",
            field="--kind",
            rule="document-kind",
        )
    p = platform()
    written: dict[str, str] = {}
    with p.database.unit_of_work() as uow:
        data = documents_service.documents_data(uow, tenant, order_id)
        wanted = kinds or [k for k in documents_service.DOCUMENTS if k != "h7" or data.ioss_number]
        for k in wanted:
            doc: Any = documents_service.document(
                uow, tenant, order_id, k, fonts=p.document_fonts, to_eur=p.to_eur
            )
            target = out / f"{data.order_ref}-{k}.{_SUFFIX[k]}"
            out.mkdir(parents=True, exist_ok=True)
            if isinstance(doc, bytes):
                target.write_bytes(doc)
            else:
                target.write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
            written[k] = str(target)
    return written


def _write_shipment(shipment_id: str, tenant: str, out: Path, kinds: list[str], lang: str) -> dict[str, str]:
    unknown = [k for k in kinds if k not in SHIPMENT_KINDS]
    if unknown:
        raise ValidationError(
            f"{', '.join(unknown)}: a shipment's documents are {', '.join(SHIPMENT_KINDS)}",
            field="--kind",
            rule="document-kind",
        )
    p = platform()
    written: dict[str, str] = {}
    with p.database.unit_of_work() as uow:
        at = now()
        tenant_id = tenant if tenant.startswith("tnt_") else accounts.tenant_id_of(uow, tenant)
        for k in kinds or SHIPMENT_KINDS:
            name, body = service_forwarding.shipment_document(
                uow, [tenant_id], shipment_id, k, lang, p.document_fonts, at
            )
            out.mkdir(parents=True, exist_ok=True)
            target = out / name
            target.write_bytes(body)
            written[k] = str(target)
    return written
