"""Alembic environment: the database URL comes from the caller (`ponte db upgrade`, tests).

Migrations are plain scripts; only autogeneration needs the models, and the caller that wants it hands
them over as ``config.attributes["target_metadata"]`` (see ``ponte.schema``), so the platform stays
ignorant of the capabilities' tables.
"""

from __future__ import annotations

from alembic import context

from ponte.platform.db import make_engine

config = context.config
target_metadata = config.attributes.get("target_metadata")


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("run migrations through `ponte db upgrade`, which names the database")
    return url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
