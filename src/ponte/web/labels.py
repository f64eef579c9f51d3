"""Names the console shows for Ponte's codes (states, channels, regimes, categories, legal bases), as
message ids translated where they are shown; an unknown code is shown as it is."""

from __future__ import annotations

from ponte.duties import messages as duty_messages
from ponte.web.i18n import N_, Locale

STATES = {
    "placed": N_("placed"),
    "quoted": N_("quoted"),
    "held": N_("held"),
    "packed": N_("packed"),
    "booked": N_("booked"),
    "declared": N_("declared"),
    "rejected": N_("rejected"),
    "cleared": N_("cleared"),
    "in_transit": N_("in transit"),
    "delivered": N_("delivered"),
    "returned": N_("returned"),
    "cancelled": N_("cancelled"),
}
CHANNELS = {"web": N_("web shop"), "csv": N_("CSV file"), "api": N_("API"), "live": N_("live session")}
TRADE_MODES = {
    "9610": N_("9610 direct parcel by air"),
    "9710": N_("9710 B2B direct export"),
    "9810": N_("9810 overseas warehouse"),
    "1210": N_("1210 bonded import"),
}
REGIMES = {
    "br.rts": N_("Brazil: simplified regime for parcels (RTS)"),
    "br.ordinary_import": N_("Brazil: ordinary import"),
    "mx.courier": N_("Mexico: courier regime"),
    "mx.ordinary_import": N_("Mexico: ordinary import"),
    "cl.low_value": N_("Chile: low-value shipments"),
    "cl.import": N_("Chile: ordinary import"),
    "cl.remote_sale_vat": N_("Chile: VAT on remote sales"),
    "co.postal": N_("Colombia: postal and express traffic"),
    "co.ordinary_import": N_("Colombia: ordinary import"),
    "pe.eer": N_("Peru: express shipments (EER)"),
    "pe.ordinary_import": N_("Peru: ordinary import"),
    "ar.courier": N_("Argentina: courier regime"),
    "ar.puerta_a_puerta": N_("Argentina: door-to-door postal regime"),
    "ar.ordinary_import": N_("Argentina: ordinary import"),
    "eu.ioss": N_("European Union: import one-stop shop (IOSS)"),
    "eu.import": N_("European Union: ordinary import"),
    "eu.import_low_value": N_("European Union: low-value import"),
    "es.canarias_import": N_("Spain: Canary Islands import"),
    "es.ceuta_melilla": N_("Spain: Ceuta and Melilla import"),
    "mo.import": N_("Macao: import"),
    "cn.cbec": N_("China: cross-border e-commerce retail import"),
    "cn.postal": N_("China: postal articles tax"),
    "cn.general_trade": N_("China: general trade"),
}
CATEGORIES = {
    "beauty": N_("beauty"),
    "home": N_("home goods"),
    "electronics": N_("electronics"),
    "apparel": N_("apparel"),
    "toys": N_("toys"),
    "cherries": N_("cherries"),
    "avocados": N_("avocados"),
    "nuts": N_("nuts"),
    "wine": N_("wine"),
    "coffee": N_("coffee"),
    "makeup": N_("make-up"),
    "skin_care": N_("skin care"),
    "perfumes": N_("perfumes"),
    "clothing": N_("clothing"),
    "general": N_("general goods"),
}
#: Legal bases by the kind of quote line they justify.
BASIS = {
    "duty": N_("Legal basis of the import duty"),
    "flat_duty": N_("Legal basis of the flat duty"),
    "vat": N_("Legal basis of the VAT"),
    "icms": N_("Legal basis of the ICMS"),
}
EVENTS = {
    "placed": N_("Placed"),
    "paid": N_("Paid"),
    "moved": N_("Moved"),
}


def of(table: dict[str, str], loc: Locale, code: str | None) -> str:
    """The viewer's name for a code of `table` (the code itself when it has none)."""
    if not code:
        return ""
    found = table.get(code)
    return loc.gettext(found) if found is not None else code


def basis(loc: Locale, kind: str) -> str:
    found = BASIS.get(kind)
    return loc.gettext(found) if found is not None else loc.gettext(N_("Legal basis"))


def line_kind(loc: Locale, kind: str, fallback: str) -> str:
    """A quote line's name in the viewer's language (the duties' own texts in the four languages)."""
    found = duty_messages.text(kind, loc.lang)
    return fallback if found == kind else found
