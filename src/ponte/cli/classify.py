"""`ponte classify`: likely HS 2022 subheadings for one title, or for a CSV/Parquet file of titles.

ponte classify "蓝牙耳机 无线"
ponte classify "Batom matte" --lang pt-BR --limit 3 --json
ponte classify --file titles.csv --column title --out codes.parquet

Works offline from the packaged model, HS texts and examples (no tenant's confirmed titles: those are
used by the API, for that tenant).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import typer

from ponte.bootstrap import platform
from ponte.classify import service
from ponte.cli.output import emit_json, emit_table, fail
from ponte.kernel.errors import PonteError, ValidationError


def classify(
    title: str | None = typer.Argument(None, help="A product title in zh-CN, en, pt-BR or es."),
    lang: str | None = typer.Option(None, "--lang", help="The title's language (detected when omitted)."),
    limit: int = typer.Option(5, "--limit", help="How many suggestions (1 to 20)."),
    file: Path | None = typer.Option(None, "--file", "-f", help="CSV or Parquet with a column of titles."),
    column: str = typer.Option("title", "--column", help="The file's column of titles."),
    lang_column: str | None = typer.Option(None, "--lang-column", help="The file's column of languages."),
    out: Path | None = typer.Option(None, "--out", help="Write one row per title (.csv or .parquet)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Suggest HS 2022 subheadings, each with its confidence and the reason, in the title's language."""
    try:
        if (title is None) == (file is None):
            raise ValidationError("give either a title or --file", field="title", rule="one-of")
        if title is not None:
            _one(title, lang, limit, as_json)
        else:
            assert file is not None
            _many(file, column, lang_column, lang, limit, out, as_json)
    except PonteError as exc:
        if as_json:
            emit_json({"error": exc.message, "violations": [v.as_dict() for v in exc.violations]})
        else:
            fail(exc)
        raise typer.Exit(2) from None


def _one(title: str, lang: str | None, limit: int, as_json: bool) -> None:
    engine = platform().classify
    result = service.as_dict(service.suggest_public(engine, title, lang, limit), engine)
    if as_json:
        emit_json(result)
        return
    rows = [
        [s["code"], f"{s['confidence']:.0%}", s["chapter_label"], "\n".join(r["text"] for r in s["reasons"])]
        for s in result["suggestions"]
    ]
    emit_table(f"{result['title']} [{result['lang']}]", ["code", "confidence", "chapter", "why"], rows)
    for line in result["notes"] + result["questions"]:
        typer.echo(f"- {line}")


def _read(file: Path) -> pa.Table:
    try:
        if file.suffix.lower() == ".parquet":
            return pq.read_table(file)
        return pacsv.read_csv(file)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ValidationError(f"cannot read {file}: {exc}", field="--file", rule="readable") from None


def _many(
    file: Path,
    column: str,
    lang_column: str | None,
    lang: str | None,
    limit: int,
    out: Path | None,
    as_json: bool,
) -> None:
    table = _read(file)
    for name in (column, lang_column):
        if name is not None and name not in table.column_names:
            raise ValidationError(
                f"{file.name} has no column {name!r} (it has {', '.join(table.column_names)})",
                field="--column",
                rule="column-exists",
            )
    titles = [str(t) if t is not None else "" for t in table[column].to_pylist()]
    langs = table[lang_column].to_pylist() if lang_column else [lang] * len(titles)
    engine = platform().classify
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    for row, (title, tag) in enumerate(zip(titles, langs, strict=True), start=2):
        try:
            c = service.as_dict(service.suggest_public(engine, title, tag or None, limit), engine)
            results.append({"row": row, "title": title, **c, "error": None})
        except PonteError as exc:
            results.append({"row": row, "title": title, "suggestions": [], "error": exc.message})
    seconds = time.perf_counter() - started
    if out is not None:
        flat = pa.table(
            {
                "row": [r["row"] for r in results],
                "title": [r["title"] for r in results],
                "lang": [r.get("lang") for r in results],
                "code": [r["suggestions"][0]["code"] if r["suggestions"] else None for r in results],
                "confidence": [
                    r["suggestions"][0]["confidence"] if r["suggestions"] else None for r in results
                ],
                "alternatives": ["|".join(s["code"] for s in r["suggestions"][1:]) for r in results],
                "low_confidence": [r.get("low_confidence") for r in results],
                "error": [r["error"] for r in results],
            }
        )
        if out.suffix.lower() == ".parquet":
            pq.write_table(flat, out)
        else:
            pacsv.write_csv(flat, out)
    summary = {
        "titles": len(results),
        "errors": sum(1 for r in results if r["error"]),
        "seconds": round(seconds, 3),
        "out": str(out) if out else None,
    }
    if as_json:
        emit_json(summary if out else {**summary, "results": results})
        return
    emit_table("Classified", list(summary), [[str(v) for v in summary.values()]])
