"""Imports every model so that Base.metadata knows all tables (Alembic, create_all)."""

from ponte.store import commerce, tenancy  # noqa: F401
from ponte.store import live  # noqa: F401,E402
from ponte.store import logistics  # noqa: F401
