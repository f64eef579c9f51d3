"""The ordinary import, quoted where a parcel is above a simplified regime's cap: duty by tariff line
from the item's rate (the quote names each rate it needs) and the market's import taxes on top."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.errors import ReasonCode
from ponte.duties.params import Resolved
from ponte.duties.regimes.common import cif, duty_override, item_share


def above_cap(ctx: Ctx, limit_name: str, limit: Decimal, currency: str) -> None:
    """Say that the simplified regime's cap is passed and the ordinary import is quoted instead."""
    ctx.reason(
        ReasonCode.ORDINARY_IMPORT, "/items", False, limit_name=limit_name, limit=limit, currency=currency
    )


def duties_by_item(ctx: Ctx, base: Decimal) -> Decimal:
    """Each item's duty at its tariff rate (items[].rates.duty); a missing rate is a missing fact."""
    total = Decimal(0)
    for i in range(len(ctx.req.items)):
        rate = duty_override(ctx, i)
        if rate is None:
            ctx.missing(f"/items/{i}/rates/duty", "duty")
            continue
        total += ctx.line("duty", item_share(ctx, i, base), rate, [], item=i, note="tariff rate given").amount
    return total


def ordinary(
    ctx: Ctx, regime: str, taxes: list[tuple[str, Resolved]], extra: Decimal = Decimal(0)
) -> tuple[str, str, Decimal, str]:
    """Duty by item on the customs value, then each tax on customs value + duty (+ ``extra``)."""
    cv = cif(ctx)
    duty = duties_by_item(ctx, cv)
    for kind, rate in taxes:
        ctx.line(kind, cv + duty + extra, rate.value, [rate])
    return regime, "ordinary_import", cv, "customs value (CIF): ordinary import"
