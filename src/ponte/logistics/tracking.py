"""Tracking: IATA FSU status events per parcel, bag, ULD and AWB; merged timelines with customs events;
event-order validation; ETA and late alerts; the payload sellers' webhooks receive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from ponte.kernel.errors import ValidationError, Violation
from ponte.logistics._data import load_csv
from ponte.logistics.routes import Itinerary
from ponte.logistics.uld import check_airport, check_utc

SUBJECTS = ("parcel", "bag", "uld", "awb")
# Milestone rank: an event may not come before one of a higher rank, except that a transfer starts a new
# leg (MAN/PRE/DEP again after ARR/RCF at the connecting airport). DIS, OSI, OCI and document events are free.
RANK = {
    "BKD": 0,
    "DPU": 1,
    "FOH": 1,
    "RCS": 2,
    "FIW": 2,
    "FOW": 2,
    "PRE": 3,
    "MAN": 3,
    "DEP": 4,
    "TRM": 5,
    "TFD": 5,
    "RCT": 5,
    "ARR": 5,
    "RCF": 6,
    "CRC": 7,
    "TGC": 7,
    "CCD": 8,
    "NFD": 9,
    "AWR": 9,
    "AWD": 9,
    "DLV": 10,
    "DDL": 10,
}
LEG_START = {"PRE", "MAN", "DEP"}
FINAL = {"DLV", "DDL"}


@lru_cache(maxsize=1)
def fsu_codes() -> dict[str, str]:
    """Status codes of the ONE Record code list (package data ``fsu_codes.csv``)."""
    codes = {row["code"]: row["description"] for row in load_csv("fsu_codes.csv")}
    # carriers send plain DIS; the code list only has its qualified forms (DIS_OFLD, DIS_MSCA, ...)
    codes.setdefault("DIS", "Discrepancy (unqualified)")
    return codes


@dataclass(frozen=True)
class TrackingEvent:
    subject: str  # parcel, bag, uld or awb
    subject_id: str
    code: str
    at: datetime
    location: str
    source: str = "carrier"  # carrier API, csv, webhook, customs
    flight: str = ""
    detail: str = ""

    @classmethod
    def of(
        cls,
        subject: str,
        subject_id: str,
        code: str,
        at: datetime,
        location: str,
        field: str = "event",
        **extra: str,
    ) -> TrackingEvent:
        if subject not in SUBJECTS:
            raise ValidationError(
                f"{subject!r} is not one of {SUBJECTS}", field=f"{field}.subject", rule="subject"
            )
        if code not in fsu_codes():
            raise ValidationError(
                f"{code!r} is not an FSU status code", field=f"{field}.code", rule="fsu-code"
            )
        check_utc(at, f"{field}.at")
        return cls(subject, subject_id, code, at, check_airport(location, f"{field}.location"), **extra)


def validate_order(events: Sequence[TrackingEvent]) -> None:
    """Events of one subject in the order received: times never go back and milestones never regress
    (a new leg may start at the airport where the previous one arrived); nothing follows delivery."""
    problems: list[Violation] = []
    best = -1
    last_at: datetime | None = None
    arrived_at = ""
    delivered = False
    for i, e in enumerate(events):
        f = f"events[{i}]"
        if last_at is not None and e.at < last_at:
            problems.append(
                Violation(
                    f"{f}.at",
                    "event-order",
                    f"{e.code} at {e.at:%Y-%m-%dT%H:%MZ} is before the previous event",
                )
            )
        last_at = max(e.at, last_at) if last_at else e.at
        rank = RANK.get(e.code)
        if rank is None:
            continue
        if delivered:
            problems.append(Violation(f"{f}.code", "event-order", f"{e.code} after delivery"))
        if rank < best and not (e.code in LEG_START and best in (5, 6) and e.location == arrived_at):
            problems.append(Violation(f"{f}.code", "event-order", f"{e.code} after a later milestone"))
        if e.code in LEG_START and best in (5, 6):
            best = rank
        best = max(best, rank)
        if e.code in ("ARR", "RCF"):
            arrived_at = e.location
        delivered = delivered or e.code in FINAL
    if problems:
        raise ValidationError.of(problems)


def merge_timeline(*streams: Sequence[TrackingEvent]) -> list[TrackingEvent]:
    """One timeline from carrier and customs streams: sorted by time then milestone, duplicates dropped."""
    seen: set[tuple[str, str, datetime, str]] = set()
    out = []
    for e in sorted((e for s in streams for e in s), key=lambda e: (e.at, RANK.get(e.code, 99))):
        key = (e.subject_id, e.code, e.at, e.location)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


@dataclass(frozen=True)
class Eta:
    eta: datetime
    delay: timedelta
    late: bool
    delivered: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


def timeline_view(ref: str, kind: str, merged: Sequence[TrackingEvent]) -> dict[str, Any]:
    """The JSON shape of a merged timeline (CLI, API and console), before ETA and shipments."""
    return {
        "ref": ref,
        "kind": kind,
        "shipments": [],
        "events": [
            {
                "subject": e.subject,
                "id": e.subject_id,
                "code": e.code,
                "description": fsu_codes()[e.code],
                "at": e.at.isoformat(),
                "location": e.location,
                "source": e.source,
                "flight": e.flight,
            }
            for e in merged
        ],
        "eta": None,
        "late": False,
        "delivered": any(e.code in FINAL for e in merged),
        "reasons": [],
    }


def estimate_arrival(
    itinerary: Itinerary,
    events: Sequence[TrackingEvent],
    now: datetime,
    promised: datetime | None = None,
    grace: timedelta = timedelta(hours=2),
) -> Eta:
    """ETA at the final airport: the schedule shifted by the delay of the last leg seen departing or
    arriving; late when the ETA passes the promise, or when ``now`` is past the ETA without an arrival."""
    check_utc(now, "now")
    final = itinerary.legs[-1].destination
    delay = timedelta(0)
    arrived = None
    for e in events:
        for leg in itinerary.legs:
            if e.code == "DEP" and e.location == leg.origin:
                delay = e.at - leg.departs
            if e.code in ("ARR", "RCF") and e.location == leg.destination:
                delay = e.at - leg.arrives
                if leg.destination == final and e.code == "ARR":
                    arrived = e.at
    delivered = any(e.code in FINAL for e in events)
    eta = arrived or itinerary.arrives + max(delay, timedelta(0))
    reasons = []
    if promised is not None and eta > promised:
        reasons.append("eta-after-promise")
    if arrived is None and not delivered and now > eta + grace:
        reasons.append("overdue-no-arrival")
    return Eta(eta, max(delay, timedelta(0)), bool(reasons), delivered, tuple(reasons))


def event_payload(event: TrackingEvent) -> dict[str, str]:
    """What a seller's webhook receives about a tracking event (the ``data`` of the delivery)."""
    return {
        "subject": event.subject,
        "id": event.subject_id,
        "code": event.code,
        "description": fsu_codes()[event.code],
        "at": event.at.isoformat(),
        "location": event.location,
        "flight": event.flight,
        "source": event.source,
    }
