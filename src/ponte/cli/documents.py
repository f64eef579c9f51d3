"""`ponte documents ORDER_ID --tenant T --out DIR`: the destination documents of a stored order.

Writes the commercial invoice, the CN 23 and the packing list (PDF) and, for Portugal and Spain, the EU
H7 dataset (JSON), from the order, the parcel and waybill it was declared with and the tenant's customs
profile. Bad input ends with exit code 2 naming the field and the rule (JSON with --json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from ponte.bootstrap import platform
from ponte.cli.output import emit_json, emit_table, errors
from ponte.customs import documents_service
from ponte.kernel.errors import PonteError, ValidationError, Violation

_SUFFIX = {"invoice": "pdf", "cn23": "pdf", "packing-list": "pdf", "h7": "json"}


def documents(
    order_id: str = typer.Argument(..., help="the stored order"),
    tenant: str = typer.Option(..., "--tenant", help="the tenant whose order it is"),
    out: Path = typer.Option(..., "--out", help="folder for the documents"),
    kind: list[str] = typer.Option(
        [], "--kind", help="invoice, cn23, packing-list, h7 (repeatable; default all)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Write the commercial invoice, CN 23, packing list and (PT, ES) the H7 dataset of an order."""
    try:
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
