"""What the destination documents of a parcel say, taken from the stored order, its parcel and its
waybill and the tenant's customs profile. Pure: the renderer lays it out, the H7 writer numbers it.

Language and number formats follow the destination market (``ponte.reference.markets``: Portuguese for
Brazil, Portugal and Macao, Spanish for Spanish America and Spain, Chinese for China, English elsewhere;
the market's CLDR locale formats numbers, money and dates). Descriptions are the product's title in that
language; the tariff code is the destination's own line where the seller gave one, else the HS
subheading.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ponte.customs.china.profile import CustomsProfile
from ponte.customs.documents.s10 import is_s10
from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import ValidationError, Violation
from ponte.logistics.shipping import OrderParcel, Waybill
from ponte.orders.core import Order
from ponte.reference.markets import market

__all__ = ["DocumentData", "DocumentLine", "Party", "document_data"]

CENT = Decimal("0.01")
GRAM = Decimal("0.001")


@dataclass(frozen=True)
class Party:
    name: str
    street: str
    postcode: str
    city: str
    region: str
    country: str
    tax_id_kind: str = ""
    tax_id: str = ""
    phone: str = ""
    email: str = ""

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(x for x in (self.street, f"{self.postcode} {self.city}".strip(), self.region) if x)


@dataclass(frozen=True)
class DocumentLine:
    number: int
    sku: str
    description: str
    tariff_code: str
    origin: str
    quantity: int
    unit_price: Decimal
    total: Decimal
    net_weight_each: Decimal  # kg
    net_weight: Decimal  # kg


@dataclass(frozen=True)
class DocumentData:
    language: str  # pt-BR | es | en | zh-CN
    locale: str  # the destination's CLDR locale
    order_ref: str
    invoice_date: date
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    freight: Decimal
    insurance: Decimal
    discount: Decimal
    packages: int
    gross_weight: Decimal
    net_weight: Decimal
    dimensions_cm: tuple[Decimal, Decimal, Decimal] | None
    waybill: str
    master_waybill: str | None
    flight: str | None
    s10: str | None  # the postal item's S10 identifier (CN23), when the house waybill is one
    incoterm: str
    ioss_number: str | None
    destination: str
    signatory: str

    def without_dimensions(self) -> DocumentData:
        """The same content when the parcel's box is not known (a declaration holds only weights)."""
        return replace(self, dimensions_cm=None)

    @property
    def goods_value(self) -> Decimal:
        return sum((ln.total for ln in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.goods_value + self.freight + self.insurance - self.discount


def document_data(
    order: Order, parcel: OrderParcel, waybill: Waybill, profile: CustomsProfile
) -> DocumentData:
    """The document content of ``order``; raises naming what the documents cannot do without."""
    problems: list[Violation] = []
    docs = profile.documents
    if not (docs.sender_address.street and docs.sender_address.city):
        problems.append(
            Violation("documents.sender_address", CustomsCode.PROFILE_FIELD, "the sender's postal address")
        )
    if not docs.signatory:
        problems.append(
            Violation("documents.signatory", CustomsCode.PROFILE_FIELD, "who signs the declaration")
        )
    if parcel.order_id != order.id:
        problems.append(
            Violation("parcel.order_id", CustomsCode.WRONG_ORDER, f"the parcel is not of {order.id}")
        )
    if problems:
        raise ValidationError.of(problems)
    m = market(order.destination)
    lines = []
    for ln in order.lines:
        each = ln.product.weight.kg.quantize(GRAM, ROUND_HALF_UP)
        lines.append(
            DocumentLine(
                number=ln.line_no,
                sku=ln.sku,
                description=ln.product.title(m.language),
                tariff_code=ln.product.tariff_code(order.destination),
                origin=ln.origin_country,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                total=(ln.unit_price * ln.quantity).quantize(CENT, ROUND_HALF_UP),
                net_weight_each=each,
                net_weight=(each * ln.quantity).quantize(GRAM, ROUND_HALF_UP),
            )
        )
    b, a, s = order.buyer, order.buyer.address, docs.sender_address
    street = ", ".join(x for x in (a.line1, a.line2) if x)
    seller_name = profile.seller.name or order.seller.name
    seller_code = profile.seller.code or order.seller.uscc
    return DocumentData(
        language=m.language,
        locale=m.locale,
        order_ref=order.external_ref or order.id,
        invoice_date=order.placed_at.date(),
        currency=order.currency,
        seller=Party(
            seller_name, s.street, s.postcode, s.city, s.region, order.seller.country, "cn.uscc", seller_code
        ),
        buyer=Party(
            b.name,
            street,
            a.postal_code,
            a.city,
            a.region or "",
            a.country,
            b.tax_id_kind,
            b.tax_id,
            b.phone or "",
            b.email or "",
        ),
        lines=tuple(lines),
        freight=order.freight,
        insurance=order.insurance,
        discount=order.discount,
        packages=parcel.pieces,
        gross_weight=parcel.gross.kg,
        net_weight=parcel.net.kg,
        dimensions_cm=(parcel.box.length_cm, parcel.box.width_cm, parcel.box.height_cm),
        waybill=waybill.house,
        master_waybill=waybill.master,
        flight=waybill.flight,
        s10=waybill.house if is_s10(waybill.house) else None,
        incoterm=docs.incoterm,
        ioss_number=docs.ioss_number if order.destination in ("PT", "ES") else None,
        destination=order.destination,
        signatory=docs.signatory,
    )
