from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from customs_factory import SHARED


@pytest.fixture(scope="session")
def xsd():
    """The official 202205 XSDs (export, import), or skip when the shared folder is absent."""
    from lxml import etree

    base = SHARED / "xsd"
    if not (base / "ceb-export-202205.xsd").exists():
        pytest.skip("official CEB XSDs not found in ../shared/ceb/xsd")
    return {d: etree.XMLSchema(etree.parse(str(base / f"ceb-{d}-202205.xsd"))) for d in ("export", "import")}


@pytest.fixture(scope="session")
def samples() -> Path:
    base = SHARED / "samples"
    if not (base / "MANIFEST.md").exists():
        pytest.skip("CEB sample corpus not found in ../shared/ceb/samples")
    return base


@pytest.fixture(scope="session")
def demo_signer():
    from ponte.customs.china.signer import SoftwareSigner, demo_credentials

    key, cert = demo_credentials()
    return SoftwareSigner(key, cert, key_name="0001"), key, cert


@pytest.fixture(autouse=True)
def _exchange_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Every platform the tests build exchanges customs messages in a folder of the test's own."""
    monkeypatch.setenv("PONTE_CUSTOMS_EXCHANGE_DIR", str(tmp_path / "exchange"))
