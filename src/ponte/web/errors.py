"""Ponte's errors in plain words, in the viewer's language: one message per rule, never a rule code.

Forms put each message beside its field (``ponte.web.forms``); pages and actions show the messages of
an error together (``explain``).
"""

from __future__ import annotations

from ponte.kernel.errors import PonteError, Violation
from ponte.web.i18n import N_, Locale

#: Rules (Ponte's and pydantic's error types) with a message in every console language.
RULE_MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
    "required": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This is too long."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal": N_("Enter a number."),
    "number": N_("Enter a number."),
    "greater_than": N_("The number must be above zero."),
    "greater_than_equal": N_("The number is too small."),
    "less_than_equal": N_("The number is too large."),
    "decimal_max_places": N_("Too many decimal places."),
    "positive": N_("The number must be above zero."),
    "too_short": N_("Add at least one line."),
    "literal_error": N_("Choose one of the options."),
    "iso4217": N_("Unknown currency code (ISO 4217)."),
    "iso3166-1": N_("Unknown country code (ISO 3166-1)."),
    "iso3166-2": N_("Unknown region code (ISO 3166-2)."),
    "known-sku": N_("This SKU is not in the catalogue."),
    "sku-format": N_("Use letters, digits, dots, dashes and underscores only."),
    "one-line-per-sku": N_("This SKU is already on another line."),
    "same-as-destination": N_("The address must be in the destination country."),
    "unique-per-seller": N_("You already have an order with this number."),
    "unique-sku": N_("You already have a product with this SKU."),
    "1210-imports-into-CN": N_("Bonded import (1210) is only for orders into China."),
    "hs6": N_("Enter a 6-digit HS code that exists."),
    "order-transition": N_("The order cannot do this in its current state."),
    "order-state": N_("The order cannot do this in its current state."),
    "paid-before-declared": N_("Record the buyer's payment before declaring the order."),
    "booked-before-declared": N_("Book the order on a flight before declaring it."),
    "last-mile-waybill": N_("A warehouse order ships alone, with its carrier and that carrier's waybill."),
    "concurrent-change": N_("Someone changed this at the same time. Reload the page and try again."),
    "session-state": N_("The session cannot do this in its current state."),
    "session-live": N_("Start the session first."),
    "session-not-ended": N_("The session has ended."),
    "route-end": N_("There is no further booth on the route."),
    "forward": N_("The route only goes forward."),
    "inside-session": N_("The visit must fall inside the session."),
    "new-booth": N_("The same booth twice in a row."),
    "after-opens_at": N_("The offer must close after it opens."),
    "offer-open": N_("The offer is not open."),
    "same-session": N_("The offer belongs to another session."),
    "product-currency": N_("The offer must be in the product's currency."),
    "reservation-held": N_("The reservation is no longer held."),
    "language": N_("Titles can be in Chinese, English, Portuguese or Spanish."),
    "csv-columns": N_("The file lacks some columns; download the template and compare."),
    "csv": N_("The file could not be read as CSV."),
    "file-type": N_("Choose a CSV file."),
    "max-rows": N_("The file has too many rows."),
    "scope": N_("Your role does not allow this."),
    "customs-profile-field": N_(
        "Customs need a fact that is missing: check the seller's customs profile and the buyer's phone."
    ),
    "china-customs-data": N_(
        "A product has no China customs data: add its 10-digit code, name and units on the product page."
    ),
    "cn-code-10-digits": N_("China's commodity code has 10 digits."),
    "cn-code-in-hs6": N_("The China code must start with the product's HS code."),
    "customs-unit": N_("Use a 3-digit customs unit code."),
    "tariff-code": N_("Use 6 to 12 digits."),
    "cursor": N_("This page link is out of date; start again from the first page."),
    "period-order": N_("The period ends before it starts."),
    "signer": N_("No customs signing key is configured."),
    "transport": N_("No customs link is configured."),
    "schedule": N_("No flight schedule is configured."),
}

#: Rules whose names carry a number (``range 1..1000``): the message by the name's first word.
PREFIX_MESSAGES: dict[str, str] = {
    "range": N_("The number is out of the allowed range."),
    "per-buyer-limit": N_("Over the limit for one buyer."),
}


def translate(loc: Locale, rule: str, fallback: str = "") -> str:
    """A rule's message in the viewer's language; tax-ID and postal rules by their family."""
    if rule in RULE_MESSAGES:
        return loc.gettext(RULE_MESSAGES[rule])
    head = rule.split(" ", 1)[0]
    if head in PREFIX_MESSAGES:
        return loc.gettext(PREFIX_MESSAGES[head])
    family = rule.split(":", 1)
    if len(family) == 2 and family[0] == "postal-rules":
        return loc.gettext(N_("The postal code does not match the country's format."))
    if len(family) == 2 and family[1] == "checksum":
        return loc.gettext(N_("The check digits of this tax ID do not match: look for a typo."))
    if len(family) == 2 and family[1] in ("length", "format"):
        return loc.gettext(N_("This tax ID has the wrong length or characters."))
    if len(family) == 2 and family[1] == "required":
        return loc.gettext(N_("This field is required."))
    if len(family) == 2 or rule in ("tax-id-scheme", "tax-id-country"):
        return loc.gettext(N_("This tax ID is not valid for the country."))
    return loc.gettext(N_("This value is not accepted.")) if fallback else ""


def violations(exc: PonteError) -> list[Violation]:
    return exc.violations or [Violation(exc.field, exc.rule, exc.message)]


def explain(exc: PonteError, loc: Locale) -> str:
    """Every problem of an error, in plain words, in one line."""
    messages: list[str] = []
    for violation in violations(exc):
        text = translate(loc, violation.rule, violation.message)
        if text and text not in messages:
            messages.append(text)
    return " ".join(messages)
