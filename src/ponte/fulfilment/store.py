"""The fulfilment choice's own record: each choice made for an order (every revision kept), and a tenant's
rules with the facts of how its stock entered each market."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from ponte.kernel.ids import new_id
from ponte.platform.db import Base, TenantScoped
from ponte.platform.types import UtcDateTime

__all__ = ["ChoiceRepository", "FulfilmentChoice", "FulfilmentSettings", "SettingsRepository"]


class FulfilmentChoice(Base):
    """A choice as it was made: every option with its quote, costs and promise, the chosen one and why."""

    __tablename__ = "fulfilment_choices"
    __table_args__ = (UniqueConstraint("tenant_id", "order_id", "revision"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    chosen: Mapped[str | None] = mapped_column(String(80), nullable=True)  # the option's key
    mode: Mapped[str | None] = mapped_column(String(4), nullable=True)
    site: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reason: Mapped[str] = mapped_column(String(32))
    reservation_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    frozen_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def frozen(self) -> dict[str, Any]:
        return json.loads(self.frozen_json)  # type: ignore[no-any-return]


class FulfilmentSettings(Base):
    __tablename__ = "fulfilment_settings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    rules_json: Mapped[str] = mapped_column(Text)
    imports_json: Mapped[str] = mapped_column(Text)  # {country: {sku: facts}}
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def frozen_rules(self) -> dict[str, Any]:
        return json.loads(self.rules_json)  # type: ignore[no-any-return]

    @property
    def frozen_imports(self) -> dict[str, Any]:
        return json.loads(self.imports_json)  # type: ignore[no-any-return]


class ChoiceRepository(TenantScoped):
    def add(
        self, order_id: str, frozen: dict[str, Any], at: datetime, reservation_id: str | None
    ) -> FulfilmentChoice:
        last = self.latest(order_id)
        row = FulfilmentChoice(
            id=new_id("ful"),
            tenant_id=self.tenant_id,
            order_id=order_id,
            revision=0 if last is None else last.revision + 1,
            chosen=frozen["chosen"],
            mode=frozen["mode"],
            site=frozen.get("site"),
            reason=frozen["reason"],
            reservation_id=reservation_id,
            frozen_json=json.dumps(frozen, ensure_ascii=False, sort_keys=True),
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def latest(self, order_id: str) -> FulfilmentChoice | None:
        return self.session.scalar(
            select(FulfilmentChoice)
            .where(FulfilmentChoice.tenant_id == self.tenant_id, FulfilmentChoice.order_id == order_id)
            .order_by(FulfilmentChoice.revision.desc())
            .limit(1)
        )


class SettingsRepository(TenantScoped):
    def get(self) -> FulfilmentSettings | None:
        return self.session.get(FulfilmentSettings, self.tenant_id)

    def put(self, rules: dict[str, Any], imports: dict[str, Any], at: datetime) -> FulfilmentSettings:
        row = self.get()
        if row is None:
            row = FulfilmentSettings(
                tenant_id=self.tenant_id, rules_json="{}", imports_json="{}", updated_at=at
            )
            self.session.add(row)
        row.rules_json = json.dumps(rules, sort_keys=True)
        row.imports_json = json.dumps(imports, sort_keys=True)
        row.updated_at = at
        self.session.flush()
        return row
