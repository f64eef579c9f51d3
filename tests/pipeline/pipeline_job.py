"""What the main job's tests share: a simulated corpus of multi-line orders of every market and mode, a
customs profile, AWB stock for every carrier of the network, the job's context and its outputs compared
byte for byte (a module of its own name, imported the same way whatever other folders' tests are loaded)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from ponte.batch.context import JobContext, build_context
from ponte.batch.inputs import Inputs
from ponte.customs import service as customs
from ponte.customs.china.signer import demo_credentials
from ponte.logistics.network import sample_flights
from ponte.simulate import simulate, write

ROOT = Path(__file__).resolve().parents[2]


XSD = ROOT.parent / "shared" / "ceb" / "xsd"


START = date(2026, 3, 2)


PROFILE = {
    "transmitter": {"code": "4403960ABC", "name": "深圳前海跨境电商服务有限公司"},
    "dxp_id": "DXPENT0000458763",
    "platform": {"code": "4403960PLT", "name": "前海跨境电商平台"},
    "logistics": {"code": "4403980LGX", "name": "顺达国际物流有限公司", "dxp_id": "DXPENT0000458764"},
    "payment": {"code": "312226T001", "name": "跨境支付一号有限公司", "dxp_id": "DXPENT0000458765"},
    "payment_companies": [
        {"code": "31222699S7", "name": "跨境支付二号有限公司", "dxp_id": "DXPENT0000458766"},
        {"code": "4403169D3W", "name": "跨境支付三号有限公司", "dxp_id": "DXPENT0000458767"},
    ],
    "agent": {"code": "4403960AGT", "name": "前海报关服务有限公司"},
    "area": {"code": "4403660ARE", "name": "前海保税仓储有限公司"},
    "ems_no": "T5349W000001",
    "customs_code": "5349",
    "port_code": "5345",
    "bonded_traf_mode": "W",
    "signing": {"method": "software", "convention": "rsa-sha1"},
    "documents": {
        "sender_address": {"street": "前海路 1 号", "city": "Shenzhen", "postcode": "518000"},
        "signatory": "Li Wei",
        "ioss_number": "IM1560000001",
    },
}


def stock() -> tuple[tuple[str, int, int], ...]:
    carriers = sorted({f.carrier for f in sample_flights(date(2026, 1, 5), 7)})
    return tuple((c, 1000000, 1999999) for c in carriers)


def stock_args() -> list[str]:
    return [a for prefix, lo, hi in stock() for a in ("--awb-stock", f"{prefix}:{lo}-{hi}")]


def make_corpus(folder: Path, seed: int, n: int, days: int) -> Path:
    path = folder / "orders.parquet"
    write(simulate(seed, n, START, days), path)
    return path


@cache
def credentials() -> tuple[bytes, bytes]:
    """One throw-away key and certificate for the whole test session (runs compared byte for byte)."""
    return demo_credentials()


def context_for(inputs: Inputs, *, signed: bool = True) -> JobContext:
    key, cert = credentials() if signed else (None, None)
    span = inputs.days()
    assert span is not None
    profile = customs.profile_from(PROFILE, "profile")
    return build_context(span, profile=profile, awb_ranges=stock(), key_pem=key, cert_pem=cert)


def output_files(out: Path) -> dict[str, bytes]:
    """Every output the data decides (markers and this run's times left out)."""
    skip_names = {"prepared.json", "planned.json", "timings.json"}
    files = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out)
        if not p.is_file() or rel.parts[0] == "done" or p.name in skip_names or p.name.startswith("."):
            continue
        if rel.parts[0] == "report" and p.suffix in (".html", ".pdf"):
            continue  # they show this run's times
        files[str(rel)] = p.read_bytes()
    return files
