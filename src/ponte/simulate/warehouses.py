"""Simulated warehouses for the demo: overseas warehouses in São Paulo, Mexico City, Santiago, Lisbon and Madrid
(9810) for an exporter, a bonded warehouse in Shenzhen's Qianhai zone (1210) for an importer of cherries,
avocados and nuts; their locations, stock lots (perishables with expiry dates), inbound first legs on the way,
and the daily demand history orders put on each SKU (weekly seasonality, a trend, live-session spikes).

Everything goes in through the warehouses service, so the demo's rows are what real use writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from ponte.simulate.core import Tables
from ponte.warehouses.core import WarehouseSpec
from ponte.warehouses.inbound import InboundLine, InboundSpec
from ponte.warehouses.service import WarehouseService

__all__ = ["BONDED", "OVERSEAS", "DemandShape", "demand_history", "load_demo_warehouses", "load_warehouses"]


def _spec(
    code: str,
    name: str,
    operator: str,
    country: str,
    city: str,
    region: str,
    postal: str,
    tz: str,
    currency: str,
    cut_off: time,
    bonded: bool = False,
    zones: tuple[str, ...] = ("ambient",),
) -> WarehouseSpec:
    return WarehouseSpec(
        code=code,
        name=name,
        operator=operator,
        country=country,
        address={"line1": "Logistics park", "city": city, "region": region, "postal_code": postal},
        time_zone=tz,
        currency=currency,
        bonded=bonded,
        trade_mode="1210" if bonded else "9810",
        cut_off_local=cut_off,
        handling_days=1,
        temperature_zones=zones,
    )


OVERSEAS: tuple[WarehouseSpec, ...] = (
    _spec(
        "GRU-1",
        "São Paulo (Guarulhos)",
        "Armazém Ponte Ltda",
        "BR",
        "Guarulhos",
        "BR-SP",
        "07190-100",
        "America/Sao_Paulo",
        "BRL",
        time(14, 0),
    ),
    _spec(
        "MEX-1",
        "Ciudad de México (Tepotzotlán)",
        "Almacenes Ponte SA de CV",
        "MX",
        "Tepotzotlán",
        "MX-MEX",
        "54600",
        "America/Mexico_City",
        "MXN",
        time(15, 0),
    ),
    _spec(
        "SCL-1",
        "Santiago (Pudahuel)",
        "Bodegas Ponte SpA",
        "CL",
        "Pudahuel",
        "CL-RM",
        "9020000",
        "America/Santiago",
        "CLP",
        time(13, 0),
    ),
    _spec(
        "LIS-1",
        "Lisboa (Alverca)",
        "Armazéns Ponte Lda",
        "PT",
        "Alverca do Ribatejo",
        "PT-11",
        "2615-173",
        "Europe/Lisbon",
        "EUR",
        time(16, 0),
    ),
    _spec(
        "MAD-1",
        "Madrid (Coslada)",
        "Almacenes Ponte SL",
        "ES",
        "Coslada",
        "ES-M",
        "28821",
        "Europe/Madrid",
        "EUR",
        time(16, 0),
    ),
)
BONDED = _spec(
    "SZX-B1",
    "Qianhai bonded warehouse",
    "Qianhai Bonded Logistics Co",
    "CN",
    "Shenzhen",
    "CN-GD",
    "518000",
    "Asia/Shanghai",
    "CNY",
    time(17, 0),
    bonded=True,
    zones=("ambient", "chilled", "frozen"),
)


@dataclass(frozen=True)
class DemandShape:
    """Daily demand of one SKU: a base rate, a weekly pattern (Monday first), a trend per day, and live
    sessions (the streamer's weekly evening show, and occasional flash sales) that multiply the day's rate."""

    base: float
    weekly: tuple[float, ...] = (0.8, 0.85, 0.9, 1.0, 1.35, 1.25, 0.85)
    trend: float = 0.002
    live_weekday: int = 4
    live_lift: float = 1.8
    flash_rate: float = 0.03
    flash_lift: float = 3.0


def demand_history(rng: np.random.Generator, shape: DemandShape, start: date, days: int) -> list[int]:
    """Units asked per day from ``start``: Poisson around the shape's rate on each day."""
    out = []
    for i in range(days):
        day = start + timedelta(days=i)
        rate = shape.base * shape.weekly[day.weekday()] * (1 + shape.trend * i)
        if day.weekday() == shape.live_weekday:
            rate *= shape.live_lift
        if rng.random() < shape.flash_rate:
            rate *= shape.flash_lift
        out.append(int(rng.poisson(rate)))
    return out


def load_warehouses(
    service: WarehouseService,
    exporter: str,
    export_skus: Sequence[tuple[str, bool]],
    importer: str,
    import_skus: Sequence[tuple[str, str]],
    today: date,
    seed: int = 2026,
    history_days: int = 150,
) -> dict[str, int]:
    """Warehouses, stock and history for one exporter (its SKUs, each ``(sku, perishable)``) and one importer
    (``(sku, origin country)``). Returns counts of what was made."""
    rng = np.random.default_rng(seed)
    counts = {"warehouses": 0, "lots": 0, "inbound": 0, "history_days": history_days}
    start = today - timedelta(days=history_days)
    for spec in OVERSEAS:
        service.add_warehouse(exporter, spec)
        for loc in ("A-01", "A-02", "B-01"):
            service.add_location(exporter, spec.code, loc)
        counts["warehouses"] += 1
        for n, (sku, perishable) in enumerate(export_skus):
            shape = DemandShape(base=float(rng.uniform(2, 14)), trend=float(rng.uniform(-0.001, 0.004)))
            history = demand_history(rng, shape, start, history_days)
            service.record_history(exporter, spec.code, sku, f"H-{sku}", "A-01", start, history)
            on_hand = int(sum(history[-21:]) * rng.uniform(0.5, 1.6))
            expiry = today + timedelta(days=int(rng.integers(20, 200))) if perishable else None
            service.receive(
                exporter, spec.code, sku, max(on_hand, 1), f"L{today:%y%m}-{n:02d}", "A-02", expiry
            )
            counts["lots"] += 1
        lines = tuple(
            InboundLine(sku, int(rng.integers(80, 400)), f"L{today:%y%m}-S{n:02d}")
            for n, (sku, _) in enumerate(export_skus[:3])
        )
        if lines:
            departed = datetime.combine(today - timedelta(days=20), time(8, 0)).astimezone()
            service.announce(
                exporter,
                InboundSpec(
                    spec.code,
                    f"ASN-{spec.code}-{today:%y%m%d}",
                    "sea",
                    "CN",
                    "9810",
                    departed + timedelta(days=34),
                    lines,
                    declaration_id=f"5316{today:%Y}98100{rng.integers(10**6, 10**7)}",
                    bill_of_lading=f"COSU{rng.integers(10**9, 10**10)}",
                    departed_at=departed,
                ),
            )
            counts["inbound"] += 1
    service.add_warehouse(importer, BONDED)
    service.add_location(importer, BONDED.code, "AMB-01")
    service.add_location(importer, BONDED.code, "COLD-01", zone="chilled")
    counts["warehouses"] += 1
    for n, (sku, origin) in enumerate(import_skus):
        shape = DemandShape(base=float(rng.uniform(4, 20)), live_lift=2.5, flash_rate=0.05)
        history = demand_history(rng, shape, start, history_days)
        service.record_history(importer, BONDED.code, sku, f"H-{sku}", "COLD-01", start, history)
        for k, days in enumerate((6, 18, 35)):  # perishables in lots that expire one after the other
            service.receive(
                importer,
                BONDED.code,
                sku,
                int(sum(history[-7:]) * 0.6) + 1,
                f"{origin}{today:%y%m}-{n:02d}{k}",
                "COLD-01",
                today + timedelta(days=days),
            )
            counts["lots"] += 1
        arrive = datetime.combine(today + timedelta(days=3), time(6, 0)).astimezone()
        service.announce(
            importer,
            InboundSpec(
                BONDED.code,
                f"ASN-{BONDED.code}-{origin}-{n:02d}-{today:%y%m%d}",
                "air",
                origin,
                "1210",
                arrive,
                (
                    InboundLine(
                        sku,
                        int(rng.integers(100, 300)),
                        f"{origin}{today:%y%m}-{n:02d}A",
                        today + timedelta(days=28),
                    ),
                ),
                declaration_id=f"5316{today:%Y}12100{rng.integers(10**6, 10**7)}",
                awb=_awb(int(rng.integers(10**6, 10**7))),
                departed_at=arrive - timedelta(days=2),
            ),
        )
        counts["inbound"] += 1
    return counts


def _awb(serial7: int) -> str:
    """An air waybill of LATAM Cargo (045) with its mod-7 check digit."""
    return f"045-{serial7:07d}{serial7 % 7}"


def load_demo_warehouses(
    service: WarehouseService, tables: Tables, today: date, seed: int = 2026
) -> dict[str, int]:
    """The demo's warehouses: the first exporter with products gets the five overseas warehouses, the first
    importer (cherries, avocados, nuts) the bonded one; each with a few of its SKUs."""
    products = tables.products.select(
        ["tenant_id", "sku", "direction", "origin_country", "perishable", "category"]
    ).to_pylist()
    by_tenant: dict[tuple[str, str], list[dict[str, object]]] = {}
    for p in products:
        by_tenant.setdefault((str(p["tenant_id"]), str(p["direction"])), []).append(p)
    exporters = sorted((k for k in by_tenant if k[1] == "export"), key=lambda k: -len(by_tenant[k]))
    fresh = {
        "cherries",
        "avocados",
        "nuts",
    }  # what the bonded warehouse keeps for importers (else any import)
    imports = {k: v for k, v in by_tenant.items() if k[1] == "import"}
    chosen = {k: [p for p in v if p["category"] in fresh] for k, v in imports.items()}
    if not any(chosen.values()):
        chosen = imports
    importers = sorted((k for k in chosen if chosen[k]), key=lambda k: -len(chosen[k]))
    by_tenant.update(chosen)
    if not exporters or not importers:
        return {"warehouses": 0, "lots": 0, "inbound": 0, "history_days": 0}
    exported = by_tenant[exporters[0]][:4]
    imported = by_tenant[importers[0]][:4]
    return load_warehouses(
        service,
        exporters[0][0],
        [(str(p["sku"]), bool(p["perishable"])) for p in exported],
        importers[0][0],
        [(str(p["sku"]), str(p["origin_country"])) for p in imported],
        today,
        seed,
    )
