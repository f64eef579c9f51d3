"""The main job: a day of orders through the flow, partition by partition.

A partition is one (day, destination) of orders, with day the UTC date the order was placed. Each
partition is independent of the others (its input is its own slice of the tables, its outputs are its
own files), so partitions run one after the other, in a process pool, or on a distributed engine.

For a partition, the stages are:

* ``quotes``: the landed cost of every order (the duties batch path, one row per order), the
  compliance verdict and its reasons, and the fulfilment mode (the order's own trade mode);
* ``customs``: the China CBEC messages of every order, validated, as XML files;
* ``plans``: the consolidation of the partition's air parcels (one parcel per order).

Outputs under ``out``: ``quotes/day=<day>/dest=<dest>/part.parquet``, ``customs/<day>/<dest>/*.xml``,
``plans/<day>/<dest>.json`` and, written last, ``done/<day>/<dest>.json`` (the marker). A partition
whose marker lists the stages asked for is skipped; every file is written under a temporary name and
renamed, so an interrupted run leaves finished partitions whole and the rest absent or redone.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ponte.batch import steps as steps
from ponte.kernel.errors import ValidationError

__all__ = [
    "STAGES",
    "Inputs",
    "Options",
    "Partition",
    "partitions",
    "read_inputs",
    "run",
    "run_partition",
    "slice_partition",
    "summarise",
]

STAGES = ("quotes", "customs", "plans")
TABLES: dict[str, tuple[str, ...]] = {
    "orders": (
        "id",
        "tenant_id",
        "external_ref",
        "direction",
        "trade_mode",
        "buyer_id",
        "destination",
        "destination_region",
        "currency",
        "goods_value",
        "freight",
        "insurance",
        "discount",
        "total",
        "weight_kg",
        "placed_at",
    ),
    "lines": (
        "order_id",
        "line_no",
        "product_id",
        "sku",
        "hs_code",
        "origin_country",
        "quantity",
        "unit_price",
        "weight_kg",
    ),
    "products": ("id", "titles", "category", "cn_unit", "length_cm", "width_cm", "height_cm"),
    "buyers": ("id", "kind", "name", "tax_id", "phone", "street", "city", "postal_code"),
    "sellers": ("id", "name", "uscc"),
}


@dataclass(frozen=True)
class Partition:
    day: date
    dest: str
    orders: int = 0

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}/{self.dest}"


@dataclass(frozen=True)
class Options:
    """What to run and with which declaring parties; the same options give the same files."""

    skip: frozenset[str] = frozenset()
    key_pem: bytes | None = None  # with cert_pem: sign the inventory lists (603/621)
    cert_pem: bytes | None = None
    flight_days: int = 7
    fx: tuple[tuple[str, str], ...] = ()  # explicit rates for quoting, e.g. (("USD/EUR", "0.92"),)

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(s for s in STAGES if s not in self.skip)


Inputs = dict[str, pa.Table]


def companion(path: Path, name: str) -> Path:
    return path if name == "orders" else path.with_name(f"{path.with_suffix('').name}.{name}{path.suffix}")


def read_inputs(path: Path) -> Inputs:
    """The orders file and its companions (``orders.lines.parquet`` ...), checked for the columns used."""
    if path.suffix.lower() != ".parquet":
        raise ValidationError(f"{path.name}: give a .parquet orders file", field="ORDERS", rule="file-type")
    out: Inputs = {}
    for name, columns in TABLES.items():
        p = companion(path, name)
        if not p.is_file():
            raise ValidationError(f"{p} does not exist", field=p.name, rule="readable")
        try:
            schema = pq.read_schema(p)
        except (OSError, pa.ArrowInvalid) as exc:
            raise ValidationError(f"{p.name} is not Parquet: {exc}", field=p.name, rule="parquet") from None
        missing = [c for c in columns if c not in schema.names]
        if missing:
            raise ValidationError(
                f"{p.name} lacks column(s) {', '.join(missing)}",
                field=f"{p.name}/{missing[0]}",
                rule="required-columns",
            )
        out[name] = pq.read_table(p, columns=list(columns))
    if not pa.types.is_timestamp(out["orders"].schema.field("placed_at").type):
        raise ValidationError(
            "placed_at must be a UTC timestamp", field=f"{path.name}/placed_at", rule="timestamp"
        )
    return out


def _days(orders: pa.Table) -> pa.Array:
    return pc.cast(pc.cast(orders["placed_at"], pa.timestamp("us", tz="UTC")), pa.date32())


def partitions(inputs: Inputs, days: Iterable[date] | None = None) -> list[Partition]:
    """Every (day, destination) with orders, in day then destination order."""
    orders = inputs["orders"]
    table = pa.table({"day": _days(orders), "dest": orders["destination"]})
    counts = table.group_by(["day", "dest"]).aggregate([([], "count_all")])
    wanted = set(days) if days is not None else None
    found = [
        Partition(r["day"], r["dest"], r["count_all"])
        for r in counts.to_pylist()
        if wanted is None or r["day"] in wanted
    ]
    return sorted(found, key=lambda p: (p.day, p.dest))


def slice_partition(inputs: Inputs, part: Partition) -> Inputs:
    """The rows of one partition: its orders, their lines, and the products, buyers and sellers named."""
    orders = inputs["orders"]
    mask = pc.and_(
        pc.equal(_days(orders), pa.scalar(part.day, pa.date32())), pc.equal(orders["destination"], part.dest)
    )
    o = orders.filter(mask)
    lines = inputs["lines"].filter(pc.is_in(inputs["lines"]["order_id"], value_set=o["id"]))
    return {
        "orders": o,
        "lines": lines,
        "products": inputs["products"].filter(pc.is_in(inputs["products"]["id"], lines["product_id"])),
        "buyers": inputs["buyers"].filter(pc.is_in(inputs["buyers"]["id"], o["buyer_id"])),
        "sellers": inputs["sellers"].filter(pc.is_in(inputs["sellers"]["id"], o["tenant_id"])),
    }


def _marker(out: Path, part: Partition) -> Path:
    return out / "done" / part.day.isoformat() / f"{part.dest}.json"


def is_done(out: Path, part: Partition, options: Options) -> bool:
    marker = _marker(out, part)
    if not marker.is_file():
        return False
    done = json.loads(marker.read_text("utf-8"))
    return set(options.stages) <= set(done.get("stages", []))


def _write_bytes(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def _write_parquet(target: Path, table: pa.Table) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(target)


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def run_partition(data: Inputs, part: Partition, out: Path, options: Options) -> dict[str, Any]:
    """All asked stages of one partition; returns (and writes last) its marker."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    orders = steps.order_records(data)
    timings["load"] = time.perf_counter() - t0
    result: dict[str, Any] = {"day": part.day.isoformat(), "dest": part.dest, "orders": len(orders)}
    rows: dict[str, dict[str, Any]] = {o["id"]: steps.base_row(o) for o in orders}
    if "quotes" in options.stages:
        t0 = time.perf_counter()
        for oid, q in steps.quote_orders(orders, dict(options.fx)).items():
            rows[oid].update(q)
        timings["quotes"] = time.perf_counter() - t0
    if "customs" in options.stages:
        t0 = time.perf_counter()
        folder = out / "customs" / part.day.isoformat() / part.dest
        tmp = folder.with_name(f".{part.dest}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for oid, status in steps.declare_orders(orders).items():
            rows[oid].update(status)
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
        timings["customs"] = time.perf_counter() - t0
    if "plans" in options.stages:
        t0 = time.perf_counter()
        plan = steps.plan_parcels(orders, part.day, options.flight_days)
        _write_bytes(out / "plans" / part.day.isoformat() / f"{part.dest}.json", _json(plan))
        for pid, where in plan["parcel_status"].items():
            rows[pid]["placed"] = where.get("placed", False)
        result["plan"] = {k: plan[k] for k in ("parcels", "placed", "unplaced_by_reason", "ulds", "bags")}
        timings["plans"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = steps.result_table(list(rows.values()))
    _write_parquet(
        out / "quotes" / f"day={part.day.isoformat()}" / f"dest={part.dest}" / "part.parquet", table
    )
    timings["write"] = time.perf_counter() - t0
    result.update(steps.counts(table))
    result["stages"] = list(options.stages)
    result["seconds"] = {k: round(v, 6) for k, v in timings.items()}
    _write_bytes(_marker(out, part), _json(result))
    return result


def _work(data: Inputs, part: Partition, out: str, options: Options) -> dict[str, Any]:
    return run_partition(data, part, Path(out), options)


Progress = Callable[[Partition, dict[str, Any] | None], None]


def run(
    inputs: Inputs,
    out: Path,
    options: Options | None = None,
    *,
    days: Iterable[date] | None = None,
    workers: int = 1,
    on_partition: Progress | None = None,
) -> dict[str, Any]:
    """Every pending partition, then the summary of all finished ones (``out/summary.json``).

    ``on_partition(part, marker)`` is called after each partition (``marker`` None when skipped)."""
    options = options or Options()
    unknown = options.skip - set(STAGES)
    if unknown:
        raise ValidationError(
            f"unknown stage(s) {', '.join(sorted(unknown))}; stages are {', '.join(STAGES)}",
            field="--skip",
            rule="stage",
        )
    parts = partitions(inputs, days)
    todo = []
    for part in parts:
        if is_done(out, part, options):
            if on_partition:
                on_partition(part, None)
        else:
            todo.append(part)
    started = time.perf_counter()
    if workers <= 1:
        for part in todo:
            marker = run_partition(slice_partition(inputs, part), part, out, options)
            if on_partition:
                on_partition(part, marker)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_work, slice_partition(inputs, p), p, str(out), options): p for p in todo}
            try:
                for fut in as_completed(futures):
                    marker = fut.result()
                    if on_partition:
                        on_partition(futures[fut], marker)
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
    summary = summarise(out, parts)
    summary["run"] = {
        "partitions_run": len(todo),
        "partitions_skipped": len(parts) - len(todo),
        "seconds": round(time.perf_counter() - started, 3),
        "workers": workers,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    # timings differ from run to run: the file holds only what the data decides
    _write_bytes(
        out / "summary.json", _json({k: v for k, v in summary.items() if k not in ("run", "seconds")})
    )
    return summary


def summarise(out: Path, parts: list[Partition]) -> dict[str, Any]:
    """Totals over the markers of ``parts`` (the same whether they ran now or in an earlier run)."""
    total: dict[str, Any] = {"partitions": len(parts), "finished": 0, "orders": 0, "seconds": {}}
    sums: dict[str, dict[str, int]] = {}
    for part in parts:
        marker = _marker(out, part)
        if not marker.is_file():
            continue
        m = json.loads(marker.read_text("utf-8"))
        total["finished"] += 1
        total["orders"] += m["orders"]
        for stage, sec in m["seconds"].items():
            total["seconds"][stage] = round(total["seconds"].get(stage, 0.0) + sec, 6)
        for key in ("verdicts", "fulfilment", "customs", "parcels"):
            bucket = sums.setdefault(key, {})
            for k, v in m.get(key, {}).items():
                bucket[k] = bucket.get(k, 0) + v
    total.update({k: dict(sorted(v.items())) for k, v in sums.items()})
    total.pop("seconds") if not total["seconds"] else None
    return total
