"""`ponte quote`: landed cost of one order (JSON on stdin or --file) or of a batch file.

ponte quote --file request.json --json
echo '{...}' | ponte quote
ponte quote --batch orders.parquet --out quotes.parquet      # Ponte's orders dataset or the row format
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from ponte.bootstrap import platform
from ponte.cli.output import emit_json, emit_table, fail
from ponte.duties.errors import DutiesError
from ponte.duties.quote_service import quote_request
from ponte.kernel.errors import PonteError, ValidationError


def _read_request(file: Path | None) -> Any:
    try:
        text = file.read_text("utf-8") if file else sys.stdin.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}",
            field="--file",
            rule=DutiesError.READABLE,
        ) from None
    try:
        return json.loads(text, parse_float=Decimal)  # 40.5 is the decimal 40.5, never a binary float
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"not JSON: {exc.msg} at line {exc.lineno}", field="/", rule=DutiesError.JSON
        ) from None


def quote(
    file: Path | None = typer.Option(None, "--file", "-f", help="Quote request JSON (default: stdin)."),
    batch: Path | None = typer.Option(
        None, "--batch", help="Ponte's orders dataset (orders.parquet + companions) or a CSV/Parquet of rows."
    ),
    out: Path | None = typer.Option(None, "--out", help="Where to write batch results (.csv or .parquet)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Duties and taxes at destination, with the legal basis of every line."""
    try:
        _run(file, batch, out, as_json)
    except PonteError as exc:
        if as_json:  # a program reads the error as it reads a result: JSON on stdout
            emit_json(
                {"error": {"message": exc.message, "violations": [v.as_dict() for v in exc.violations]}}
            )
        else:
            fail(exc)
        raise typer.Exit(2) from None


def _run(file: Path | None, batch: Path | None, out: Path | None, as_json: bool) -> None:
    p = platform()
    if batch is not None:
        from ponte.duties import service  # lazy: pyarrow and the orders dataset only for --batch

        started = time.perf_counter()
        result = service.quote_file(batch, rules=p.rules, fx=p.fx)
        elapsed = time.perf_counter() - started
        written = service.write_file(result, out) if out is not None else []
        summary = {
            "file": str(batch),
            "format": result.kind,
            **result.summary(),
            "seconds": round(elapsed, 3),
            "out": [str(w) for w in written] or None,
        }
        if as_json:
            if out is None:
                summary["results"] = result.orders.to_pylist()
                if result.lines is not None:
                    summary["lines"] = result.lines.to_pylist()
            emit_json(summary)
        else:
            emit_table("Batch quote", list(summary), [[str(v) for v in summary.values()]])
        return
    result_json = quote_request(_read_request(file), rules=p.rules, fx=p.fx)
    if as_json:
        emit_json(result_json)
        return
    cur = result_json["currency"]
    rows = [
        [
            ln["kind"],
            ln["rate"] or "",
            ln["base"],
            ln["amount"],
            "; ".join(b["reference"]["title"][:60] for b in ln["legal_basis"]),
        ]
        for ln in result_json["lines"]
    ]
    if result_json["total_tax"]["amount"] is not None:
        rows.append(["total tax", "", "", result_json["total_tax"]["amount"], ""])
        rows.append(["landed cost", "", "", result_json["landed_cost"]["amount"], ""])
    verdict = result_json["verdict"]
    status = {"allowed": "allowed", "blocked": "NOT allowed (no total to pay)", "incomplete": "INCOMPLETE"}
    title = f"{result_json['regime']} ({result_json['treatment']}) in {cur} — {status[verdict['status']]}"
    emit_table(title, ["line", "rate", "base", "amount", "legal basis"], rows)
    for reason in verdict["reasons"]:
        typer.echo(f"- {reason['message']}")
