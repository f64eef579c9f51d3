"""The journey's bulk record for jobs that quote many orders at once (``ponte process --database``): the
quotes frozen with the orders, each a new revision after the order's last, stored in one statement (as
``journey.service`` stores one through ``QuoteRepository.add``). Stages its work in the caller's unit of
work; the caller commits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Integer, String, Text, text
from sqlalchemy.exc import IntegrityError

from ponte.duties.frozen import FrozenQuote
from ponte.kernel.errors import ConflictError
from ponte.kernel.ids import new_id
from ponte.platform.bulk import stage
from ponte.platform.db import UnitOfWork
from ponte.platform.types import UtcDateTime

__all__ = ["freeze_quotes"]


def freeze_quotes(uow: UnitOfWork, tenant_id: str, quotes: Sequence[FrozenQuote], at: datetime) -> int:
    """Store each frozen quote as its order's next revision (several of one order in the order given).
    Returns how many were stored."""
    if not quotes:
        return 0
    seq: dict[str, int] = {}
    rows = []
    for q in quotes:
        n = seq[q.order_id] = seq.get(q.order_id, -1) + 1
        data = q.as_dict()
        rows.append(
            (
                new_id("qte"),
                q.order_id,
                n,
                q.status,
                str(data["rules"]["digest"]),
                json.dumps(data, ensure_ascii=False, sort_keys=True),
                at,
            )
        )
    session = uow.session
    staged = stage(
        session,
        "stage_order_quotes",
        [
            ("id", String(40)),
            ("order_id", String(40)),
            ("seq", Integer()),
            ("verdict", String(12)),
            ("rules_version", String(80)),
            ("frozen_json", Text()),
            ("created_at", UtcDateTime()),
        ],
        rows,
    )
    try:
        session.execute(
            text(
                "INSERT INTO order_quotes (id, tenant_id, order_id, revision, verdict, rules_version, "
                "frozen_json, created_at) SELECT s.id, CAST(:tenant AS VARCHAR(40)), s.order_id, s.seq + COALESCE(("
                "SELECT MAX(q.revision) + 1 FROM order_quotes q WHERE q.tenant_id = :tenant "
                f"AND q.order_id = s.order_id), 0), s.verdict, s.rules_version, s.frozen_json, s.created_at "
                f'FROM "{staged.name}" AS s'
            ),
            {"tenant": tenant_id},
        )
    except IntegrityError:  # another request froze a revision meanwhile; the unit of work rolls back
        raise ConflictError(
            "an order was quoted meanwhile; run again", field="revision", rule="concurrent-change"
        ) from None
    return len(rows)
