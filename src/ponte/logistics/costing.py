"""What a leg costs per kilogram by the forwarder's rate cards, and rate shopping across carriers' cards for a
lane (pure).

A consolidation tenders whole ULDs, so a leg's cost per kilogram is the card's rate at its highest weight break
plus its per-kilogram surcharges (TACT Q rate; a ULD holds far more than the top break). A leg without a card
keeps the schedule's own ``cost_per_kg``. Amounts in different currencies are compared only through the rates
given (``to_usd``: units of USD per unit of the currency); a card in a currency without a rate is not used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from ponte.kernel.errors import ValidationError
from ponte.logistics.rating import ChargeableWeight, RateCard, RateLine, rate
from ponte.logistics.uld import Flight

__all__ = ["card_per_kg", "priced", "rate_shop"]


def card_per_kg(card: RateCard) -> Decimal:
    """The card's cost of one more kilogram in a full consolidation: the top break's rate and the surcharges."""
    top = card.breaks[max(card.breaks)] if card.breaks else card.normal
    return top + sum((s.per_kg for s in card.surcharges), Decimal(0))


def priced(
    flights: Sequence[Flight],
    cards: Sequence[RateCard],
    to_usd: Mapping[str, Decimal] | None = None,
) -> list[Flight]:
    """The flights with ``cost_per_kg`` (in USD) from the card of their carrier and leg where there is one."""
    rates = {"USD": Decimal(1), **(to_usd or {})}
    by_leg: dict[tuple[str, str, str], Decimal] = {}
    for card in cards:
        if card.currency not in rates:
            continue
        per_kg = card_per_kg(card) * rates[card.currency]
        key = (card.carrier, card.origin, card.destination)
        by_leg[key] = min(per_kg, by_leg.get(key, per_kg))
    out = []
    for f in flights:
        cost = by_leg.get((f.carrier, f.origin, f.destination))
        out.append(replace(f, cost_per_kg=cost, currency="USD") if cost is not None else f)
    return out


def rate_shop(
    cards: Sequence[RateCard],
    origin: str,
    destination: str,
    weight: ChargeableWeight,
    to_usd: Mapping[str, Decimal] | None = None,
) -> list[tuple[RateCard, RateLine, Decimal]]:
    """Every carrier's card for the lane, rated for ``weight``, cheapest first: (card, rate line, total in USD).
    No card for the lane is an error naming it."""
    rates = {"USD": Decimal(1), **(to_usd or {})}
    out = []
    for card in cards:
        if (card.origin, card.destination) != (origin, destination) or card.currency not in rates:
            continue
        line = rate(card, weight)
        out.append((card, line, line.total.amount * rates[card.currency]))
    if not out:
        raise ValidationError(
            f"no rate card for {origin}-{destination} in a currency with a rate",
            field="lane",
            rule="rate-card",
        )
    return sorted(out, key=lambda e: (e[2], e[0].carrier))
