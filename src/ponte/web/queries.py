"""Read models of the console. Every query goes through `scoped`, which limits it to
the signed-in tenant; only the park operator may read across tenants (or pick one).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from ponte.accounts.store import Tenant
from ponte.catalog.store import Booth, Product
from ponte.orders.store import Buyer, Order
from ponte.web.auth import Viewer


def tenant_condition(viewer: Viewer, column: Any, seller: str | None = None) -> ColumnElement[bool] | None:
    """The tenant filter for a query: the viewer's own tenant, or for the operator
    the chosen seller (None = every tenant)."""
    if not viewer.is_operator:
        return column == viewer.tenant_id  # type: ignore[no-any-return]
    if seller:
        return column == seller  # type: ignore[no-any-return]
    return None


SelectT = TypeVar("SelectT", bound=Select)  # type: ignore[type-arg]


def scoped(query: SelectT, viewer: Viewer, column: Any, seller: str | None = None) -> SelectT:
    condition = tenant_condition(viewer, column, seller)
    return query if condition is None else query.where(condition)


def tenant_names(session: Session, viewer: Viewer) -> dict[str, str]:
    """Tenants the viewer may see, id -> name."""
    query = scoped(select(Tenant.id, Tenant.name).order_by(Tenant.name), viewer, Tenant.id)
    return {row.id: row.name for row in session.execute(query)}


def sellers_choice(session: Session, viewer: Viewer) -> list[tuple[str, str]]:
    """For the operator's seller filter: tenants that sell (empty for a seller)."""
    if not viewer.is_operator:
        return []
    rows = session.execute(
        select(Tenant.id, Tenant.name).where(Tenant.kind == "seller").order_by(Tenant.name)
    )
    return [(row.id, row.name) for row in rows]


@dataclass
class SellerRow:
    tenant: Tenant
    booths: list[Booth] = field(default_factory=list)
    products: int = 0
    orders: int = 0


def sellers(session: Session, viewer: Viewer) -> list[SellerRow]:
    tenants = session.scalars(scoped(select(Tenant).order_by(Tenant.kind, Tenant.name), viewer, Tenant.id))
    rows = {t.id: SellerRow(t) for t in tenants}
    for booth in session.scalars(scoped(select(Booth).order_by(Booth.code), viewer, Booth.tenant_id)):
        if booth.tenant_id in rows:
            rows[booth.tenant_id].booths.append(booth)
    counts = scoped(
        select(Product.tenant_id, func.count()).group_by(Product.tenant_id), viewer, Product.tenant_id
    )
    for tenant_id, count in session.execute(counts):
        if tenant_id in rows:
            rows[tenant_id].products = int(count)
    order_counts = scoped(
        select(Order.tenant_id, func.count()).group_by(Order.tenant_id), viewer, Order.tenant_id
    )
    for tenant_id, count in session.execute(order_counts):
        if tenant_id in rows:
            rows[tenant_id].orders = int(count)
    return list(rows.values())


@dataclass
class Dashboard:
    tenants: int
    products: int
    orders: int
    buyers: int
    # destination -> currency -> goods value of orders not cancelled
    gmv: dict[str, dict[str, Decimal]]
    days: list[tuple[date, int]]  # orders per day, the last `window` days up to the latest order


def dashboard(session: Session, viewer: Viewer, window: int = 30) -> Dashboard:
    def count(model: Any, column: Any) -> int:
        return int(session.scalar(scoped(select(func.count()).select_from(model), viewer, column)) or 0)

    gmv: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    # Summed in Python: amounts are exact decimals (SQLite keeps them as text).
    rows = session.execute(
        scoped(
            select(Order.destination, Order.currency, Order.goods_value).where(Order.status != "cancelled"),
            viewer,
            Order.tenant_id,
        ).execution_options(yield_per=5000)
    )
    for destination, currency, value in rows:
        gmv[destination][currency] += value
    latest: datetime | None = session.scalar(
        scoped(select(func.max(Order.placed_at)), viewer, Order.tenant_id)
    )
    days: list[tuple[date, int]] = []
    if latest is not None:
        end = latest.date() if isinstance(latest, datetime) else latest
        start = end - timedelta(days=window - 1)
        start_at = datetime(start.year, start.month, start.day, tzinfo=latest.tzinfo)
        placed = session.scalars(
            scoped(select(Order.placed_at).where(Order.placed_at >= start_at), viewer, Order.tenant_id)
        )
        per_day = Counter(value.date() for value in placed)
        days = [(start + timedelta(days=i), per_day.get(start + timedelta(days=i), 0)) for i in range(window)]
    return Dashboard(
        tenants=count(Tenant, Tenant.id),
        products=count(Product, Product.tenant_id),
        orders=count(Order, Order.tenant_id),
        buyers=count(Buyer, Buyer.tenant_id),
        gmv={dest: dict(per) for dest, per in sorted(gmv.items())},
        days=days,
    )
