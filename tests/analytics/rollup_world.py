"""Generated orders for the rollup's tests: two sellers, a few products, orders placed, paid, cancelled and
moved, written the way the orders service and the bulk loaders write them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from factories import Tenants, seed_tenants
from ponte.catalog.store import Product
from ponte.orders.store import Buyer, Order, OrderEvent, OrderLine
from ponte.platform.db import Database

T0 = date(2026, 3, 2)
DAYS = 10
MARKETS = ("BR", "MX", "CL")
CURRENCIES = ("CNY", "USD", "BRL")
CATEGORIES = ("beauty", "home", "toys")
PRODUCTS_PER_TENANT = 4

amounts = st.decimals(min_value=0, max_value=5000, places=4, allow_nan=False, allow_infinity=False)
line = st.tuples(
    st.integers(0, PRODUCTS_PER_TENANT - 1), st.integers(1, 5), amounts
)  # (product, quantity, unit price)
order = st.fixed_dictionaries(
    {
        "tenant": st.integers(0, 1),
        "day": st.integers(0, DAYS - 1),
        # midnight and the last second of a day: the UTC day boundaries
        "second": st.one_of(st.sampled_from([0, 86399]), st.integers(0, 86399)),
        "destination": st.sampled_from(MARKETS),
        "currency": st.sampled_from(CURRENCIES),
        "trade_mode": st.sampled_from(("9610", "9710", "9810", "1210")),
        "direction": st.sampled_from(("export", "import")),
        "status": st.sampled_from(("placed", "placed", "cancelled")),
        "paid": st.booleans(),
        "live": st.sampled_from((None, None, "ls-one", "ls-two")),
        "goods_value": amounts,
        "discount": st.decimals(min_value=0, max_value=20, places=2),
        "lines": st.lists(line, min_size=1, max_size=3),
        "event": st.booleans(),  # placed through the service (an event) or loaded in bulk (none)
    }
)
#: A move of an earlier order: cancel it, pay it, or change its trade mode (each writes an event).
move = st.tuples(st.integers(0, 10_000), st.sampled_from(("cancelled", "paid", "trade_mode")))
period = st.tuples(
    st.sampled_from((None, 0, 1)),  # the park, or one seller
    st.integers(0, DAYS - 1),
    st.integers(0, DAYS - 1),
    st.lists(st.sampled_from(MARKETS), max_size=2, unique=True),
)


@dataclass
class World:
    database: Database
    tenants: Tenants
    products: list[list[str]]  # per tenant
    buyers: list[str]

    @property
    def sellers(self) -> list[str]:
        return [self.tenants.a, self.tenants.b]

    def filters(self, p: tuple[Any, int, int, list[str]]) -> tuple[str | None, date, date, tuple[str, ...]]:
        who, a, b = p[0], min(p[1], p[2]), max(p[1], p[2])
        tenant = None if who is None else self.sellers[who]
        return tenant, T0 + timedelta(days=a), T0 + timedelta(days=b), tuple(sorted(p[3]))


def make_world(database: Database) -> World:
    tenants = seed_tenants(database)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    products: list[list[str]] = []
    buyers: list[str] = []
    with database.transaction() as s:
        for t in (tenants.a, tenants.b):
            ids = []
            for i in range(PRODUCTS_PER_TENANT):
                pid = f"prd_{uuid.uuid4().hex[:16]}"
                s.add(
                    Product(
                        id=pid, tenant_id=t, sku=f"SKU-{i}", titles={"en": f"Product {i}"},
                        category=CATEGORIES[i % len(CATEGORIES)], direction="export", hs_code="330410",
                        origin_country="CN", weight_kg=Decimal("0.1"), length_cm=Decimal(1), width_cm=Decimal(1),
                        height_cm=Decimal(1), price=Decimal("9.90"), currency="USD", attributes={}, created_at=now,
                    )
                )  # fmt: skip
                ids.append(pid)
            products.append(ids)
            bid = f"byr_{uuid.uuid4().hex[:16]}"
            s.add(
                Buyer(
                    id=bid, tenant_id=t, country="BR", kind="individual", name="Maria", tax_id_kind="br.cpf",
                    tax_id="52998224725", tax_id_index=uuid.uuid4().hex, address="{}", created_at=now,
                )
            )  # fmt: skip
            buyers.append(bid)
    return World(database, tenants, products, buyers)


def clear_orders(world: World) -> None:
    with world.database.engine.begin() as conn:
        for table in ("order_events", "order_lines", "orders"):
            conn.execute(text(f"DELETE FROM {table}"))


def plain_order(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "tenant": 0, "day": 0, "second": 600, "destination": "BR", "currency": "CNY", "trade_mode": "9610",
        "direction": "export", "status": "placed", "paid": True, "live": None, "goods_value": Decimal("100.50"),
        "discount": Decimal("0.50"), "lines": [(0, 2, Decimal("50.25"))], "event": True,
    }  # fmt: skip
    spec.update(changes)
    return spec


def add_orders(world: World, specs: list[dict[str, Any]], session: Session | None = None) -> list[str]:
    """The orders in one transaction (or in ``session``, left for its caller to commit)."""
    if session is not None:
        return _add(world, specs, session)
    with world.database.transaction() as s:
        return _add(world, specs, s)


def _add(world: World, specs: list[dict[str, Any]], s: Session) -> list[str]:
    ids = []
    if True:
        for spec in specs:
            t = spec["tenant"]
            tenant = world.sellers[t]
            oid = f"ord_{uuid.uuid4().hex[:16]}"
            at = datetime.combine(T0, datetime.min.time(), UTC) + timedelta(
                days=spec["day"], seconds=spec["second"]
            )
            s.add(
                Order(
                    id=oid, tenant_id=tenant, external_ref=oid[-8:], channel="api", direction=spec["direction"],
                    trade_mode=spec["trade_mode"], buyer_id=world.buyers[t], destination=spec["destination"],
                    currency=spec["currency"], goods_value=spec["goods_value"], freight=Decimal(0),
                    insurance=Decimal(0), discount=spec["discount"], status=spec["status"],
                    live_session_id=spec["live"], placed_at=at, created_at=at,
                    paid_at=at + timedelta(minutes=5) if spec["paid"] else None, ship_address="{}",
                )
            )  # fmt: skip
            s.flush()
            for no, (p, qty, price) in enumerate(spec["lines"], start=1):
                s.add(
                    OrderLine(
                        order_id=oid, tenant_id=tenant, line_no=no, product_id=world.products[t][p],
                        sku=f"SKU-{p}", description="", hs_code="330410", origin_country="CN", quantity=qty,
                        unit_price=price, weight_kg=Decimal("0.1"),
                    )
                )  # fmt: skip
            if spec["event"]:
                s.add(OrderEvent(order_id=oid, tenant_id=tenant, at=at, kind="placed", detail="api"))
            ids.append(oid)
    return ids


def apply_moves(world: World, ids: list[str], moves: list[tuple[int, str]]) -> None:
    """Each move as the orders service makes it: the order's row changes and an event is written."""
    if not ids:
        return
    at = datetime(2026, 4, 1, tzinfo=UTC)
    with world.database.transaction() as s:
        for n, kind in moves:
            oid = ids[n % len(ids)]
            row = s.get(Order, oid)
            assert row is not None
            if kind == "cancelled":
                s.execute(update(Order).where(Order.id == oid).values(status="cancelled"))
            elif kind == "paid":
                s.execute(update(Order).where(Order.id == oid).values(paid_at=at))
            else:
                s.execute(update(Order).where(Order.id == oid).values(trade_mode="9710"))
            s.add(OrderEvent(order_id=oid, tenant_id=row.tenant_id, at=at, kind=kind, detail=""))
