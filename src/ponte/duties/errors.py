"""The duties capability's codes: the ``rule`` of every violation it raises and every verdict reason.

A code is a stable string (a ``StrEnum`` member compares equal to its text), so the API's problem
types, the CLI's JSON errors and the console's messages key on it; texts in the four languages live
in ``messages.py``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DutiesError", "ReasonCode"]


class DutiesError(StrEnum):
    """Why a quote request, a rule file, a batch file or a tax registration was refused."""

    SUPPORTED_DESTINATION = "supported-destination"
    COVERED_DATE = "covered-date"
    RULE_IN_FORCE = "rule-in-force"
    RULE_FILE = "rule-file"
    RULE_DEFINED = "rule-defined"
    RATE_AVAILABLE = "rate-available"
    BR_STATE = "br-state"
    TERRITORY = "territory"
    REGIME_KNOWN = "regime-known"
    CHANNEL = "channel"
    OBJECT = "object"
    JSON = "json"
    READABLE = "readable"
    FILE_TYPE = "file-type"
    REQUIRED_COLUMNS = "required-columns"
    INTEGER = "integer"
    DECIMAL = "decimal"
    ORDER = "order"
    REGISTRATION_SCHEME = "registration-scheme"
    IOSS_NUMBER = "ioss-number"
    CNPJ = "cnpj"
    RUT = "rut"
    REGISTRATION_DATES = "registration-dates"


class ReasonCode(StrEnum):
    """Why a quote is not simply allowed (or what the buyer should know)."""

    LIMIT_EXCEEDED = "limit-exceeded"
    MISSING_DATA = "missing-data"
    EXCLUDED_GOODS = "excluded-goods"
    OPEN_POINT = "open-point"
    NOT_ELIGIBLE = "not-eligible"
    EXEMPT = "exempt"
    NOT_MODELLED = "not-modelled"
    FX_TABLE = "fx-table"
    NOT_ON_POSITIVE_LIST = "not-on-positive-list"
    ORDINARY_IMPORT = "ordinary-import"
    TERRITORY_ASSUMED = "territory-assumed"
