"""Imports every model so that Base.metadata knows all tables (Alembic, create_all)."""

from ponte.store import commerce, customs, live, logistics, tenancy  # noqa: F401
