"""THE mapping from a stored order, its parcel and its waybill to what China customs is told.

Nothing is invented: the payment is the one the payment company reported, the logistics number is the
house waybill, the conveyance of a direct-mail (9610) parcel is the master air waybill and the flight it
was booked on, the weights are the packed parcel's, every line carries the product's own China customs
data (10-digit code, Chinese name, declaration elements, declared unit, legal units). Whatever is
missing is an error that names it; a stored order is never declared half-right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ponte.catalog.core import check_china_customs
from ponte.customs.china.codes import iso_currencies
from ponte.customs.china.commodities import check_goods
from ponte.customs.china.envelope import Senders
from ponte.customs.china.orders import Consignee, Conveyance, CustomsOrder, Line, Party, Person, Transfer
from ponte.customs.china.profile import CustomsProfile, Enterprise, profile_problems_for
from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import ValidationError, Violation
from ponte.logistics.shipping import OrderParcel, Waybill
from ponte.orders.core import Order

__all__ = ["DIRECT_MAIL", "ImportTax", "from_order", "senders_for"]

#: Trade modes whose parcel crosses the border on its own, so its declaration names the conveyance.
DIRECT_MAIL = ("9610", "9710")
BONDED = ("1210", "1239")
AIR = "5"  # customs transport mode: air (JGS-20, ceb-messages.md §7.2)


@dataclass(frozen=True, slots=True)
class ImportTax:
    """The comprehensive tax of an import order's frozen quote, in CNY (customs duty, import VAT and
    consumption tax as the quote computed them); ``total`` is what CEB311 ``taxTotal`` declares."""

    duty: Decimal = Decimal(0)
    vat: Decimal = Decimal(0)
    consumption: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.duty + self.vat + self.consumption


def _party(e: Enterprise) -> Party:
    return Party(code=e.code, name=e.name)


def _transfer(e: Enterprise) -> Transfer:
    return Transfer(cop_code=e.code, cop_name=e.name, dxp_id=e.dxp_id or "")


def senders_for(profile: CustomsProfile, order: CustomsOrder) -> Senders:
    """Who sends each message of ``order``: the transmitter, its payment company, its carrier."""
    transmitter = Transfer(
        cop_code=profile.transmitter.code, cop_name=profile.transmitter.name, dxp_id=profile.dxp_id
    )
    payer = profile.payment_company(order.payment.code) or profile.payment
    return Senders(transmitter, _transfer(payer), _transfer(profile.logistics))


def _lines(order: Order, day: date, out: list[Violation]) -> list[Line]:
    lines = []
    bonded = order.trade_mode in BONDED
    for i, ln in enumerate(order.lines):
        path = f"lines[{i}].product.china"
        china = ln.product.china
        if china is None:
            out.append(Violation(path, CustomsCode.CHINA_DATA, f"{ln.sku} has no China customs data"))
            continue
        problems = check_china_customs(china, ln.product.hs_code, path) + check_goods(china, day, path)
        if bonded and not china.record_no:
            problems.append(
                Violation(
                    f"{path}.record_no", CustomsCode.CHINA_DATA, "bonded goods need their account-book item"
                )
            )
        if problems:
            out.extend(problems)
            continue
        qty = Decimal(ln.quantity)
        second = china.second
        lines.append(
            Line(
                sku=ln.sku,
                name=ln.product.titles.get("zh-CN") or china.name,
                hs_code=china.code,
                gname=china.name,
                gmodel=china.elements,
                barcode=china.barcode,
                qty=qty,
                unit=china.unit,
                qty1=china.first.per_unit * qty,
                unit1=china.first.unit,
                qty2=second.per_unit * qty if second else None,
                unit2=second.unit if second else None,
                price=ln.unit_price,
                origin_country=ln.origin_country,
                item_record_no=china.record_no if bonded else None,
            )
        )
    return lines


def _conveyance(order: Order, waybill: Waybill, profile: CustomsProfile, out: list[Violation]) -> Conveyance:
    if order.trade_mode in DIRECT_MAIL:
        if not waybill.master:
            out.append(
                Violation(
                    "waybill.master",
                    CustomsCode.MASTER_WAYBILL,
                    "a direct-mail parcel is declared with the master air waybill it flies under",
                )
            )
        if not waybill.flight:
            out.append(
                Violation(
                    "waybill.flight", CustomsCode.MASTER_WAYBILL, "a direct-mail parcel names its flight"
                )
            )
    if order.direction == "import" and order.trade_mode in BONDED:
        return Conveyance(traf_mode=profile.bonded_traf_mode or AIR)
    if not waybill.by_air:
        return Conveyance(traf_mode=AIR if order.direction == "export" else "4")
    return Conveyance(
        traf_mode=AIR,
        traf_name=waybill.flight,
        voyage_no=waybill.flight,
        bill_no=(waybill.master or "").replace("-", "") or None,
    )


def from_order(
    order: Order,
    parcel: OrderParcel,
    waybill: Waybill,
    profile: CustomsProfile,
    *,
    tax: ImportTax | Decimal | None = None,
) -> CustomsOrder:
    """The declaration input of ``order``; raises ValidationError naming every missing or broken field.

    ``tax`` is the import tax of the order's frozen quote (CNY); an import order cannot be declared
    without it, an export order declares none."""
    out: list[Violation] = []
    profile = profile.with_seller(order.seller.name, order.seller.uscc)
    out.extend(profile_problems_for(profile, order.trade_mode, order.direction))
    if parcel.order_id != order.id:
        out.append(Violation("parcel.order_id", CustomsCode.WRONG_ORDER, f"the parcel is not of {order.id}"))
    payment = order.payment
    if payment is None:
        out.append(Violation("payment", CustomsCode.PAYMENT_REQUIRED, "an unpaid order cannot be declared"))
    payer = profile.payment_company(payment.company_code if payment else "")
    if payment is not None and payer is None:
        out.append(
            Violation(
                "payment.company_code",
                CustomsCode.PROFILE_FIELD,
                f"{payment.company_code} is not a payment company of the customs profile",
            )
        )
    if not waybill.house:
        out.append(
            Violation("waybill.house", CustomsCode.WAYBILL_REQUIRED, "the parcel's own waybill number")
        )
    day = order.placed_at.date()
    lines = _lines(order, day, out)
    conveyance = _conveyance(order, waybill, profile, out)
    imported = order.direction == "import"
    tax_total = Decimal(0)
    if imported:
        if tax is None:
            out.append(
                Violation("tax", CustomsCode.TAX_REQUIRED, "an import is declared with its quote's tax (CNY)")
            )
        else:
            tax_total = tax.total if isinstance(tax, ImportTax) else tax
        if order.currency != "CNY":
            out.append(Violation("currency", "customs-currency", "import orders are declared in CNY"))
    elif order.currency not in iso_currencies():
        out.append(
            Violation(
                "currency",
                "customs-currency",
                f"{order.currency} has no China customs code; sell in USD or CNY",
            )
        )
    b = order.buyer
    if imported and b.tax_id_kind != "cn.ric":
        out.append(
            Violation(
                "buyer.tax_id_kind", CustomsCode.ID_NUMBER, "an import buyer is named by a resident ID card"
            )
        )
    if not b.phone:
        out.append(Violation("buyer.phone", CustomsCode.PROFILE_FIELD, "customs need the buyer's telephone"))
    if out:
        raise ValidationError.of(out)
    assert payment is not None and payer is not None
    gross, net = parcel.gross.kg, parcel.net.kg
    return CustomsOrder(
        order_no=order.external_ref or order.id,
        order_id=order.id,
        direction="import" if imported else "export",
        trade_mode=order.trade_mode,  # type: ignore[arg-type]
        created_at=order.placed_at,
        paid_at=payment.paid_at,
        currency=order.currency,
        platform=_party(profile.platform),
        seller=_party(profile.seller),
        logistics=_party(profile.logistics),
        agent=_party(profile.agent),
        payment=_party(payer),
        owner=_party(profile.seller),
        area=_party(profile.area) if order.trade_mode in BONDED and profile.area else None,
        ems_no=profile.ems_no if order.trade_mode in BONDED else None,
        pay_transaction_id=payment.transaction_id,
        buyer=Person(name=b.name, id_number=b.tax_id, phone=b.phone or "", reg_no=b.id),
        consignee=Consignee(name=b.name, phone=b.phone or "", address=b.address.one_line()),
        country=order.destination if not imported else order.origin,
        pod=waybill.destination if not imported else None,
        customs_code=profile.customs_code,
        port_code=profile.port_code,
        loct_no=profile.loct_no,
        logistics_no=waybill.house,
        conveyance=conveyance,
        freight=order.freight,
        insured_fee=order.insurance,
        discount=order.discount if imported else Decimal(0),
        tax_total=tax_total,
        gross_weight=gross,
        net_weight=net,
        statistics_flag=profile.export_statistics_flag,
        lines=lines,
    )
