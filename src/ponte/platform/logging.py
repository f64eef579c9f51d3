"""Structured logs with personal data masked and control characters escaped before anything is written.

What is masked (``mask_text``):

- **Tax and identity numbers** of the corridor, from the python-stdnum schemes Ponte validates with
  (``reference.taxid.SCHEMES``; a test keeps ``ID_SCHEMES`` equal to them, with the DNI/NIE parts of the Spanish
  NIF and Mexico's CURP beside): every word-like token that one of those modules accepts is masked, and so are
  the layouts people write them in even with a wrong check digit (CPF ``000.000.000-00``, CNPJ, RUT
  ``12.345.678-5``, NIT ``900.123.456-7``, CUIT ``20-12345678-6``, RFC, CURP, DNI ``12345678Z``, NIE
  ``X1234567L``, and any run of eight or more digits: RUC, DNI, NIF, the resident ID).
- **Phones**, international (``+55 11 91234-5678``) or in a local format (``(11) 91234-5678``, ``612 34 56 78``,
  ``138 0013 8000``): any group of digits with phone separators that python-phonenumbers takes for a possible
  number of a covered market. Dates, times and decimal amounts are kept.
- **E-mail addresses and API keys.**

Control characters are written escaped (``\\n`` as the two characters ``\\`` ``n``), so a ``%0A`` in a URL
cannot forge a log line.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import re
import sys
from datetime import UTC, datetime
from types import ModuleType

import phonenumbers

__all__ = ["ID_SCHEMES", "MaskingFormatter", "configure", "escape_controls", "mask_text"]

#: The stdnum modules whose numbers never reach a log in clear (reference.taxid's schemes and their parts).
ID_SCHEMES = (
    "stdnum.br.cpf", "stdnum.br.cnpj", "stdnum.mx.rfc", "stdnum.mx.curp", "stdnum.cl.rut", "stdnum.co.nit",
    "stdnum.pe.ruc", "stdnum.pe.cui", "stdnum.ar.cuit", "stdnum.pt.nif", "stdnum.es.nif", "stdnum.es.dni",
    "stdnum.es.nie", "stdnum.cn.ric", "stdnum.cn.uscc", "stdnum.uy.rut", "stdnum.ec.ci", "stdnum.ec.ruc",
    "stdnum.do.cedula", "stdnum.do.rnc", "stdnum.cr.cpf", "stdnum.cr.cpj", "stdnum.gt.nit", "stdnum.py.ruc",
)  # fmt: skip
#: The markets whose local phone formats are recognised.
PHONE_REGIONS = (
    "BR",
    "MX",
    "CL",
    "CO",
    "PE",
    "AR",
    "ES",
    "PT",
    "CN",
    "MO",
    "HK",
    "UY",
    "EC",
    "DO",
    "CR",
    "GT",
    "PY",
)

_MODULES: list[ModuleType] = [importlib.import_module(name) for name in ID_SCHEMES]

_LAYOUTS = [
    r"\d{3}\.\d{3}\.\d{3}-\d{2}",  # CPF
    r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}",  # CNPJ
    r"\d{1,2}\.\d{3}\.\d{3}-[\dkK]",  # RUT
    r"\d{7,8}-[\dkK]",  # RUT, NIT without dots
    r"\d{3}\.\d{3}\.\d{3}-\d",  # NIT
    r"\d{2}-\d{8}-\d",  # CUIT/CUIL
    r"[A-ZÑ&]{3,4}-?\d{6}-?[A-Z\d]{3}",  # RFC
    r"[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z\d]\d",  # CURP
    r"\d{8}-?[A-Z]",  # DNI (ES)
    r"[XYZ]-?\d{7}-?[A-Z]",  # NIE
    r"\d{17}[\dX]",  # resident ID (CN)
    r"\d{8,}[\dXxKk]?",  # RUC, DNI (PE), NIF (PT), CUIT and any long run of digits
]
_PATTERNS = [
    (re.compile(r"\bpk_[0-9a-f]+_[\w-]+"), "<api-key>"),
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "<email>"),
    (re.compile(r"\+\d[\d ()-]{7,}\d"), "<phone>"),
    (re.compile(r"(?<![\w.-])(?:" + "|".join(_LAYOUTS) + r")(?![\w])", re.IGNORECASE), "<id-number>"),
]
_TOKEN = re.compile(r"(?<![\w.-])[\wÑñ&][\wÑñ&.\-/]{6,22}[\w](?![\w])")
_PHONE = re.compile(r"(?<![\w.+-])\(?\d{1,4}\)?(?:[ .-]?\d{2,5}){2,4}(?![\w.-]?\d)")
_KEEP = re.compile(r"\d{4}-\d{2}-\d{2}.*|\d{1,2}:\d{2}.*|\d+\.\d{1,3}|\d+(?:,\d{3})+(?:\.\d+)?")
_SEPARATORS = re.compile(r"[.\-/ ]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


@functools.lru_cache(maxsize=4096)
def _stdnum_valid(token: str) -> bool:
    compact = _SEPARATORS.sub("", token)
    if not 8 <= len(compact) <= 18 or sum(c.isdigit() for c in compact) < 6 or "_" in compact:
        return False
    for module in _MODULES:
        try:
            if module.is_valid(token):
                return True
        except Exception:  # a scheme that chokes on a token does not stop the others
            continue
    return False


def _mask_token(match: re.Match[str]) -> str:
    token = match.group(0)
    if _KEEP.fullmatch(token):
        return token
    if _stdnum_valid(token):
        return "<id-number>"
    if "/" in token:  # a number inside a path: /orders/52998224725
        return "/".join("<id-number>" if _stdnum_valid(part) else part for part in token.split("/"))
    return token


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if not 8 <= len(digits) <= 15 or _KEEP.fullmatch(text):
        return text
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return "<phone>"
    return text


def escape_controls(text: str) -> str:
    """Line breaks and other control characters as visible escapes (one record is one line)."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def mask_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    text = _PHONE.sub(_mask_phone, text)
    return _TOKEN.sub(_mask_token, text)


class MaskingFormatter(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        message = mask_text(record.getMessage())
        if not self.as_json:
            record.msg, record.args = escape_controls(message), ()
            return super().format(record)
        payload = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        for key in ("request_id", "tenant_id", "method", "path", "status", "ms"):
            if hasattr(record, key):
                value = getattr(record, key)
                payload[key] = mask_text(value) if isinstance(value, str) else value
        if record.exc_info:
            payload["error"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)


def configure(level: str = "INFO", as_json: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskingFormatter(as_json))
    root = logging.getLogger("ponte")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
