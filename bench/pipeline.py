"""Throughput of `ponte process` end to end, every stage, and a same-run floor.

    python bench/pipeline.py [--sizes 10000,100000] [--days 30] [--workers 2] [--signed] [--sample 500]

Each size is a fresh simulated corpus (seed 42, spread over --days days; simulating is not timed) run into a
temporary folder by the process pool. Printed per size: orders/s end to end (reading, every stage, writing,
report), time per stage (CPU seconds summed over workers, and µs per order), peak memory (driver and workers),
the floor (reading the same orders and writing the same output bytes, nothing computed) and the job's multiple
of it, and the time ratio between consecutive sizes.

Signing is reported apart: the enterprise's device signs each signed kind at transmission, at the device's
pace, so the headline run declares with a device-signing profile (the job writes those kinds unsigned and
counts them so) and the signing figure is measured on the run's own signed-kind messages (a sample of
``--sample``), CPU time per message with a software RSA key. ``--signed`` signs them inside the job instead (the figure then comes from the job's timings).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from ponte.batch.context import build_context
from ponte.batch.inputs import read_inputs
from ponte.batch.job import run
from ponte.batch.runners import PoolRunner
from ponte.batch.sinks import write_bytes
from ponte.customs import service as customs
from ponte.customs.china.kinds import SIGNED_KINDS
from ponte.customs.china.signer import SoftwareSigner, demo_credentials
from ponte.logistics.network import sample_flights
from ponte.simulate import simulate, write

PROFILE = Path(__file__).parent / "data" / "pipeline_profile.json"
#: The profile's signing when the enterprise's device signs (the e-port client control on its own machine).
DEVICE = {"method": "device", "convention": "sm2-practice", "device_url": "ws://127.0.0.1:61232"}


def _stock() -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (c, 1000000, 9999999) for c in sorted({f.carrier for f in sample_flights(date(2026, 1, 5), 7)})
    )


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _mem_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def floor(corpus: Path, out: Path, target: Path) -> float:
    """Read the same orders, write the same bytes the job wrote (nothing computed)."""
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    t0 = time.perf_counter()
    inputs = read_inputs([corpus])
    for rel, data in files.items():
        write_bytes(target / rel, data)
    elapsed = time.perf_counter() - t0
    assert inputs.orders > 0
    return elapsed


def signing_apart(out: Path, sample: int) -> tuple[int, float]:
    """How many signed-kind messages the run wrote, and the CPU seconds per message to sign a sample of them."""
    found, picked = 0, []
    for archive in sorted((out / "messages").rglob("*.zip")):
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                if name.endswith(".xml") and name.rsplit("/", 1)[-1][3:6] in SIGNED_KINDS:
                    found += 1
                    if len(picked) < sample:
                        picked.append(zf.read(name))
    if not picked:
        return found, 0.0
    signer = SoftwareSigner(*demo_credentials())
    t0 = time.process_time()
    for raw in picked:
        signer.sign(raw)
    return found, (time.process_time() - t0) / len(picked)


def one(n: int, days: int, workers: int, signed: bool, sample: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="ponte-bench-"))
    try:
        corpus = tmp / "orders.parquet"
        write(simulate(42, n, date(2026, 1, 5), days), corpus)
        key, cert = demo_credentials() if signed else (None, None)
        data = json.loads(PROFILE.read_text("utf-8"))
        if (
            not signed
        ):  # the enterprise signs with its e-port card at transmission: the job writes them unsigned
            data["signing"] = DEVICE
        profile = customs.profile_from(data, "profile")
        c0 = _cpu()
        t0 = time.perf_counter()
        inputs = read_inputs([corpus])
        read = time.perf_counter() - t0
        span = inputs.days()
        assert span is not None
        ctx = build_context(span, profile=profile, awb_ranges=_stock(), key_pem=key, cert_pem=cert)
        summary = run(inputs, tmp / "out", ctx, PoolRunner(workers))
        wall = time.perf_counter() - t0
        cpu = _cpu() - c0
        stages = json.loads((tmp / "out" / "report" / "timings.json").read_text())
        signed_msgs = sum(
            json.loads(p.read_text()).get("signed_messages", 0)
            for p in (tmp / "out" / "done").rglob("*.json")
        )
        per_message = stages.get("signing", 0.0) / signed_msgs if signed_msgs else 0.0
        if not signed:
            signed_msgs, per_message = signing_apart(tmp / "out", sample)
        base = floor(corpus, tmp / "out", tmp / "floor")
        size = sum(p.stat().st_size for p in (tmp / "out").rglob("*") if p.is_file())
        return {
            "n": n,
            "wall": wall,
            "cpu": cpu,
            "read": read,
            "stages": stages,
            "floor": base,
            "signed": signed_msgs,
            "per_message": per_message,
            "bytes": size,
            "parts": summary.partitions,
            "mem": _mem_mb(),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--signed", action="store_true", help="sign the signed kinds inside the job")
    ap.add_argument("--sample", type=int, default=500, help="signed-kind messages timed apart")
    args = ap.parse_args()
    print(
        f"ponte process, every stage; {args.workers} workers; {args.days} days; signed in the job={args.signed}"
    )
    previous = None
    for n in (int(x) for x in args.sizes.split(",")):
        r = one(n, args.days, args.workers, args.signed, args.sample)
        rate = r["n"] / r["wall"]
        print(
            f"\n{n:>9,} orders, {r['parts']} partitions: {r['wall']:.1f} s wall, {rate:,.0f} orders/s end to end; "
            f"floor {r['floor']:.2f} s ({r['wall'] / r['floor']:.1f}x the floor); output {r['bytes'] / 1e6:.0f} MB; "
            f"peak RSS driver {r['mem'][0]:.0f} MB, largest worker {r['mem'][1]:.0f} MB"
        )
        print(
            f"  CPU {r['cpu']:.1f} s (driver and workers): {n / (r['cpu'] / args.workers):,.0f} orders/s on "
            f"{args.workers} free cores; the machine is shared, so wall time is also other programs' time"
        )
        print(f"  read+split {r['read']:.2f} s")
        for stage, sec in r["stages"].items():
            extra = " (inside customs)" if stage == "signing" else ""
            print(f"  {stage:<11}{sec:9.2f} s cpu {1e6 * sec / n:9.1f} µs/order{extra}")
        if r["signed"]:
            how = "in the job" if args.signed else f"apart, on {min(args.sample, r['signed']):,} of them"
            print(
                f"  signing ({how}): {r['signed']:,} signed-kind messages, {1e3 * r['per_message']:.2f} ms CPU per "
                f"message, {r['signed'] * r['per_message']:.1f} s of the device's time"
            )
        if previous is not None:
            print(
                f"  time ratio {n}/{previous['n']}: wall {r['wall'] / previous['wall']:.2f}, "
                f"CPU {r['cpu'] / previous['cpu']:.2f} (orders x{n / previous['n']:.0f})"
            )
        previous = r


if __name__ == "__main__":
    main()
