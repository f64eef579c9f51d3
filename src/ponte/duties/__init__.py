"""Landed cost: duties and taxes at destination, with the legal basis of every line.

>>> from ponte.duties import quote_json
>>> quote_json({"destination": "MX", "date": "2025-08-15", "currency": "USD",
...             "items": [{"description": "phone case", "quantity": 1, "unit_price": "500"}]}
...           )["total_tax"]
{'amount': '167.50', 'currency': 'USD'}
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ponte.duties.engine import FxSource, Quote, quote
from ponte.duties.model import QuoteRequest, parse_request
from ponte.duties.params import Rules, default_rules, load_rules

if TYPE_CHECKING:
    from ponte.duties.mapping import BuyerFacts, request_for
    from ponte.duties.registrations import SellerRegistrations, TaxRegistration

# names loaded on first use: the order mapping and the tax registrations (orders, catalogue and tax-ID
# checks) are not needed to quote a request, so `ponte quote` does not import them
_ON_FIRST_USE = {
    "BuyerFacts": "ponte.duties.mapping",
    "request_for": "ponte.duties.mapping",
    "SellerRegistrations": "ponte.duties.registrations",
    "TaxRegistration": "ponte.duties.registrations",
}

__all__ = [
    "BuyerFacts",
    "FxSource",
    "Quote",
    "QuoteRequest",
    "Rules",
    "SellerRegistrations",
    "TaxRegistration",
    "default_rules",
    "load_rules",
    "parse_request",
    "quote",
    "quote_json",
    "request_for",
]


def quote_json(data: Any, rules: Rules | None = None, fx_source: FxSource | None = None) -> dict[str, Any]:
    """Validate a JSON request, quote it, return the JSON response (contract version 1)."""
    return quote(parse_request(data), rules or default_rules(), fx_source).as_dict()


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(import_module(module), name)
    return value
