"""The duties capability's table: a seller's tax registrations (they never commit)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from ponte.duties.registrations import TaxRegistration
from ponte.kernel.clock import now
from ponte.kernel.ids import new_id
from ponte.platform.db import Base, TenantScoped
from ponte.platform.types import UtcDateTime

__all__ = ["TaxRegistrationRepository", "TaxRegistrationRow"]


class TaxRegistrationRow(Base):
    """One registration of a tenant under one scheme (IOSS, Remessa Conforme, Chile's SII …)."""

    __tablename__ = "duties_tax_registrations"
    __table_args__ = (UniqueConstraint("tenant_id", "scheme", "valid_from"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date())
    valid_until: Mapped[date | None] = mapped_column(Date(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def record(self) -> TaxRegistration:
        return TaxRegistration(self.scheme, self.number, self.valid_from, self.valid_until)


class TaxRegistrationRepository(TenantScoped):
    def all(self) -> list[TaxRegistration]:
        rows = self.session.scalars(
            select(TaxRegistrationRow)
            .where(TaxRegistrationRow.tenant_id == self.tenant_id)
            .order_by(TaxRegistrationRow.scheme, TaxRegistrationRow.valid_from)
        )
        return [r.record() for r in rows]

    def put(self, reg: TaxRegistration) -> TaxRegistration:
        """Store the registration, replacing the one of the same scheme from the same date."""
        row = self.session.scalars(
            select(TaxRegistrationRow).where(
                TaxRegistrationRow.tenant_id == self.tenant_id,
                TaxRegistrationRow.scheme == reg.scheme,
                TaxRegistrationRow.valid_from == reg.valid_from,
            )
        ).one_or_none()
        if row is None:
            row = TaxRegistrationRow(
                id=new_id("txr"),
                tenant_id=self.tenant_id,
                scheme=reg.scheme,
                valid_from=reg.valid_from,
                created_at=now(),
            )
            self.session.add(row)
        row.number = reg.number
        row.valid_until = reg.valid_until
        self.session.flush()
        return row.record()

    def remove(self, scheme: str, valid_from: date) -> bool:
        result = self.session.execute(
            delete(TaxRegistrationRow).where(
                TaxRegistrationRow.tenant_id == self.tenant_id,
                TaxRegistrationRow.scheme == scheme,
                TaxRegistrationRow.valid_from == valid_from,
            )
        )
        return bool(getattr(result, "rowcount", 0))
