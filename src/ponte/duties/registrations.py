"""A seller's tax registrations that change its buyers' landed cost (pure).

* ``ioss``: the EU Import One-Stop Shop number (``IMxxxyyyyyyz``: "IM", the ISO 3166 numeric code of
  the member state of identification, a six-digit individual number and a check digit; Council
  Implementing Regulation (EU) 2017/2459 and the Commission's explanatory notes on the VAT e-commerce
  rules, Sept. 2020, §4.2.3). With it, consignments ≤ EUR 150 carry VAT charged at sale (IOSS).
* ``remessa_conforme``: Brazil's Remessa Conforme certification (IN RFB 2.146/2023), by the CNPJ the
  company is certified under (checked with its check digits).
* ``cl_sii``: registration in the SII's simplified VAT regime for foreign sellers (Ley 21.713, SII
  Res. Ex. 141), by the RUT the SII assigned (checked with its check digit).

A registration is valid from a date and, if it ended, until a date (exclusive); which market it
serves is the scheme's: ``flags_for`` gives the engine's seller flags for one destination and date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ponte.duties.errors import DutiesError
from ponte.duties.model import Seller as SellerFlags
from ponte.kernel.errors import ValidationError, Violation
from ponte.reference.taxid import validate_tax_id

__all__ = ["EU_MEMBER_NUMERIC", "SCHEMES", "SellerRegistrations", "TaxRegistration", "check_registration"]

#: ISO 3166-1 numeric codes of the EU member states (the xxx of an IOSS number).
EU_MEMBER_NUMERIC = {
    "040": "AT", "056": "BE", "100": "BG", "191": "HR", "196": "CY", "203": "CZ", "208": "DK",
    "233": "EE", "246": "FI", "250": "FR", "276": "DE", "300": "GR", "348": "HU", "372": "IE",
    "380": "IT", "428": "LV", "440": "LT", "442": "LU", "470": "MT", "528": "NL", "616": "PL",
    "620": "PT", "642": "RO", "703": "SK", "705": "SI", "724": "ES", "752": "SE",
}  # fmt: skip
EU_MARKETS = frozenset(EU_MEMBER_NUMERIC.values())
#: scheme -> (markets it serves, the engine's seller flag)
SCHEMES: dict[str, tuple[frozenset[str], str]] = {
    "ioss": (EU_MARKETS, "ioss"),
    "remessa_conforme": (frozenset({"BR"}), "remessa_conforme"),
    "cl_sii": (frozenset({"CL"}), "sii_registered"),
}
_IOSS = re.compile(r"^IM(\d{3})(\d{6})(\d)$")


@dataclass(frozen=True, slots=True)
class TaxRegistration:
    scheme: str
    number: str  # compact form
    valid_from: date
    valid_until: date | None = None  # exclusive

    def valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)


def check_registration(
    scheme: str, number: str, valid_from: date, valid_until: date | None = None
) -> TaxRegistration:
    """The registration with its number in compact form; every broken rule names its field."""
    problems: list[Violation] = []
    compact = number.strip().upper().replace(" ", "").replace("-", "") if isinstance(number, str) else ""
    if scheme not in SCHEMES:
        problems.append(
            Violation("scheme", DutiesError.REGISTRATION_SCHEME, f"one of {', '.join(sorted(SCHEMES))}")
        )
    elif scheme == "ioss":
        m = _IOSS.match(compact)
        if m is None:
            problems.append(
                Violation(
                    "number", DutiesError.IOSS_NUMBER, "an IOSS number is IM + 10 digits (IMxxxyyyyyyz)"
                )
            )
        elif m.group(1) not in EU_MEMBER_NUMERIC:
            problems.append(
                Violation(
                    "number",
                    DutiesError.IOSS_NUMBER,
                    f"{m.group(1)} is not the numeric code of an EU member state",
                )
            )
    else:
        tax_scheme, rule = (
            ("br.cnpj", DutiesError.CNPJ) if scheme == "remessa_conforme" else ("cl.rut", DutiesError.RUT)
        )
        try:
            compact = validate_tax_id(tax_scheme, number, field="number").number
        except ValidationError as exc:
            problems.append(Violation("number", rule, exc.message))
    if valid_until is not None and valid_until <= valid_from:
        problems.append(Violation("valid_until", DutiesError.REGISTRATION_DATES, "must be after valid_from"))
    if problems:
        raise ValidationError.of(problems)
    return TaxRegistration(scheme, compact, valid_from, valid_until)


@dataclass(frozen=True, slots=True)
class SellerRegistrations:
    """Every registration of one seller."""

    registrations: tuple[TaxRegistration, ...] = ()

    @classmethod
    def of(cls, registrations: Iterable[TaxRegistration]) -> SellerRegistrations:
        return cls(tuple(sorted(registrations, key=lambda r: (r.scheme, r.valid_from))))

    def flags_for(self, destination: str, on: date) -> SellerFlags:
        """The engine's seller flags for goods sold into ``destination`` on ``on``."""
        flags = {
            flag: True
            for r in self.registrations
            for markets, flag in (SCHEMES[r.scheme],)
            if destination.upper() in markets and r.valid_on(on)
        }
        return SellerFlags(**flags)
