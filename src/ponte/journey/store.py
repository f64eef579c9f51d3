"""The journey's own record: the landed-cost quote frozen with each order (every revision kept)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ponte.kernel.errors import ConflictError, NotFoundError
from ponte.kernel.ids import new_id
from ponte.platform.bulk import insert_rows
from ponte.platform.db import Base, TenantScoped
from ponte.platform.types import UtcDateTime

__all__ = ["OrderQuote", "QuoteRepository"]


class OrderQuote(Base):
    """A quote as it was given: the request, the answer with every line's legal basis, the verdict and
    the version of the rules that produced it. A new quote of an order is a new revision."""

    __tablename__ = "order_quotes"
    __table_args__ = (UniqueConstraint("tenant_id", "order_id", "revision"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(12))  # allowed | blocked | incomplete
    rules_version: Mapped[str] = mapped_column(String(80))  # digest of the rule set that quoted it
    frozen_json: Mapped[str] = mapped_column(Text)  # request, response, per line, verdict, rules used
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def frozen(self) -> dict[str, Any]:
        return json.loads(self.frozen_json)  # type: ignore[no-any-return]


def frozen_text(frozen: dict[str, Any]) -> str:
    """A frozen quote as it is stored."""
    return json.dumps(frozen, ensure_ascii=False, sort_keys=True)


class QuoteRepository(TenantScoped):
    def add(
        self,
        order_id: str,
        verdict: str,
        rules_version: str,
        frozen: dict[str, Any],
        at: datetime,
    ) -> OrderQuote:
        last = self.latest(order_id)
        row = OrderQuote(
            id=new_id("qte"),
            tenant_id=self.tenant_id,
            order_id=order_id,
            revision=0 if last is None else last.revision + 1,
            verdict=verdict,
            rules_version=rules_version,
            frozen_json=frozen_text(frozen),
            created_at=at,
        )
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError:  # another request froze this revision first; the unit of work rolls back
            raise ConflictError(
                "the order was quoted meanwhile; read it again", field="revision", rule="concurrent-change"
            ) from None
        return row

    def add_first(self, quotes: Sequence[tuple[str, str, str, str]], at: datetime) -> None:
        """The first quote (revision 0) of each of many new orders, each ``(order_id, verdict,
        rules_version, frozen text)`` (``frozen_text``), staged in a few statements (a file's orders placed
        in bulk)."""
        insert_rows(
            self.session,
            OrderQuote.__table__,
            [
                {
                    "id": new_id("qte"),
                    "tenant_id": self.tenant_id,
                    "order_id": order_id,
                    "revision": 0,
                    "verdict": verdict,
                    "rules_version": version,
                    "frozen_json": text,
                    "created_at": at,
                }
                for order_id, verdict, version, text in quotes
            ],
        )

    def latest(self, order_id: str) -> OrderQuote | None:
        return self.session.scalar(
            select(OrderQuote)
            .where(OrderQuote.tenant_id == self.tenant_id, OrderQuote.order_id == order_id)
            .order_by(OrderQuote.revision.desc())
            .limit(1)
        )

    def get_latest(self, order_id: str) -> OrderQuote:
        found = self.latest(order_id)
        if found is None:
            raise NotFoundError("quote", order_id)
        return found

    def all(self, order_id: str) -> list[OrderQuote]:
        return list(
            self.session.scalars(
                select(OrderQuote)
                .where(OrderQuote.tenant_id == self.tenant_id, OrderQuote.order_id == order_id)
                .order_by(OrderQuote.revision)
            )
        )
