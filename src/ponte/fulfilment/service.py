"""The fulfilment choice's use cases: the options of a stored order, the choice made and recorded with the
order (and the warehouse stock it needs reserved), a tenant's rules and import facts, and the choice for a
file of Ponte's orders dataset.

Glue to the other capabilities: stock comes from the warehouses service (``stock_positions``, one site per
warehouse), air rates and transit days from logistics (its rate cards, else the schedule's cost per kg of the
cheapest itinerary), taxes from the duties engine. Each function stages its work in the caller's unit of work;
the caller commits.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ponte.duties import service as duties
from ponte.duties.context import FxSource
from ponte.duties.params import Rules
from ponte.fulfilment.batch import BatchChoices, choose_tables
from ponte.fulfilment.choose import choose as choose_core
from ponte.fulfilment.model import AirRate, Choice, FulfilmentError, ImportFacts, SellerRules, Site
from ponte.fulfilment.options import Inputs
from ponte.fulfilment.store import ChoiceRepository, FulfilmentChoice, SettingsRepository
from ponte.kernel.errors import PonteError, ValidationError, Violation
from ponte.kernel.money import check_currency
from ponte.logistics.network import Lanes
from ponte.logistics.rating import RateCard, load_rate_cards
from ponte.logistics.routes import cheapest, earliest_arrival
from ponte.logistics.uld import Flight
from ponte.orders import dataset
from ponte.orders import service as orders
from ponte.orders.core import Order
from ponte.platform.db import UnitOfWork
from ponte.reference.markets import market
from ponte.warehouses.core import StockPosition
from ponte.warehouses.service import WarehouseService

__all__ = [
    "Chosen",
    "Setup",
    "air_rates",
    "choose",
    "choose_file",
    "latest",
    "options",
    "options_of",
    "parse_imports",
    "put_settings",
    "read_stock",
    "release",
    "settings",
    "settings_view",
    "sites_of",
]


@dataclass(frozen=True)
class Setup:
    """What the choice needs beyond the database, built once by ``ponte.bootstrap``."""

    rules: Rules
    fx: FxSource | None
    lanes: Lanes
    air: Mapping[tuple[str, str], AirRate]
    warehouses: WarehouseService | None = None


def air_rates(flights: Sequence[Flight], lanes: Lanes, ready_at: datetime) -> dict[tuple[str, str], AirRate]:
    """Every lane the schedule serves: logistics' rate card where it has one (else a card at the cheapest
    itinerary's cost per kg), and the days from ``ready_at`` to the earliest arrival."""
    cards = {(c.origin, c.destination): c for c in load_rate_cards()}
    out: dict[tuple[str, str], AirRate] = {}
    for a, b in sorted(lanes.reachable):
        fastest = earliest_arrival(flights, a, b, ready_at)
        cheap = cheapest(flights, a, b, ready_at)
        if fastest is None or cheap is None:
            continue
        card = cards.get((a, b)) or RateCard(
            a, b, cheap.legs[0].carrier, cheap.legs[0].currency, Decimal(0), cheap.cost_per_kg, {},
            effective=cheap.departs.date(), source="logistics flight schedule: cheapest itinerary's cost per kg",
        )  # fmt: skip
        days = math.ceil((fastest.arrives - ready_at) / timedelta(days=1))
        out[(a, b)] = AirRate(card, days)
    return out


def sites_of(positions: Iterable[StockPosition]) -> list[Site]:
    """One site per warehouse (9810 overseas, 1210 bonded) with its available units per SKU; its time zone is
    its market's."""
    grouped: dict[str, list[StockPosition]] = {}
    for p in positions:
        if p.trade_mode in ("9810", "1210"):
            grouped.setdefault(p.warehouse_code, []).append(p)
    sites = []
    for code, rows in sorted(grouped.items()):
        first = rows[0]
        sites.append(
            Site(
                code, first.country, first.bonded, first.trade_mode, market(first.country).timezone,
                {r.sku: r.available for r in rows}, first.handling_days, first.cut_off_local,
            )
        )  # fmt: skip
    return sites


# settings ----------------------------------------------------------------------------------------------
def parse_imports(data: Any) -> dict[tuple[str, str], ImportFacts]:
    """``{country: {sku: {unit_value, currency, freight_per_unit, rates: {duty, ipi, vat}}}}``."""
    if not isinstance(data, Mapping):
        raise ValidationError(
            "a mapping of country to SKU to facts", field="imports", rule=FulfilmentError.IMPORT_FACTS
        )
    out = {}
    for country, skus in data.items():
        market(str(country), f"imports.{country}")
        if not isinstance(skus, Mapping):
            raise ValidationError(
                "a mapping of SKU to facts", field=f"imports.{country}", rule=FulfilmentError.IMPORT_FACTS
            )
        for sku, f in skus.items():
            where = f"imports.{country}.{sku}"
            if not isinstance(f, Mapping):
                raise ValidationError("an object of facts", field=where, rule=FulfilmentError.IMPORT_FACTS)
            try:
                facts = ImportFacts(
                    Decimal(str(f["unit_value"])),
                    check_currency(str(f["currency"]), f"{where}.currency"),
                    Decimal(str(f.get("freight_per_unit", "0"))),
                    {k: Decimal(str(v)) for k, v in (f.get("rates") or {}).items()},
                )
            except KeyError as exc:
                raise ValidationError(
                    f"{exc.args[0]} is required", field=f"{where}.{exc.args[0]}", rule="required"
                ) from None
            except InvalidOperation:
                raise ValidationError("amounts are decimal strings", field=where, rule="decimal") from None
            except PonteError as exc:
                raise ValidationError(exc.message, field=f"{where}.{exc.field}", rule=exc.rule) from None
            out[(str(country).upper(), str(sku))] = facts
    return out


def _imports_json(imports: Mapping[tuple[str, str], ImportFacts]) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    for (country, sku), f in sorted(imports.items()):
        out.setdefault(country, {})[sku] = {
            "unit_value": str(f.unit_value), "currency": f.currency, "freight_per_unit": str(f.freight_per_unit),
            "rates": {k: str(v) for k, v in f.rates.items()},
        }  # fmt: skip
    return out


def settings_view(uow: UnitOfWork, tenant_id: str) -> dict[str, Any]:
    rules, imports = settings(uow, tenant_id)
    return {"rules": rules.as_dict(), "imports": _imports_json(imports)}


def settings(uow: UnitOfWork, tenant_id: str) -> tuple[SellerRules, dict[tuple[str, str], ImportFacts]]:
    row = SettingsRepository(uow.session, tenant_id).get()
    if row is None:
        return SellerRules(), {}
    return SellerRules.of(row.frozen_rules), parse_imports(row.frozen_imports)


def put_settings(uow: UnitOfWork, tenant_id: str, data: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    """Check and store a tenant's rules and import facts, and commit (nothing is stored when one is wrong)."""
    unknown = sorted(set(data) - {"rules", "imports"})
    if unknown:
        raise ValidationError(f"unknown field {unknown[0]!r}", field=unknown[0], rule="unknown-field")
    rules = SellerRules.of(data.get("rules") or {})
    imports = parse_imports(data.get("imports") or {})
    SettingsRepository(uow.session, tenant_id).put(rules.as_dict(), _imports_json(imports), at)
    uow.commit()
    return {"rules": rules.as_dict(), "imports": _imports_json(imports)}


# the choice --------------------------------------------------------------------------------------------
def inputs_for(uow: UnitOfWork, order: Order, setup: Setup, *, never_split: bool = False) -> Inputs:
    rules, imports = settings(uow, order.tenant_id)
    if never_split:
        rules = replace(rules, never_split=True)
    positions = (
        setup.warehouses.stock_positions(order.tenant_id, sorted({ln.sku for ln in order.lines}))
        if setup.warehouses is not None
        else []
    )
    return Inputs(
        rules=setup.rules, fx=setup.fx, lanes=setup.lanes, air=setup.air, sites=tuple(sites_of(positions)),
        seller=rules, registrations=duties.registrations(uow, order.tenant_id), imports=imports,
    )  # fmt: skip


def options(uow: UnitOfWork, tenant_id: str, order_id: str, setup: Setup) -> Choice:
    """The stored order's options and the one its seller's rules would choose now (nothing is written)."""
    order = orders.load_order(uow, tenant_id, order_id)
    return choose_core(order, inputs_for(uow, order, setup))


@dataclass(frozen=True)
class Chosen:
    choice: Choice
    stored: FulfilmentChoice
    reservation_id: str | None


def choose(
    uow: UnitOfWork, tenant_id: str, order_id: str, setup: Setup, at: datetime, *, never_split: bool = False
) -> Chosen:
    """Choose for the stored order, reserve the warehouse stock a warehouse option needs (in the caller's unit
    of work) and record the choice with the order; an order with no option is refused with why."""
    order = orders.load_order(uow, tenant_id, order_id)
    choice = choose_core(order, inputs_for(uow, order, setup, never_split=never_split))
    if choice.chosen is None:
        raise _refusal(choice)
    reservation = None
    for leg in choice.chosen.legs:
        if leg.site is not None and setup.warehouses is not None:
            lines = [(ln.sku, ln.quantity) for ln in order.lines if ln.line_no in leg.line_nos]
            reservation = setup.warehouses.reserve(tenant_id, leg.site, order_id, lines, uow=uow).id
    frozen = choice.as_dict() | {"site": next((leg.site for leg in choice.chosen.legs if leg.site), None)}
    stored = ChoiceRepository(uow.session, tenant_id).add(order_id, frozen, at, reservation)
    return Chosen(choice, stored, reservation)


def _refusal(choice: Choice) -> ValidationError:
    """Why no option can be chosen: each option's own reasons (``rule:field``) when the law or the network
    refuses them all, else the seller's rule that leaves none."""
    if choice.reason != "none-allowed":
        return ValidationError(choice.why, field="fulfilment", rule=f"fulfilment-{choice.reason}")
    problems = []
    for option in choice.options:
        for reason in option.reasons or (f"fulfilment-{option.status}:",):
            rule, _, where = reason.partition(":")
            problems.append(Violation(where or "fulfilment", rule, f"{option.key}: {choice.why}"))
    return ValidationError.of(problems)


# files -------------------------------------------------------------------------------------------------
STOCK_COLUMNS = ("warehouse_code", "country", "bonded", "trade_mode", "sku", "available")


def read_stock(path: Path) -> list[Site]:
    """Stock positions from a CSV (``warehouse_code,country,bonded,trade_mode,sku,available`` and optionally
    ``handling_days,cut_off_local``), as the warehouses service gives them; a bad row names its line."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read {path}: {exc}", field="--stock", rule="readable") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = [c for c in STOCK_COLUMNS if rows and c not in rows[0]]
    if missing or not rows:
        raise ValidationError(
            f"a stock file has the columns {', '.join(STOCK_COLUMNS)}", field="--stock", rule="stock-columns"
        )
    positions = []
    for n, r in enumerate(rows, start=2):
        try:
            available = int(r["available"])
            days = int(r.get("handling_days") or 1)
            cut = time.fromisoformat(r["cut_off_local"]) if r.get("cut_off_local") else None
        except ValueError:
            raise ValidationError(
                "available and handling_days are whole numbers, cut_off_local HH:MM",
                field=f"--stock:{n}", rule="stock-row",
            ) from None  # fmt: skip
        if available < 0:
            raise ValidationError(
                "stock is never negative", field=f"--stock:{n}.available", rule=FulfilmentError.STOCK
            )
        country = market(r["country"], f"--stock:{n}.country").country
        positions.append(
            StockPosition(
                r["warehouse_code"], "", country, r["bonded"].strip().lower() in ("1", "true", "yes"),
                r["trade_mode"], r["sku"], available, days, cut, market(country).currency,
            )
        )  # fmt: skip
    return sites_of(positions)


def choose_file(
    path: Path, setup: Setup, *, sites: Sequence[Site] = (), data: Mapping[str, Any] | None = None
) -> BatchChoices:
    """The choice of every order of a file of Ponte's orders dataset (the batch path), against ``sites``
    and the rules and import facts in ``data`` (the body of ``PUT /fulfilment/settings``)."""
    if not path.exists():
        raise ValidationError(f"{path} does not exist", field="ORDERS", rule="readable")
    data = data or {}
    rules = SellerRules.of(data.get("rules") or {})
    imports = parse_imports(data.get("imports") or {})
    inputs = Inputs(setup.rules, setup.fx, setup.lanes, setup.air, tuple(sites), rules, imports=imports)
    return choose_tables(dataset.read_tables(path), inputs)


def options_of(uow: UnitOfWork, tenant_id: str, order_ids: Sequence[str], setup: Setup) -> list[Choice]:
    """The options and the choice of stored orders (nothing is written)."""
    return [options(uow, tenant_id, i, setup) for i in order_ids]


def release(uow: UnitOfWork, tenant_id: str, order_id: str, setup: Setup) -> str | None:
    """Give back the warehouse stock the order's choice reserved (an order cancelled before it left); the
    reservation's id, or None when it held none."""
    stored = latest(uow, tenant_id, order_id)
    if stored is None or stored.reservation_id is None or setup.warehouses is None:
        return None
    setup.warehouses.release(tenant_id, stored.reservation_id, uow=uow)
    return stored.reservation_id


def latest(uow: UnitOfWork, tenant_id: str, order_id: str) -> FulfilmentChoice | None:
    return ChoiceRepository(uow.session, tenant_id).latest(order_id)
