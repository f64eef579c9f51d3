"""The context of one run, built once (by the driver, from ``ponte.bootstrap``) and shipped to every worker:
the duty rules and FX tables, the flight schedule of the whole horizon and its lanes, the declaring parties
(customs profile), the AWB stock ranges and the signing material. Workers never read the configuration;
two workers given the same context decide the same things."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ponte.bootstrap import platform
from ponte.customs.china.profile import CustomsProfile
from ponte.customs.china.signer import Signer
from ponte.duties.context import FxSource
from ponte.duties.orders_batch import BatchContext
from ponte.duties.params import Rules
from ponte.fulfilment.model import AirRate, Site
from ponte.fulfilment.options import Inputs as FulfilmentInputs
from ponte.logistics.network import Lanes
from ponte.logistics.uld import Flight

__all__ = ["JobContext", "build_context"]


@dataclass
class JobContext:
    rules: Rules
    fx: FxSource | None
    flights: tuple[Flight, ...]  # every dated flight of the horizon (first day .. last day + window)
    lanes: Lanes
    window_days: int  # a parcel flies within this many days of its day
    air: dict[tuple[str, str], AirRate] = field(default_factory=dict)  # each lane's air rate and transit days
    sites: tuple[Site, ...] = ()  # warehouses and their stock (``--stock``) the fulfilment choice may use
    profile: CustomsProfile | None = None
    awb_ranges: tuple[tuple[str, int, int], ...] = ()
    key_pem: bytes | None = None  # with cert_pem: the enterprise's software key (RSA-SHA1)
    cert_pem: bytes | None = None
    _signer: Signer | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_signer"] = None  # a loaded key is rebuilt in each process from the material
        return state

    @property
    def quoting(self) -> BatchContext:
        """What the duties' batch path needs."""
        return BatchContext(rules=self.rules, fx=self.fx)

    @property
    def choosing(self) -> FulfilmentInputs:
        """What the fulfilment capability's batch choice needs."""
        return FulfilmentInputs(self.rules, self.fx, self.lanes, self.air, self.sites)

    def flights_for(self, day: date) -> list[Flight]:
        """The flights a parcel of ``day`` may take: departing from ``day`` for ``window_days`` days."""
        end = day + timedelta(days=self.window_days)
        return [f for f in self.flights if day <= f.departs.date() < end]

    def signer(self) -> Signer | None:
        """The enterprise's signer (built once per process), or None when no key was given."""
        if self.key_pem is None or self.cert_pem is None:
            return None
        if self._signer is None:
            self._signer = platform().software_signer(self.key_pem, self.cert_pem)
        return self._signer

    def digest(self) -> str:
        """What the outputs depend on besides the orders (kept in every marker: a resumed run with other
        options starts the partition again)."""
        h = hashlib.sha256()
        for part in (
            self.rules.digest,
            self.window_days,
            sorted(self.air),
            [(x.code, sorted(x.stock.items())) for x in self.sites],
            self.profile.model_dump_json() if self.profile else "",
            self.awb_ranges,
            self.key_pem or b"",
            self.cert_pem or b"",
            len(self.flights),
            self.flights[0].key if self.flights else "",
        ):
            h.update(repr(part).encode())
        return h.hexdigest()[:16]


def build_context(
    days: tuple[date, date],
    *,
    window_days: int = 7,
    profile: CustomsProfile | None = None,
    awb_ranges: tuple[tuple[str, int, int], ...] = (),
    key_pem: bytes | None = None,
    cert_pem: bytes | None = None,
    sites: tuple[Site, ...] = (),
) -> JobContext:
    """The context of a run over the days ``days`` (first, last), from this process's platform."""
    p = platform()
    first, last = days
    if profile is not None and cert_pem is not None:  # the key's certificate is the one the messages carry
        signing = profile.signing.model_copy(update={"certificate_pem": cert_pem.decode()})
        profile = profile.model_copy(update={"signing": signing})
    horizon = (last - first).days + 1 + window_days
    flights = tuple(p.flights(first, horizon))
    return JobContext(
        rules=p.rules,
        fx=p.fx,
        flights=flights,
        lanes=p.lanes,
        window_days=window_days,
        air=dict(p.air_rates),
        sites=sites,
        profile=profile,
        awb_ranges=awb_ranges,
        key_pem=key_pem,
        cert_pem=cert_pem,
    )
