"""Persistence: SQLAlchemy models, repositories, the unit of work, Alembic migrations."""

from ponte.store.db import Base, Database, UnitOfWork

__all__ = ["Base", "Database", "UnitOfWork"]
