"""A tenant's customs profile: the enterprises its CBEC messages name, how it reaches the single window
and how it signs. Pure: the store keeps it, the service checks it, ``bootstrap`` builds the signer and
the transport from it.

Code formats (GACC 海关跨境电商统一版系统企业对接报文规范（202205版）, field tables; ceb-messages.md §3.3):

* an enterprise code (ebpCode, ebcCode, logisticsCode, payCode, agentCode, copCode, ...) is either the
  10-character customs registration code (海关注册编码: a 4-digit administrative-area prefix and 6 letters
  or digits, e.g. ``1105910159`` and ``1101180326`` in the official samples, ``420196T001`` in a genuine
  2017 CEB312 receipt, ``330766K00Q``, ``46121601BC``) or the 18-character unified social credit code
  (统一社会信用代码, GB 32100-2015, whose last character is a check digit: ``python-stdnum``'s
  ``cn.uscc`` checks it);
* a DXP id of an enterprise is ``DXPENT`` and 10 digits (16 characters, e.g. ``DXPENT0000011951`` in a
  genuine DxpMsg, ``DXPENT0000458763``); the customs nodes are ``DXPEDCCEB0000002`` (import) and
  ``DXPEDCCEB0000003`` (export);
* a customs district (customsCode, portCode) has 4 digits (JGS/T 18).

A message never carries a placeholder party: every field a message needs is named when it is missing.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from stdnum.cn import uscc as _uscc
from stdnum.exceptions import ValidationError as StdnumError

from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import Violation

__all__ = [
    "CONVENTIONS",
    "CUSTOMS_CODE",
    "DXP_ID",
    "Address",
    "CustomsProfile",
    "Documents",
    "Enterprise",
    "Signing",
    "check_enterprise_code",
    "check_profile",
    "profile_problems_for",
]

CUSTOMS_CODE = re.compile(r"^\d{4}[0-9A-Z]{6}$")
DXP_ID = re.compile(r"^DXPENT\d{10}$")
DISTRICT = re.compile(r"^\d{4}$")
#: The signature conventions real messages use (ceb-messages.md §9).
CONVENTIONS = ("rsa-sha1", "sm2-practice", "sm2-chinaport-2022")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Enterprise(_Model):
    """An enterprise as customs register it; ``dxp_id`` when it transmits messages of its own."""

    code: str = Field(default="", max_length=18)
    name: str = Field(default="", max_length=100)
    dxp_id: str | None = None


class Signing(_Model):
    """How the tenant signs: a software RSA key it holds (PEM, kept encrypted by the store), or the
    e-port card or UKey through the e-port client control on the enterprise's computer."""

    method: Literal["software", "device"] = "device"
    convention: Literal["rsa-sha1", "sm2-practice", "sm2-chinaport-2022"] = "sm2-practice"
    device_url: str | None = None  # the client control's local service, ws://127.0.0.1:61232
    certificate_pem: str | None = None  # software: the certificate of the key
    key_name: str | None = None  # KeyName: the certificate number (the device reports its own)


class Address(_Model):
    street: str = ""
    postcode: str = ""
    city: str = ""
    region: str = ""


class Documents(_Model):
    """What the destination documents need of the seller beyond its codes."""

    sender_address: Address = Address()  # the sender's (exporter's) postal address
    signatory: str = ""  # the person who signs the declarations
    incoterm: Literal["DAP", "DDP", "EXW", "FCA", "CPT", "CIP", "DPU"] = "DAP"
    ioss_number: str | None = Field(default=None, pattern=r"^IM\d{10}$")  # EU Import One-Stop Shop


class CustomsProfile(_Model):
    """The declaring parties of one tenant."""

    transmitter: Enterprise = Enterprise()  # BaseTransfer copCode/copName
    dxp_id: str = ""  # the transmitter's DXP id
    platform: Enterprise = Enterprise()  # e-commerce platform (ebp)
    seller: Enterprise = Enterprise()  # e-commerce enterprise (ebc); empty = the tenant's legal identity
    logistics: Enterprise = Enterprise()
    payment: Enterprise = Enterprise()  # the default payment company of the tenant's buyers
    payment_companies: tuple[Enterprise, ...] = ()  # others they pay through, found by code
    agent: Enterprise = Enterprise()  # the declaring enterprise of the inventory lists
    area: Enterprise | None = None  # 1210: the warehousing enterprise in the special area
    ems_no: str | None = Field(default=None, max_length=30)  # 1210: its account book
    customs_code: str = ""  # the declaring customs (4 digits)
    port_code: str = ""  # the customs of the port of entry or exit (4 digits)
    loct_no: str | None = Field(default=None, max_length=10)  # supervised site, where customs has several
    bonded_traf_mode: str | None = None  # 1210 import: transport mode of the second-line exit
    export_statistics_flag: Literal["A", "B"] = "A"  # A simplified, B summarised later (CEB701)
    signing: Signing = Signing()
    documents: Documents = Documents()

    def payment_company(self, code: str) -> Enterprise | None:
        """The payment company with this customs code (the default one for an empty code)."""
        if not code:
            return self.payment
        return next((e for e in (self.payment, *self.payment_companies) if e.code == code), None)

    def with_seller(self, name: str, code: str) -> CustomsProfile:
        """The profile with the tenant's legal identity as e-commerce enterprise where none is given."""
        if self.seller.code and self.seller.name:
            return self
        seller = Enterprise(
            code=self.seller.code or code, name=self.seller.name or name, dxp_id=self.seller.dxp_id
        )
        return self.model_copy(update={"seller": seller})


def check_enterprise_code(code: str, field: str) -> Violation | None:
    """A customs registration code (10) or a USCC (18, with its GB 32100 check digit)."""
    if not code:
        return Violation(field, CustomsCode.PROFILE_FIELD, "is required")
    if len(code) == 18:
        try:
            _uscc.validate(code)
        except StdnumError as exc:
            return Violation(
                field, CustomsCode.USCC, f"is not a unified social credit code (GB 32100): {exc}"
            )
        return None
    if len(code) == 10:
        if CUSTOMS_CODE.match(code):
            return None
        return Violation(
            field,
            CustomsCode.CUSTOMS_CODE,
            "a customs registration code is 4 digits and 6 capital letters or digits",
        )
    return Violation(
        field,
        CustomsCode.PARTY_CODE,
        f"must be a 10-character customs registration code or an 18-character USCC (got {len(code)})",
    )


def _enterprise(e: Enterprise | None, path: str, out: list[Violation], dxp: bool = False) -> None:
    if e is None:
        out.append(Violation(path, CustomsCode.PROFILE_FIELD, "is required"))
        return
    bad = check_enterprise_code(e.code, f"{path}.code")
    if bad:
        out.append(bad)
    if not e.name.strip():
        out.append(Violation(f"{path}.name", CustomsCode.PROFILE_FIELD, "is required"))
    if e.dxp_id is not None and not DXP_ID.match(e.dxp_id):
        out.append(Violation(f"{path}.dxp_id", CustomsCode.DXP_ID, "a DXP id is DXPENT and 10 digits"))
    if dxp and not e.dxp_id:
        out.append(
            Violation(f"{path}.dxp_id", CustomsCode.PROFILE_FIELD, "is required: it sends its own messages")
        )


def check_profile(p: CustomsProfile) -> list[Violation]:
    """Every field of the profile that breaks its format (names and codes are all required)."""
    out: list[Violation] = []
    _enterprise(p.transmitter, "transmitter", out)
    if not DXP_ID.match(p.dxp_id):
        out.append(Violation("dxp_id", CustomsCode.DXP_ID, "a DXP id is DXPENT and 10 digits"))
    for name in ("platform", "logistics", "payment", "agent"):
        _enterprise(getattr(p, name), name, out)
    if p.seller.code or p.seller.name:
        _enterprise(p.seller, "seller", out)
    for i, e in enumerate(p.payment_companies):
        _enterprise(e, f"payment_companies[{i}]", out)
    if p.area is not None:
        _enterprise(p.area, "area", out)
    for name in ("customs_code", "port_code"):
        if not DISTRICT.match(getattr(p, name)):
            out.append(Violation(name, CustomsCode.CUSTOMS_DISTRICT, "a customs district has 4 digits"))
    s = p.signing
    if s.method == "software":
        if s.convention != "rsa-sha1":
            out.append(Violation("signing.convention", CustomsCode.SIGNING, "a software key signs RSA-SHA1"))
        if not s.certificate_pem:
            out.append(Violation("signing.certificate_pem", CustomsCode.SIGNING, "is required"))
    elif not s.device_url:
        out.append(
            Violation("signing.device_url", CustomsCode.SIGNING, "the e-port client control's address")
        )
    elif not s.device_url.startswith(("ws://", "wss://")):
        out.append(Violation("signing.device_url", CustomsCode.SIGNING, "a ws:// or wss:// address"))
    return out


def profile_problems_for(p: CustomsProfile, trade_mode: str, direction: str) -> list[Violation]:
    """What an order of this trade mode needs beyond the profile's own rules."""
    out: list[Violation] = []
    if not (p.seller.code and p.seller.name):
        out.append(
            Violation(
                "seller.code",
                CustomsCode.PROFILE_FIELD,
                "the e-commerce enterprise: set it in the profile or give the tenant its legal name "
                "and enterprise code",
            )
        )
    if not p.logistics.dxp_id:
        out.append(
            Violation(
                "logistics.dxp_id",
                CustomsCode.PROFILE_FIELD,
                "the logistics enterprise sends the waybill (505/511) under its own DXP id",
            )
        )
    if direction == "import" and not all(e.dxp_id for e in (p.payment, *p.payment_companies)):
        out.append(
            Violation(
                "payment.dxp_id",
                CustomsCode.PROFILE_FIELD,
                "the payment company sends the payment voucher (411) under its own DXP id",
            )
        )
    if trade_mode in ("1210", "1239"):
        if p.area is None:
            out.append(Violation("area", CustomsCode.PROFILE_FIELD, "bonded orders need the area enterprise"))
        if not p.ems_no:
            out.append(Violation("ems_no", CustomsCode.PROFILE_FIELD, "bonded orders need the account book"))
        if direction == "import" and not p.bonded_traf_mode:
            out.append(
                Violation(
                    "bonded_traf_mode",
                    CustomsCode.PROFILE_FIELD,
                    "bonded imports declare the transport mode of the exit from the zone",
                )
            )
    return out
