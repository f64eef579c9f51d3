"""An order CSV file read as a stream of record batches (pyarrow's CSV reader), cut into chunks of rows.

Pure: bytes in, rows out. The file must be UTF-8 with the header of ``csv_upload.COLUMNS`` (a BOM is
allowed); every value is read as text, so the intake limits (``OrderIn``) judge each field the same way
whether an order comes from the API, a small CSV file or a large one. A chunk ends where an order ends:
the rows of one ``external_ref`` that follow each other are never split between two chunks.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ponte.kernel.errors import ValidationError
from ponte.orders.csv_upload import COLUMNS, REQUIRED, NumberedRow

__all__ = ["NumberedRow", "chunks", "scan"]


_BLOCK = 1 << 20  # bytes the reader parses at a time: memory stays flat whatever the file's size


def _reader(data: bytes) -> pacsv.CSVStreamingReader:
    try:
        reader = pacsv.open_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(block_size=_BLOCK, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in COLUMNS},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        header = reader.schema.names
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError) as exc:
        raise _file_error(exc) from None
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        raise ValidationError(
            f"missing columns: {', '.join(missing) or '-'}; unknown columns: {', '.join(unknown) or '-'}",
            field="header",
            rule="csv-columns",
        )
    return reader


def _file_error(exc: Exception) -> ValidationError:
    """What is wrong with the file as a whole (the reader's message may quote a row: it is not echoed)."""
    text = str(exc)
    if "UTF8" in text or "UTF-8" in text or isinstance(exc, UnicodeDecodeError):
        return ValidationError("the file is not UTF-8 text", field="file", rule="utf-8")
    if "Expected" in text and "columns" in text:
        got = text.split("got ", 1)[-1].split(":", 1)[0]
        return ValidationError(
            f"a row has {got} columns where the header has another number",
            field="file",
            rule="csv-column-count",
        )
    if "Empty CSV file" in text:
        return ValidationError("the file has no header row", field="file", rule="csv-columns")
    return ValidationError("the file is not CSV Ponte can read", field="file", rule="csv")


def _batches(data: bytes) -> Iterator[pa.RecordBatch]:
    reader = _reader(data)
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise _file_error(exc) from None
        yield batch


def scan(data: bytes, max_rows: int, together: bool = False) -> int:
    """How many rows the file has, checking it whole first (UTF-8, header, columns per row, the row limit)
    so that a job started on it never stops on a broken file. With ``together``, the rows of each order
    must follow each other (a file placed chunk by chunk never stores part of an order)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("the file is not UTF-8 text", field="file", rule="utf-8") from None
    rows = 0
    runs: list[pa.Array] = []
    for batch in _batches(data):
        rows += batch.num_rows
        if rows > max_rows:
            raise ValidationError(f"at most {max_rows:,} rows per file", field="file", rule="max-rows")
        if together and "external_ref" in batch.schema.names:
            refs = pc.utf8_trim_whitespace(batch.column(batch.schema.names.index("external_ref")))
            starts = pc.not_equal(refs[1:], refs[:-1]) if len(refs) > 1 else pa.array([], pa.bool_())
            runs.append(pc.filter(refs, pa.concat_arrays([pa.array([True]), starts])) if len(refs) else refs)
    if together and runs:
        _check_together(pa.chunked_array(runs, pa.string()))
    return rows


def _check_together(runs: pa.ChunkedArray) -> None:
    """Each order's rows in one run: a reference that starts a second run is refused, naming it."""
    flat = runs.combine_chunks()
    if len(flat) < 2:
        return
    joined = pc.not_equal(flat[1:], flat[:-1])  # runs of two batches that continue each other
    merged = pc.filter(flat, pa.concat_arrays([pa.array([True]), joined]))
    counts = pc.value_counts(merged)
    named = pc.not_equal(counts.field("values"), "")  # a row without a reference is that row's own error
    again = pc.filter(counts, pc.and_(pc.greater(counts.field("counts"), 1), named))
    if len(again):
        ref = again.field("values")[0].as_py()
        raise ValidationError(
            f"the rows of order {ref!r} are apart in the file: keep each order's rows together",
            field="external_ref",
            rule="order-rows-together",
        )


def _rows(batch: pa.RecordBatch, first: int) -> Iterator[NumberedRow]:
    names = batch.schema.names
    columns = {
        c: [v.strip() for v in batch.column(names.index(c)).to_pylist()] for c in COLUMNS if c in names
    }
    blank = [""] * batch.num_rows
    values = [columns.get(c, blank) for c in COLUMNS]
    for i, row in enumerate(zip(*values, strict=True)):
        yield first + i, dict(zip(COLUMNS, row, strict=True))


def chunks(data: bytes, size: int, skip: int = 0) -> Iterator[list[NumberedRow]]:
    """The file's rows in chunks of about ``size`` rows, each ending where an order ends; the first
    ``skip`` rows (the chunks a stopped job already stored) are passed over."""
    pending: list[NumberedRow] = []
    read = 0
    for batch in _batches(data):
        start = read
        read += batch.num_rows
        if read <= skip:
            continue
        for number, row in _rows(batch, start + 2):
            if number - 2 < skip:
                continue
            if len(pending) >= size and row["external_ref"] != pending[-1][1]["external_ref"]:
                yield pending
                pending = []
            pending.append((number, row))
    if pending:
        yield pending
