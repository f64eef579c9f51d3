"""The console's navigation: one list that every page module extends.

A module that adds pages registers its entries when it is imported::

    from ponte.web.i18n import N_
    from ponte.web.nav import NavEntry, register

    register(NavEntry("/shipments", N_("Shipments"), scope="logistics:read", order=60))

and its module name goes into ``ponte.web.app.PAGES``. Labels are message ids
of the console's catalogues, translated when the menu is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from ponte.accounts.core import Principal


@dataclass(frozen=True)
class NavEntry:
    path: str
    label: str  # message id, translated when shown
    scope: str | None = None  # shown only to callers holding this scope
    order: int = 100
    operator_only: bool = False

    def visible_to(self, principal: Principal) -> bool:
        if self.operator_only and not principal.is_operator:
            return False
        return self.scope is None or principal.has(self.scope) or principal.is_operator

    def is_current(self, path: str) -> bool:
        if self.path == "/":
            return path == "/"
        return path == self.path or path.startswith(self.path.rstrip("/") + "/")


NAV: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    """Add an entry (a second entry for the same path replaces the first)."""
    NAV[:] = [e for e in NAV if e.path != entry.path]
    NAV.append(entry)
    NAV.sort(key=lambda e: (e.order, e.path))


def entries_for(principal: Principal) -> list[NavEntry]:
    return [e for e in NAV if e.visible_to(principal)]
