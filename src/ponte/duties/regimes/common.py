"""Helpers shared by the regimes."""

from __future__ import annotations

from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.errors import DutiesError
from ponte.kernel.errors import ValidationError


def goods(ctx: Ctx) -> Decimal:
    """Goods value (FOB / intrinsic value) in the computation currency."""
    return ctx.req_amount(ctx.req.goods_value)


def cif(ctx: Ctx) -> Decimal:
    """Goods + freight + insurance in the computation currency."""
    return ctx.req_amount(ctx.req.goods_value + ctx.req.freight + ctx.req.insurance)


def item_share(ctx: Ctx, index: int, total: Decimal) -> Decimal:
    """Item `index`'s share of `total`, by goods value (all equal if goods are free)."""
    items = ctx.req.items
    gv = ctx.req.gross_goods_value
    if gv == 0:
        return total / len(items)
    return total * items[index].value / gv


def forced(ctx: Ctx, allowed: tuple[str, ...]) -> str | None:
    name = ctx.req.regime
    if name is None:
        return None
    if name not in allowed:
        raise ValidationError(
            f"regime {name!r} is not one of {', '.join(allowed)} for {ctx.req.destination}",
            field="/regime",
            rule="regime-known",
        )
    return name


def category_in(ctx: Ctx, param: str) -> list[int]:
    codes = ctx.p(param).value
    return [i for i, it in enumerate(ctx.req.items) if it.category in codes]


def duty_override(ctx: Ctx, index: int) -> Decimal | None:
    rates = ctx.req.items[index].rates
    return None if rates is None else rates.duty


#: The channels Ponte has rules for, by market (others: courier and postal alike).
CHANNELS = {
    "CN": ("courier", "postal", "9610", "1210"),
    "AR": ("courier", "postal", "door_to_door"),
    "MX": ("courier",),
    "PE": ("courier",),
}


def channel(ctx: Ctx) -> str | None:
    """The request's channel, refused where the market has no rules for it."""
    name = ctx.req.channel
    allowed = CHANNELS.get(ctx.req.destination, ("courier", "postal"))
    if name is not None and name not in allowed:
        raise ValidationError(
            f"{ctx.req.destination}: Ponte has rules for the channel(s) {', '.join(allowed)}, not {name!r}",
            field="/channel",
            rule=DutiesError.CHANNEL,
        )
    return name
