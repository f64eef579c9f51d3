"""The journey's record of CSV order imports run in the background: the job, its progress and its row
errors. The uploaded file and the error messages are personal data (names, tax IDs, addresses): they are
stored encrypted, and the file is dropped once the job has read it whole."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ponte.kernel.errors import NotFoundError
from ponte.platform.bulk import insert_rows
from ponte.platform.db import Base, TenantScoped
from ponte.platform.types import Encrypted, UtcDateTime

__all__ = ["ImportRepository", "ImportRowError", "OrderImport", "claimable"]


class OrderImport(Base):
    __tablename__ = "order_imports"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), index=True)  # queued | running | done | failed
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)  # rows of the chunks stored: where to go on
    rows_failed: Mapped[int] = mapped_column(Integer, default=0)
    orders_stored: Mapped[int] = mapped_column(Integer, default=0)
    chunk_rows: Mapped[int] = mapped_column(Integer)
    # the file, until read whole (deferred: reading the progress does not decrypt it)
    content: Mapped[str | None] = mapped_column(Encrypted(), nullable=True, deferred=True)
    message: Mapped[str] = mapped_column(Text, default="")
    claimed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ImportRowError(Base):
    __tablename__ = "order_import_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[str] = mapped_column(ForeignKey("order_imports.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    row: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Encrypted())


def claimable(session: object, at: datetime, claimant: str) -> list[tuple[str, str]]:
    """(id, tenant id) of the jobs a worker may take, oldest first: queued ones, those it holds, and
    running ones whose holder's lease ran out (a worker that stopped)."""
    query = (
        select(OrderImport.id, OrderImport.tenant_id)
        .where(
            or_(
                OrderImport.state == "queued",
                (OrderImport.state == "running")
                & or_(OrderImport.claimed_by == claimant, OrderImport.lease_until < at),
            )
        )
        .order_by(OrderImport.created_at, OrderImport.id)
        .limit(20)
    )
    return [(str(i), str(t)) for i, t in session.execute(query)]  # type: ignore[attr-defined]


class ImportRepository(TenantScoped):
    def add(self, job: OrderImport) -> OrderImport:
        job.tenant_id = self.tenant_id
        self.session.add(job)
        self.session.flush()
        return job

    def get(self, import_id: str) -> OrderImport:
        row = self.session.scalar(
            select(OrderImport).where(OrderImport.id == import_id, OrderImport.tenant_id == self.tenant_id)
        )
        if row is None:
            raise NotFoundError("import", import_id)
        return row

    def claim(self, import_id: str, claimant: str, at: datetime, until: datetime) -> bool:
        """Take the job (compare-and-set: of two workers, one wins)."""
        done = self.session.execute(
            update(OrderImport)
            .where(
                OrderImport.id == import_id,
                OrderImport.tenant_id == self.tenant_id,
                or_(
                    OrderImport.state == "queued",
                    (OrderImport.state == "running")
                    & or_(OrderImport.claimed_by == claimant, OrderImport.lease_until < at),
                ),
            )
            .values(
                state="running",
                claimed_by=claimant,
                lease_until=until,
                started_at=func.coalesce(OrderImport.started_at, at),
            )
            .execution_options(synchronize_session=False)
        )
        return done.rowcount == 1  # type: ignore[attr-defined]

    def advance(
        self, import_id: str, claimant: str, rows: int, failed: int, stored: int, until: datetime
    ) -> bool:
        """Count a stored chunk, in the chunk's own unit of work, if the job is still this worker's."""
        done = self.session.execute(
            update(OrderImport)
            .where(
                OrderImport.id == import_id,
                OrderImport.tenant_id == self.tenant_id,
                OrderImport.state == "running",
                OrderImport.claimed_by == claimant,
            )
            .values(
                rows_done=OrderImport.rows_done + rows,
                rows_failed=OrderImport.rows_failed + failed,
                orders_stored=OrderImport.orders_stored + stored,
                lease_until=until,
            )
            .execution_options(synchronize_session=False)
        )
        return done.rowcount == 1  # type: ignore[attr-defined]

    def finish(self, import_id: str, claimant: str, state: str, message: str, at: datetime) -> bool:
        """End the job this worker holds, dropping the file."""
        done = self.session.execute(
            update(OrderImport)
            .where(
                OrderImport.id == import_id,
                OrderImport.tenant_id == self.tenant_id,
                OrderImport.state == "running",
                OrderImport.claimed_by == claimant,
            )
            .values(state=state, message=message, finished_at=at, content=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        return done.rowcount == 1  # type: ignore[attr-defined]

    def add_errors(self, import_id: str, errors: Sequence[tuple[int, str, str, str]]) -> None:
        insert_rows(
            self.session,
            ImportRowError.__table__,
            [
                {"import_id": import_id, "tenant_id": self.tenant_id, "row": r, "field": f[:64], "rule": u[:80],
                 "message": m}
                for r, f, u, m in errors
            ],
        )  # fmt: skip

    def errors(self, import_id: str) -> list[ImportRowError]:
        return list(
            self.session.scalars(
                select(ImportRowError)
                .where(ImportRowError.import_id == import_id, ImportRowError.tenant_id == self.tenant_id)
                .order_by(ImportRowError.row, ImportRowError.id)
            )
        )
