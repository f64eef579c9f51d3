"""The tenants' customs profiles: codes and names in clear (they are public registers), the signing
secrets (a software key, a card PIN) encrypted at rest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.customs.china.profile import CustomsProfile
from ponte.platform.db import Base
from ponte.platform.types import Encrypted, UtcDateTime

__all__ = ["CustomsProfileRow", "ProfileRepository"]


class CustomsProfileRow(Base):
    """A tenant's customs profile (codes and names are public; the signing secrets are encrypted)."""

    __tablename__ = "customs_profiles"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    profile_json: Mapped[str] = mapped_column(Text)
    signing_key: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)  # PEM private key
    device_password: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)  # card PIN
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProfileRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def get(self) -> tuple[CustomsProfile, CustomsProfileRow] | None:
        row = self.s.get(CustomsProfileRow, self.tenant)
        if row is None:
            return None
        return CustomsProfile.model_validate_json(row.profile_json), row

    def put(
        self, profile: CustomsProfile, at: datetime, *, key: str | None = None, password: str | None = None
    ) -> CustomsProfileRow:
        """Store the profile; a secret left as None keeps the one stored."""
        row = self.s.get(CustomsProfileRow, self.tenant)
        if row is None:
            row = CustomsProfileRow(tenant_id=self.tenant, profile_json="{}", updated_at=at)
            self.s.add(row)
        row.profile_json = profile.model_dump_json()
        if key is not None:
            row.signing_key = key or None
        if password is not None:
            row.device_password = password or None
        row.updated_at = at
        self.s.flush()
        return row
