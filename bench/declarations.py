"""Throughput of China customs messages: build + validate (+ sign) per kind, and a batch of orders.

    python bench/declarations.py [--per-kind 2000] [--batch 100000] [--sign 200]

Baseline in the same run: lxml parse + validation against the official XSD of the same bytes
(needs ../shared/ceb/xsd; skipped when absent). Signed kinds also show the cost of signing with a
software RSA-SHA1 key and with an SM2 card through the e-port client control (its local stand-in, over
a WebSocket on this machine), and every kind the DxpMsg envelope.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "customs"))

from customs_factory import NOW, SHARED, TRANSFER, make_order  # noqa: E402
from lxml import etree  # noqa: E402

from ponte.customs.adapters.eport_client import EportClientDevice  # noqa: E402
from ponte.customs.adapters.eport_stand_in import SoftCard, StandIn  # noqa: E402
from ponte.customs.china.build import build  # noqa: E402
from ponte.customs.china.declare import build_order  # noqa: E402
from ponte.customs.china.dxp import wrap_message  # noqa: E402
from ponte.customs.china.kinds import SIGNED_KINDS  # noqa: E402
from ponte.customs.china.signer import DeviceSigner, SoftwareSigner, demo_credentials  # noqa: E402
from ponte.customs.china.spec import get_spec  # noqa: E402
from ponte.customs.china.validate import validate_message, validate_set  # noqa: E402

KINDS = ("303", "403", "505", "603", "311", "411", "511", "621")


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def per_kind(n: int, n_sign: int) -> None:
    templates = [make_order(i, "export" if i % 2 else "import") for i in range(64)]
    datas: dict[str, list[dict]] = {k: [] for k in KINDS}
    for i in range(n):
        o = templates[i % len(templates)]
        for k, d in build_order(o, TRANSFER, now=NOW, revision=i).items():
            datas[k].append(d)
    schemas = {}
    if (SHARED / "xsd").exists():
        schemas = {
            d: etree.XMLSchema(etree.parse(str(SHARED / "xsd" / f"ceb-{d}-202205.xsd")))
            for d in ("export", "import")
        }
    key, cert = demo_credentials()
    signer = SoftwareSigner(key, cert)
    stand_in = StandIn(SoftCard("sm2")).__enter__()
    sm2 = DeviceSigner(EportClientDevice(stand_in.url, "88888888"), convention="sm2-practice")
    print(
        f"{'kind':<6}{'n':>7}{'build+validate µs p50':>24}{'p99':>8}{'msg/s':>10}"
        f"{'lxml parse+XSD µs':>20}{'ratio':>7}{'+RSA-SHA1 µs':>14}{'+SM2 card µs':>14}{'+DxpMsg µs':>12}"
    )
    for k in KINDS:
        rows = [d for d in datas[k] if d]
        lat = []
        raws = []
        t0 = time.perf_counter()
        for d in rows:
            s = time.perf_counter()
            v = validate_message(k, d, before_signing=True)
            raw = build(k, d)
            lat.append((time.perf_counter() - s) * 1e6)
            assert not v, v[:2]
            raws.append(raw)
        total = time.perf_counter() - t0
        base = float("nan")
        if schemas:
            schema = schemas[get_spec(k).direction]
            signed = {i: signer.sign(raws[i]) for i in range(min(50, len(raws)))} if k == "621" else {}
            t1 = time.perf_counter()
            for i, raw in enumerate(raws):
                schema.validate(etree.fromstring(signed.get(i % 50, raw) if signed else raw))
            base = (time.perf_counter() - t1) / len(raws) * 1e6
        m = min(n_sign, len(raws))
        rsa = sm2_us = "-"
        if k in SIGNED_KINDS:
            t2 = time.perf_counter()
            for raw in raws[:m]:
                signer.sign(raw)
            rsa = f"{(time.perf_counter() - t2) / m * 1e6:.0f}"
            t3 = time.perf_counter()
            for raw in raws[: max(1, m // 4)]:
                sm2.sign(raw)
            sm2_us = f"{(time.perf_counter() - t3) / max(1, m // 4) * 1e6:.0f}"
        t4 = time.perf_counter()
        for i, raw in enumerate(raws[:m]):
            wrap_message(raw, rows[i]["guid"], NOW)
        dxp = (time.perf_counter() - t4) / m * 1e6
        mean = total / len(rows) * 1e6
        print(
            f"{k:<6}{len(rows):>7}{statistics.median(lat):>24.1f}{_pct(lat, 0.99):>8.1f}{1e6 / mean:>10.0f}"
            f"{base:>20.1f}{base / mean:>7.2f}{rsa:>14}{sm2_us:>14}{dxp:>12.1f}"
        )
    stand_in.__exit__()


def batch(n: int) -> None:
    templates = [make_order(i) for i in range(200)]
    t0 = time.perf_counter()
    msgs = nbytes = 0
    for i in range(n):
        o = templates[i % 200]
        m = build_order(o, TRANSFER, now=NOW, scope="bench", revision=i)
        if validate_set(m):
            raise SystemExit(f"order {i} invalid")
        for k, d in m.items():
            nbytes += len(build(k, d))
            msgs += 1
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nbatch: {n} orders -> {msgs} messages ({nbytes / 1e6:.1f} MB XML) in {dt:.1f} s: "
        f"{n / dt:.0f} orders/s, {msgs / dt:.0f} messages/s, {dt / msgs * 1e6:.1f} µs/message "
        f"(orders->data + validate incl. three-document checks + build), peak RSS {rss:.0f} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-kind", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--sign", type=int, default=200)
    a = ap.parse_args()
    per_kind(a.per_kind, a.sign)
    if a.batch:
        batch(a.batch)


if __name__ == "__main__":
    main()
