"""Every slice's tables, registered on the one declarative Base (Alembic, create_all)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from ponte.accounts import notification_store as accounts_notifications
from ponte.accounts import sessions as accounts_sessions
from ponte.accounts import store as accounts_store
from ponte.accounts import users as accounts_users
from ponte.catalog import store as catalog_store
from ponte.classify import store as classify_store
from ponte.customs import profile_store as customs_profiles
from ponte.customs import store as customs_store
from ponte.duties import store as duties_store
from ponte.fulfilment import store as fulfilment_store
from ponte.journey import import_store as journey_imports
from ponte.journey import store as journey_store
from ponte.live.store import tables as live_tables
from ponte.logistics.store import tables as logistics_store
from ponte.orders import store as orders_store
from ponte.platform import idempotency
from ponte.platform.db import Base
from ponte.warehouses.store import tables as warehouses_store
from ponte.webhooks import store as webhooks_store

#: The modules whose tables make up Ponte's schema.
MODULES = (
    accounts_store,
    accounts_users,
    accounts_sessions,
    accounts_notifications,
    catalog_store,
    classify_store,
    orders_store,
    journey_store,
    journey_imports,
    fulfilment_store,
    customs_store,
    duties_store,
    customs_profiles,
    live_tables,
    logistics_store,
    warehouses_store,
    webhooks_store,
    idempotency,
)


def create_all(engine: Engine) -> None:
    """Create every table from the models (tests and throw-away databases)."""
    Base.metadata.create_all(engine)
