"""The composition root: the only reader of ``Settings``.

It builds what the adapters (API, console, CLI, batch) hand to the services: the database, the FX source,
the rules, the flight schedule, the clock, the HS classifier. Each is built once per ``Platform``; a process makes one
platform (the server at start-up, a CLI command when it runs), so several processes and distributed workers
behave the same and nothing hides in a module-level cache of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from ponte.classify.service import Engine, load_engine
from ponte.duties.params import Rules, default_rules
from ponte.journey.service import Context as JourneyContext
from ponte.kernel.clock import Clock, SystemClock
from ponte.logistics.network import sample_flights
from ponte.logistics.uld import Flight
from ponte.platform.crypto import DataCipher, configure
from ponte.platform.db import Database
from ponte.platform.settings import Settings, get_settings
from ponte.reference.fx import FxConverter, default_converter

__all__ = ["Platform", "platform"]


@dataclass
class Platform:
    """Everything a process needs from its configuration, built on first use."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    _database: Database | None = None

    @classmethod
    def from_environment(cls) -> Platform:
        return cls(get_settings())

    @cached_property
    def cipher(self) -> DataCipher:
        """The key that encrypts personal data at rest (several, comma separated, for rotation)."""
        secret = self.settings.data_key.get_secret_value()
        return configure([part for part in secret.split(",") if part])

    @property
    def database(self) -> Database:
        if self._database is None:
            self.cipher  # noqa: B018 - encrypted columns need the key before the first row is read
            self._database = Database(self.settings.database_url)
        return self._database

    @cached_property
    def fx(self) -> FxConverter:
        """Rates by date: the official rate files first, then ECB daily, then HMRC monthly."""
        return default_converter(tuple(Path(p) for p in self.settings.fx_official_files))

    @cached_property
    def rules(self) -> Rules:
        """The dated duty and tax rules shipped with Ponte."""
        return default_rules()

    @cached_property
    def journey(self) -> JourneyContext:
        """What the order's journey needs: rules and FX (and, as they join, customs and logistics)."""
        return JourneyContext(rules=self.rules, fx=self.fx)

    @cached_property
    def classify(self) -> Engine:
        """The HS classifier: the packaged sentence encoder, HS texts, examples and index (about a second to
        load, once per process), and its per-tenant cache of confirmed titles."""
        return load_engine()

    def flights(self, start: date, days: int) -> list[Flight]:
        """The dated flights of the schedule from ``start`` for ``days`` days."""
        return sample_flights(start, days)

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


_PLATFORM: Platform | None = None


def platform() -> Platform:
    """This process's platform (built from the environment on first use)."""
    global _PLATFORM
    if _PLATFORM is None:
        _PLATFORM = Platform.from_environment()
    return _PLATFORM


def reset() -> None:
    """End this process's platform; the next ``platform()`` reads the environment again (tests, reloads)."""
    global _PLATFORM
    if _PLATFORM is not None:
        _PLATFORM.close()
    _PLATFORM = None
    get_settings.cache_clear()
