"""What a request for the corridor's figures carries and gets back: the tenant scope a caller may read, the
filters parsed from a query (naming the field and the rule when one is wrong), and the rows of a drill-down."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ponte.accounts.core import Principal
from ponte.analytics import core
from ponte.analytics.core import Filters, Scope
from ponte.kernel.errors import PermissionDenied, ValidationError

__all__ = [
    "SCOPE_PARK",
    "SCOPE_READ",
    "DrillPage",
    "DrillRow",
    "moment",
    "parse_filters",
    "scope_for",
    "text_of",
]

SCOPE_READ = "analytics:read"
SCOPE_PARK = "park:operate"


def scope_for(principal: Principal, seller: str | None = None) -> Scope:
    """Whose figures a caller sees: its own tenant; the park operator every tenant or the one it picks."""
    if not (principal.has(SCOPE_READ) or principal.is_operator):
        raise PermissionDenied(f"reading figures needs the scope {SCOPE_READ!r}", rule=SCOPE_READ)
    if principal.is_operator:
        return Scope(seller or None)
    return Scope(principal.tenant_id)


def parse_filters(
    start: str | None,
    end: str | None,
    markets: list[str] | None = None,
    currency: str | None = None,
    grain: str | None = None,
    *,
    default: Filters,
) -> Filters:
    """Filters from a request's text (ISO dates, market codes); every wrong field named at once."""
    errors: list[ValidationError] = []

    def day(value: str | None, name: str, fallback: date) -> date:
        if not value:
            return fallback
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors.append(ValidationError(f"{name} must be a date YYYY-MM-DD", field=name, rule="iso-date"))
            return fallback

    lo, hi = day(start, "start", default.start), day(end, "end", default.end)
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationError.of([v for e in errors for v in e.violations])
    codes = tuple(sorted({m.strip().upper() for m in markets or () if m and m.strip()}))
    return Filters(lo, hi, codes, (currency or default.currency).upper(), grain or default.grain)


def text_of(value: Decimal | None, places: int = 2) -> str | None:
    return None if value is None else str(core.money(value, places))


@dataclass(frozen=True)
class DrillRow:
    id: str
    tenant_id: str
    external_ref: str
    placed_at: datetime
    destination: str
    trade_mode: str
    direction: str
    currency: str
    value: Decimal
    status: str
    paid: bool


@dataclass(frozen=True)
class DrillPage:
    rows: list[DrillRow]
    page: int
    per_page: int
    more: bool


def moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def partners_view(
    partners: Any, members: Collection[str], totals: dict[str, core.Totals], f: Filters
) -> dict[str, Any]:
    """The partner countries' view: the dated list in force at the period's end, and their share of the value."""
    all_value = sum((t.value for t in totals.values()), Decimal(0))
    inside = {k: t for k, t in totals.items() if k in members}
    partner_value = sum((t.value for t in inside.values()), Decimal(0))
    return {
        "currency": f.currency,
        "list": {
            "name": partners.name,
            "authority": partners.authority,
            "as_of": partners.as_of.isoformat(),
            "complete": partners.complete,
            "reported_total": partners.reported_total,
            "countries": [
                {"country": p.country, "since": p.since.isoformat(), "source": p.source}
                for p in partners.on(f.end)
            ],
        },
        "share": text_of(core.ratio(partner_value, all_value), 4),
        "value": text_of(partner_value),
        "destination": [
            {"key": k, "orders": t.orders, "value": text_of(t.value)}
            for k, t in sorted(inside.items(), key=lambda kv: (-kv[1].value, kv[0]))
        ],
    }
