"""The logistics capability's error codes: the ``rule`` of every error it raises, one stable list.

Each code is a string (``StrEnum``), so it goes where a rule goes (``ValidationError(rule=...)``) and the
API's problem types, the CLI's JSON and the console read the same word.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LogisticsError"]


class LogisticsError(StrEnum):
    # parcels and their intake
    POSITIVE = "positive"
    NUMBER = "number"
    TZ_AWARE = "tz-aware"
    ISO_DATETIME = "iso-datetime"
    IATA_AIRPORT = "iata-airport"
    SEGREGATION_CLASS = "segregation-class"
    FITS_ULD = "fits-uld"
    UNIQUE = "unique"
    REQUIRED = "required"
    DISTINCT = "distinct"
    NON_EMPTY = "non-empty"
    COLUMNS = "columns"
    FILE_TYPE = "file-type"
    READABLE = "readable"
    NO_LANE = "no-lane"
    ORDER_LINES = "order-lines"
    # flights, schedules, fleets, rate cards
    TIME_ORDER = "time-order"
    ULD_TYPE = "uld-type"
    NON_NEGATIVE = "non-negative"
    SCHEDULE = "schedule"
    # air waybills
    AWB_FORMAT = "awb-format"
    AWB_CHECK_DIGIT = "awb-check-digit"
    AWB_PREFIX = "awb-prefix"
    AWB_SERIAL = "awb-serial"
    AWB_STOCK_EXHAUSTED = "awb-stock-exhausted"
    AWB_UNIQUE = "awb-unique"
    HAWB_FORMAT = "hawb-format"
    RANGE_ORDER = "range-order"
    RANGE_OVERLAP = "range-overlap"
    SHIPMENT_STATE = "shipment-state"
    # the journey of a parcel
    PARCEL_EXISTS = "parcel-exists"
    PARCEL_STATE = "parcel-state"
    NOT_AN_AIR_PARCEL = "not-an-air-parcel"
    PLAN_CHECK = "plan-check"
    OVERBOOKED = "overbooked"
    # tracking
    EVENT_ORDER = "event-order"
    FSU_CODE = "fsu-code"
    SUBJECT = "subject"
