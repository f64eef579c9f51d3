"""Landed cost: duties and taxes at destination, with the legal basis of every line.

>>> from ponte.duties import quote_json
>>> quote_json({"destination": "MX", "date": "2025-08-15", "currency": "USD",
...             "items": [{"description": "phone case", "quantity": 1, "unit_price": "500"}]}
...           )["total_tax"]
{'amount': '167.50', 'currency': 'USD'}
"""

from __future__ import annotations

from typing import Any

from ponte.duties.engine import FxSource, Quote, quote
from ponte.duties.mapping import BuyerFacts, request_for
from ponte.duties.model import QuoteRequest, parse_request
from ponte.duties.params import Rules, default_rules, load_rules
from ponte.duties.registrations import SellerRegistrations, TaxRegistration

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
