"""Tax and identity numbers of the corridor, checked with python-stdnum.

Each scheme has a name ``<country>.<id>`` (``br.cpf``, ``mx.rfc`` ...). A check
verifies format, length and check digits (and, for the Chinese resident ID, the
birth date and place); it cannot say whether a number is registered. An invalid
number raises :class:`~ponte.kernel.errors.ValidationError` naming the field and the rule
(``br.cpf:checksum``, ``cl.rut:length`` ...).

Macao's resident identity card (BIR) has no published check-digit algorithm;
``mo.bir`` checks its format only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from stdnum import exceptions as stdnum_errors

from ponte.kernel.errors import ValidationError

__all__ = ["SCHEMES", "TaxId", "TaxScheme", "is_valid", "validate_for_country", "validate_tax_id"]


@dataclass(frozen=True, slots=True)
class TaxScheme:
    name: str
    country: str
    label: str
    holder: str  # "person", "company" or "both"
    module: str | None  # stdnum module; None for format-only schemes


SCHEMES: dict[str, TaxScheme] = {
    s.name: s
    for s in (
        TaxScheme("br.cpf", "BR", "CPF (Cadastro de Pessoas Físicas)", "person", "stdnum.br.cpf"),
        TaxScheme(
            "br.cnpj", "BR", "CNPJ (Cadastro Nacional da Pessoa Jurídica)", "company", "stdnum.br.cnpj"
        ),
        TaxScheme("mx.rfc", "MX", "RFC (Registro Federal de Contribuyentes)", "both", "stdnum.mx.rfc"),
        TaxScheme("cl.rut", "CL", "RUT (Rol Único Tributario)", "both", "stdnum.cl.rut"),
        TaxScheme("co.nit", "CO", "NIT (Número de Identificación Tributaria)", "both", "stdnum.co.nit"),
        TaxScheme("pe.ruc", "PE", "RUC (Registro Único de Contribuyentes)", "both", "stdnum.pe.ruc"),
        TaxScheme("pe.cui", "PE", "CUI (DNI number with check digit)", "person", "stdnum.pe.cui"),
        TaxScheme(
            "ar.cuit", "AR", "CUIT/CUIL (Clave Única de Identificación Tributaria)", "both", "stdnum.ar.cuit"
        ),
        TaxScheme("pt.nif", "PT", "NIF (Número de Identificação Fiscal)", "both", "stdnum.pt.nif"),
        TaxScheme("es.nif", "ES", "NIF (DNI, NIE or CIF)", "both", "stdnum.es.nif"),
        TaxScheme(
            "cn.ric", "CN", "居民身份证号码 (Resident Identity Card number)", "person", "stdnum.cn.ric"
        ),
        TaxScheme(
            "cn.uscc", "CN", "统一社会信用代码 (Unified Social Credit Code)", "company", "stdnum.cn.uscc"
        ),
        TaxScheme("mo.bir", "MO", "BIR (Macao resident identity card), format only", "person", None),
        TaxScheme("uy.rut", "UY", "RUT (Registro Único Tributario)", "both", "stdnum.uy.rut"),
        TaxScheme("ec.ci", "EC", "Cédula de identidad", "person", "stdnum.ec.ci"),
        TaxScheme("ec.ruc", "EC", "RUC (Registro Único de Contribuyentes)", "both", "stdnum.ec.ruc"),
        TaxScheme("do.cedula", "DO", "Cédula de identidad y electoral", "person", "stdnum.do.cedula"),
        TaxScheme("do.rnc", "DO", "RNC (Registro Nacional del Contribuyente)", "company", "stdnum.do.rnc"),
        TaxScheme("cr.cpf", "CR", "Cédula de persona física", "person", "stdnum.cr.cpf"),
        TaxScheme("cr.cpj", "CR", "Cédula de persona jurídica", "company", "stdnum.cr.cpj"),
        TaxScheme("gt.nit", "GT", "NIT (Número de Identificación Tributaria)", "both", "stdnum.gt.nit"),
        TaxScheme("py.ruc", "PY", "RUC (Registro Único de Contribuyentes)", "both", "stdnum.py.ruc"),
    )
}

_RULES: tuple[tuple[type[Exception], str, str], ...] = (
    (stdnum_errors.InvalidChecksum, "checksum", "the check digit is wrong"),
    (stdnum_errors.InvalidLength, "length", "the number has the wrong length"),
    (stdnum_errors.InvalidFormat, "format", "the number has characters or a layout not allowed"),
    (
        stdnum_errors.InvalidComponent,
        "component",
        "a part of the number is not allowed (date, place or type)",
    ),
)

_MO_BIR = re.compile(r"^([1578])(\d{6})\(?(\d)\)?$")


@dataclass(frozen=True, slots=True)
class TaxId:
    scheme: str
    country: str
    number: str  # compact form, as stored
    formatted: str  # as people write it

    def masked(self) -> str:
        """For logs and exports: only the last 3 characters visible."""
        return "*" * max(len(self.number) - 3, 0) + self.number[-3:]


def _module(scheme: TaxScheme) -> ModuleType:
    assert scheme.module is not None
    return import_module(scheme.module)


def _scheme(name: str, field: str) -> TaxScheme:
    found = SCHEMES.get(name)
    if found is None:
        raise ValidationError(
            f"{name!r} is not a tax-ID scheme Ponte knows ({', '.join(SCHEMES)})",
            field=f"{field}_scheme" if field else "scheme",
            rule="tax-id-scheme",
        )
    return found


def validate_tax_id(scheme: str, number: str, field: str = "tax_id") -> TaxId:
    """Check ``number`` under ``scheme``; return its compact and formatted forms."""
    spec = _scheme(scheme, field)
    if not isinstance(number, str) or not number.strip():
        raise ValidationError(f"a {spec.label} is required", field=field, rule=f"{spec.name}:required")
    if spec.module is None:
        match = _MO_BIR.match(re.sub(r"[\s/-]", "", number))
        if match is None:
            raise ValidationError(
                f"{spec.label}: expected 8 digits starting 1, 5, 7 or 8, e.g. 1234567(8)",
                field=field,
                rule=f"{spec.name}:format",
            )
        compact = "".join(match.groups())
        return TaxId(spec.name, spec.country, compact, f"{compact[:7]}({compact[7]})")
    mod = _module(spec)
    try:
        if spec.name == "mx.rfc":
            compact = mod.validate(number, validate_check_digits=True)
        else:
            compact = mod.validate(number)
    except stdnum_errors.ValidationError as exc:
        for cls, rule, text in _RULES:
            if isinstance(exc, cls):
                raise ValidationError(
                    f"{spec.label}: {text}", field=field, rule=f"{spec.name}:{rule}"
                ) from exc
        raise ValidationError(f"{spec.label}: invalid", field=field, rule=f"{spec.name}:invalid") from exc
    fmt: Callable[[str], str] = getattr(mod, "format", lambda n: n)
    return TaxId(spec.name, spec.country, compact, fmt(compact))


def is_valid(scheme: str, number: str) -> bool:
    try:
        validate_tax_id(scheme, number)
    except ValidationError:
        return False
    return True


def validate_for_country(country: str, number: str, field: str = "tax_id") -> TaxId:
    """Check ``number`` under the first of the country's schemes that accepts it.

    When none does, the error is the one of the scheme whose length fits best
    (so a Brazilian 14-digit number is reported as a bad CNPJ, not a bad CPF).
    """
    code = str(country).strip().upper()
    candidates = [s for s in SCHEMES.values() if s.country == code]
    if not candidates:
        raise ValidationError(f"no tax-ID scheme for country {country!r}", field=field, rule="tax-id-country")
    errors: list[ValidationError] = []
    for spec in candidates:
        try:
            return validate_tax_id(spec.name, number, field)
        except ValidationError as exc:
            errors.append(exc)
    for failure in errors:
        if not failure.rule.endswith((":length", ":format")):
            raise failure
    raise errors[0]
