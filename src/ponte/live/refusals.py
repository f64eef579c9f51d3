"""Why a flash-sale purchase is refused: the errors both purchase paths (one statement per purchase,
or PostgreSQL's group commit) raise, each naming the field and the rule."""

from __future__ import annotations

from ponte.kernel.errors import ConflictError, PonteError

__all__ = ["OfferClosed", "OverLimit", "SoldOut"]


class OverLimit(PonteError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"this buyer would exceed the limit of {limit} per buyer for this offer",
            field="quantity",
            rule="per-buyer-limit",
            status=422,
        )


class SoldOut(ConflictError):
    def __init__(self, left: int) -> None:
        super().__init__(f"not enough stock: {left} left", field="quantity", rule="stock-available")


class OfferClosed(ConflictError):
    def __init__(self) -> None:
        super().__init__("the offer is closed", field="offer", rule="offer-open")
