"""The customs capability's error codes: the ``rule`` of every violation it raises on purpose.

The API turns a code into a problem type (``https://ponte.dev/problems/<code>``), the CLI prints it
beside the field, the console shows it beside the field.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CustomsCode"]


class CustomsCode(StrEnum):
    # the tenant's customs profile
    PROFILE_MISSING = "customs-profile-missing"
    PROFILE_FIELD = "customs-profile-field"
    CUSTOMS_CODE = "customs-registration-code"
    USCC = "uscc"
    PARTY_CODE = "party-code"
    DXP_ID = "dxp-id"
    CUSTOMS_DISTRICT = "customs-district"
    SIGNING = "signing-setup"
    # the order, its parcel and its waybill
    PAYMENT_REQUIRED = "payment-required"
    WAYBILL_REQUIRED = "waybill-required"
    MASTER_WAYBILL = "master-waybill-required"
    PARCEL = "parcel"
    CHINA_DATA = "china-customs-data"
    COMMODITY_CODE = "commodity-code"
    LEGAL_UNIT = "legal-unit"
    DECLARED_UNIT = "declared-unit"
    TAX_REQUIRED = "import-tax-required"
    WRONG_ORDER = "wrong-order"
    # checks customs makes at the point of declaration
    QUOTE_VERDICT = "quote-verdict"
    TRANSACTION_LIMIT = "cbec-transaction-limit"
    ANNUAL_LIMIT = "cbec-annual-limit"
    ID_NUMBER = "resident-id-number"
    BUYER_PAYER = "buyer-is-payer"
    POSITIVE_LIST = "cbec-positive-list"
    DUPLICATE_KEY = "duplicate-business-key"
    # the declaration's life
    NOT_DECLARED = "not-declared"
    NOT_CLEARED = "not-cleared"
    NO_INVENTORY_NUMBER = "inventory-number-unknown"
    APPLICATION_PENDING = "application-pending"
    DEVICE = "signing-device"
    TRANSPORT = "transport"
