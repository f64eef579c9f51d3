"""The log masker covers every tax ID and phone format of the covered markets and escapes control characters."""

from __future__ import annotations

import io
import json
import logging

import pytest
from stdnum import get_cc_module  # noqa: F401  (python-stdnum is the source of the schemes)

from ponte.platform.logging import ID_SCHEMES, MaskingFormatter, configure, mask_text
from ponte.reference.taxid import SCHEMES

IDS = [
    ("br.cpf", "529.982.247-25"),
    ("br.cpf", "52998224725"),
    ("br.cnpj", "11.222.333/0001-81"),
    ("mx.rfc", "GODE561231GR8"),
    ("mx.rfc", "gode561231gr8"),
    ("mx.rfc", "VAEC-790112-1Y4"),
    ("mx.curp", "BOXW310820HNERXN09"),
    ("cl.rut", "12.345.678-5"),
    ("cl.rut", "76086428-5"),
    ("co.nit", "213.123.432-1"),
    ("co.nit", "2131234321"),
    ("pe.ruc", "20512333797"),
    ("pe.dni", "10117410"),
    ("ar.cuit", "20-05536168-2"),
    ("pt.nif", "501964843"),
    ("es.dni", "54362315K"),
    ("es.dni", "54362315-K"),
    ("es.nie", "X2482300W"),
    ("es.nie", "X-2482300-W"),
    ("cn.ric", "360426199101010071"),
    ("uy.rut", "211003420017"),
    ("ec.ruc", "1792060346001"),
    ("do.cedula", "00113918205"),
    ("py.ruc", "80028061-0"),
    ("cn.ric", "11010519491231002X"),
    ("cn.uscc", "91110000600037341L"),
]
PHONES = [
    "+55 11 91234-5678",
    "(11) 91234-5678",
    "11 91234-5678",
    "55 1234 5678",
    "(55) 1234-5678",
    "9 8765 4321",
    "612 34 56 78",
    "912 345 678",
    "138 0013 8000",
    "13800138000",
    "011 4321-5678",
    "(01) 234-5678",
    "300 123 4567",
    "+86 138 0013 8000",
]


def test_the_masker_knows_every_scheme_the_platform_validates() -> None:
    assert {s.module for s in SCHEMES.values() if s.module} <= set(ID_SCHEMES)


@pytest.mark.parametrize(("scheme", "number"), IDS)
def test_tax_and_identity_numbers_are_masked(scheme, number) -> None:  # type: ignore[no-untyped-def]
    for text in (f"buyer {number} placed", f"GET /api/v1/orders?tax_id={number} 200", f"id={number}."):
        masked = mask_text(text)
        assert number not in masked and "<id-number>" in masked, (scheme, masked)


@pytest.mark.parametrize("phone", PHONES)
def test_phones_in_local_and_international_formats_are_masked(phone) -> None:  # type: ignore[no-untyped-def]
    masked = mask_text(f"call {phone} before noon")
    assert phone not in masked and ("<phone>" in masked or "<id-number>" in masked), masked
    assert masked.startswith("call ") and masked.endswith(" before noon")


def test_dates_times_amounts_and_codes_survive() -> None:
    text = "order SO-1 total 1234.50 BRL at 2026-11-11T04:00:00+00:00 hs 330410 status 201 in 12.5 ms qty 3"
    assert mask_text(text) == text


def test_a_percent_0a_in_a_url_does_not_forge_a_log_line() -> None:
    stream = io.StringIO()
    configure("INFO", as_json=False)
    handler = logging.getLogger("ponte").handlers[0]
    handler.stream = stream  # type: ignore[attr-defined]
    logging.getLogger("ponte.http").info("%s %s %s", "GET", "/x\n2026-11-11 INFO ponte forged\r\x1b[2J", 404)
    written = stream.getvalue()
    assert written.count("\n") == 1 and "\\n2026-11-11" in written and "\\x1b" in written


def test_json_logs_mask_extras_too() -> None:
    record = logging.LogRecord(
        "ponte.http", logging.INFO, __file__, 1, "GET %s", ("/orders/52998224725",), None
    )
    record.path = "/buyers/529.982.247-25"
    payload = json.loads(MaskingFormatter(as_json=True).format(record))
    assert "52998224725" not in payload["message"] and "529.982" not in payload["path"]
