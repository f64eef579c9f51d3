"""Where the job writes: every file under a temporary name in its own folder, then renamed into place, so a
reader (or a resumed run) sees a whole file or none; a partition's marker is written after all its files.
Archives are deterministic (members sorted, fixed times), so the same work gives the same bytes."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["read_json", "write_bytes", "write_json", "write_parquet", "write_zip", "zip_bytes"]


def _tmp(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def write_bytes(target: Path, data: bytes) -> None:
    tmp = _tmp(target)
    with open(tmp, "wb") as fh:
        fh.write(data)
    tmp.replace(target)


def dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n").encode(
        "utf-8"
    )


def write_json(target: Path, data: Any) -> None:
    write_bytes(target, dumps(data))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", write_statistics=False)
    return sink.getvalue()


def write_parquet(target: Path, table: pa.Table) -> None:
    write_bytes(target, parquet_bytes(table))


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name], compresslevel=1)
    return sink.getvalue()


def write_zip(target: Path, files: Mapping[str, bytes]) -> None:
    write_bytes(target, zip_bytes(files))
