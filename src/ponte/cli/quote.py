"""`ponte quote`: landed cost of one order (JSON on stdin or --file) or of a batch file.

ponte quote --file request.json --json
echo '{...}' | ponte quote
ponte quote --batch orders.parquet --out quotes.parquet
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import typer

from ponte.cli.output import emit_json, emit_table, fail
from ponte.kernel.errors import PonteError, ValidationError


def _fx() -> Any:
    from ponte.reference.fx import default_converter

    return default_converter()


def _read_request(file: Path | None) -> Any:
    try:
        text = file.read_text("utf-8") if file else sys.stdin.read()
    except OSError as exc:
        raise ValidationError(
            f"cannot read {file}: {exc.strerror}", field="--file", rule="readable"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"not JSON: {exc.msg} at line {exc.lineno}", field="/", rule="json") from None


def quote(
    file: Path | None = typer.Option(None, "--file", "-f", help="Quote request JSON (default: stdin)."),
    batch: Path | None = typer.Option(None, "--batch", help="CSV or Parquet of single-line orders."),
    out: Path | None = typer.Option(None, "--out", help="Where to write batch results (.csv or .parquet)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Duties and taxes at destination, with the legal basis of every line."""
    try:
        _run(file, batch, out, as_json)
    except PonteError as exc:
        fail(exc)
        raise typer.Exit(2) from None


def _run(file: Path | None, batch: Path | None, out: Path | None, as_json: bool) -> None:
    from ponte.duties import default_rules, quote_json

    if batch is not None:
        from ponte.duties.batch import quote_table, read_orders, write_results

        started = time.perf_counter()
        result = quote_table(read_orders(batch), default_rules(), _fx())
        elapsed = time.perf_counter() - started
        if out is not None:
            write_results(result, out)
        allowed = sum(1 for v in result["allowed"].to_pylist() if v)
        errors = result.num_rows - result["error"].null_count
        summary = {
            "rows": result.num_rows,
            "allowed": allowed,
            "errors": errors,
            "seconds": round(elapsed, 3),
            "out": str(out) if out else None,
        }
        if as_json:
            emit_json(summary if out else {**summary, "results": result.to_pylist()})
        else:
            emit_table("Batch quote", list(summary), [[str(v) for v in summary.values()]])
        return
    result_json = quote_json(_read_request(file), default_rules(), _fx())
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
    rows.append(["total tax", "", "", result_json["total_tax"]["amount"], ""])
    rows.append(["landed cost", "", "", result_json["landed_cost"]["amount"], ""])
    verdict = result_json["verdict"]
    title = (
        f"{result_json['regime']} ({result_json['treatment']}) in {cur} — "
        f"{'allowed' if verdict['allowed'] else 'NOT allowed'}"
        f"{'' if verdict['complete'] else ', data missing'}"
    )
    emit_table(title, ["line", "rate", "base", "amount", "legal basis"], rows)
    for reason in verdict["reasons"]:
        typer.echo(f"- {reason['message']}")
