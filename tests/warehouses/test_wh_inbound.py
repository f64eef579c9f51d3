"""A first leg announced, then received against its notice: differences become adjustments with their
reason; a bad notice is refused naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from factories import Tenants
from ponte.kernel.errors import ConflictError, ValidationError
from ponte.warehouses.inbound import InboundLine, InboundSpec, ReceivedLine
from ponte.warehouses.service import WarehouseService

EXPECTED = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


def notice(**changes: object) -> InboundSpec:
    base = dict(
        warehouse_code="SZX-B1",
        asn_number="ASN-CL-001",
        mode="air",
        origin_country="CL",
        trade_mode="1210",
        expected_at=EXPECTED,
        departed_at=EXPECTED - timedelta(days=3),
        declaration_id="531620261210000001",
        awb="045-12345675",
        lines=(
            InboundLine("CHERRY-5KG", 100, "CL-A", date(2026, 4, 10)),
            InboundLine("NUTS-1KG", 50, "BR-N"),
        ),
    )
    return InboundSpec(**{**base, **changes})  # type: ignore[arg-type]


def test_a_receipt_against_its_notice_records_each_discrepancy(
    stocked: WarehouseService, tenants: Tenants
) -> None:
    s = stocked
    leg = s.announce(tenants.a, notice())
    assert (leg.status, leg.awb, leg.declaration_id) == ("announced", "045-12345675", "531620261210000001")
    assert [line.inbound for line in s.stock(tenants.a, "SZX-B1")] == [100, 50]
    got = s.receive_inbound(
        tenants.a,
        leg.id,
        [ReceivedLine("CHERRY-5KG", "CL-A", 96), ReceivedLine("NUTS-1KG", "BR-N", 50)],
        "COLD-1",
    )
    assert got.status == "received"
    assert got.discrepancies == [
        {"sku": "CHERRY-5KG", "lot_code": "CL-A", "announced": 100, "counted": 96, "difference": -4}
    ]
    lots = {lot.lot_code: lot for lot in s.lots(tenants.a, "SZX-B1")}
    assert (lots["CL-A"].available, lots["CL-A"].expires_on, lots["BR-N"].available) == (
        96,
        date(2026, 4, 10),
        50,
    )
    [adj] = [m for m in s.movements(tenants.a, "SZX-B1") if m.kind == "adjustment"]
    assert (adj.quantity, adj.inbound_id) == (4, leg.id)
    assert adj.reason == "advance notice ASN-CL-001: announced 100, counted 96"
    with pytest.raises(ConflictError):
        s.receive_inbound(tenants.a, leg.id, [], "COLD-1")  # received once
    assert s.reconcile(tenants.a) == []


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"warehouse_code": "NOPE"}, "warehouse_code", "unknown-warehouse"),
        ({"trade_mode": "9810"}, "trade_mode", "trade-mode"),
        ({"awb": "045-12345678"}, "awb", "awb-check-digit"),
        ({"mode": "sea"}, "awb", "transport-mode"),
        ({"lines": (InboundLine("CHERRY-5KG", -1, "CL-A"),)}, "lines/0/quantity", "positive"),
    ],
)
def test_a_bad_notice_is_refused_naming_the_field(
    stocked: WarehouseService, tenants: Tenants, changes: dict[str, object], field: str, rule: str
) -> None:
    with pytest.raises(ValidationError) as bad:
        stocked.announce(tenants.a, notice(**changes))
    assert (bad.value.violations[0].field, bad.value.violations[0].rule) == (field, rule)
    assert stocked.inbounds(tenants.a) == []


def test_stock_positions_for_the_fulfilment_choice(
    stocked: WarehouseService, tenants: Tenants, clock
) -> None:  # type: ignore[no-untyped-def]
    s = stocked
    s.receive(tenants.a, "SZX-B1", "CHERRY-5KG", 8, "OLD", "COLD-1", date(2026, 3, 10))  # expires today
    s.receive(tenants.a, "SZX-B1", "CHERRY-5KG", 5, "NEW", "COLD-1", date(2026, 3, 30))
    s.reserve(tenants.a, "SZX-B1", "ord-1", [("CHERRY-5KG", 2)])
    positions = {(p.warehouse_code, p.sku): p for p in s.stock_positions(tenants.a, ["CHERRY-5KG"])}
    bonded = positions[("SZX-B1", "CHERRY-5KG")]
    assert (bonded.available, bonded.bonded, bonded.trade_mode, bonded.country, bonded.currency) == (
        3,
        True,
        "1210",
        "CN",
        "CNY",
    )
    assert positions[("GRU-1", "CHERRY-5KG")].available == 0
    assert s.stock_positions(tenants.b, ["CHERRY-5KG"])[0].available == 0  # another tenant sees none of it
