"""Replenishment: per SKU and warehouse, the demand the orders put on it (its reservations, day by day), a
forecast, the safety stock for a service level over the first leg's lead time, and the suggested shipment
with its cost: the freight of the first leg and the duties of the import under the warehouse's regime, quoted
by the duties capability."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ponte.catalog import service as catalog
from ponte.duties import service as duties
from ponte.duties.params import default_rules
from ponte.kernel import package_data
from ponte.kernel.errors import ValidationError
from ponte.warehouses.core import available_now
from ponte.warehouses.forecast import Backtest, backtest, forecast
from ponte.warehouses.replenish import Policy, order_quantity, safety_stock
from ponte.warehouses.service_base import ServiceBase, local_day
from ponte.warehouses.store.repository import WarehouseRepository
from ponte.warehouses.store.tables import Warehouse
from ponte.warehouses.views import Suggestion

__all__ = ["FirstLeg", "ReplenishmentService", "first_leg"]

CENT = Decimal("0.01")


@dataclass(frozen=True)
class FirstLeg:
    origin: str
    destination: str
    mode: str
    lead_days: int
    rate_per_kg: Decimal
    minimum: Decimal
    currency: str

    def freight(self, kg: Decimal) -> Decimal:
        return max(self.minimum, (kg * self.rate_per_kg)).quantize(CENT, ROUND_HALF_UP)


def first_leg(origin: str, destination: str, mode: str) -> FirstLeg:
    for row in package_data.load_yaml("ponte.warehouses", "first_legs.yaml")["legs"]:
        if (row["origin"], row["destination"], row["mode"]) == (origin, destination, mode):
            return FirstLeg(
                origin,
                destination,
                mode,
                int(row["lead_days"]),
                Decimal(row["rate_per_kg"]),
                Decimal(row["minimum"]),
                row["currency"],
            )
    raise ValidationError(
        f"no {mode} first leg from {origin} to {destination} in the rate card",
        field="mode",
        rule="first-leg-known",
    )


def _regime(trade_mode: str, country: str) -> dict[str, Any]:
    table = package_data.load_yaml("ponte.warehouses", "import_regimes.yaml")["regimes"]
    found = table.get(trade_mode, {}).get(country)
    if found is None:
        raise ValidationError(
            f"no import regime for a {trade_mode} warehouse in {country}",
            field="warehouse",
            rule="regime-known",
        )
    return dict(found)


def _check_level(service_level: float) -> float:
    if not 0.5 <= service_level < 1:
        raise ValidationError(
            "a service level is at least 0.5 and below 1 (e.g. 0.95)", field="service_level", rule="range"
        )
    return service_level


class ReplenishmentService(ServiceBase):
    def demand_history(self, tenant_id: str, warehouse_code: str, days: int = 120) -> dict[str, list[int]]:
        """Per SKU, units the orders reserved at this warehouse on each of the last ``days`` local days (0 on a
        day without orders), oldest first, ending yesterday."""
        at = self.clock.now()
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code)
            return self._history(repo, w, local_day(w, at), days)

    @staticmethod
    def _history(repo: WarehouseRepository, w: Warehouse, today: date, days: int) -> dict[str, list[int]]:
        start = today - timedelta(days=days)
        out: dict[str, list[int]] = {}
        for sku, day, n in repo.shipped_per_day(w.id):
            if start <= day < today:
                out.setdefault(sku, [0] * days)[(day - start).days] += n
        return out

    def backtest(self, tenant_id: str, warehouse_code: str, horizon: int = 14, windows: int = 4) -> Backtest:
        """The forecast against naive and seasonal-naive on this warehouse's own demand history."""
        return backtest(self.demand_history(tenant_id, warehouse_code), horizon=horizon, windows=windows)

    def replenishment(
        self,
        tenant_id: str,
        warehouse_code: str | None = None,
        service_level: float = 0.95,
        review_days: int = 7,
        mode: str | None = None,
        history_days: int = 120,
    ) -> list[Suggestion]:
        """Per warehouse and SKU with demand: the shipment to send now (0 when stock and what is on the way
        suffice), by the first leg's mode (sea unless ``mode``; air for perishables' chilled lots is the
        seller's choice), with its freight and duties."""
        _check_level(service_level)
        if review_days < 1:
            raise ValidationError("a review period is at least a day", field="review_days", rule="range")
        at = self.clock.now()
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            rows = [repo.warehouse(warehouse_code)] if warehouse_code else repo.warehouses()
            plans = []
            for w in rows:
                today = local_day(w, at)
                history = self._history(repo, w, today, history_days)
                if not history:
                    continue
                products = catalog.rows_by_sku(u, tenant_id, list(history))
                stock = repo.stock([w.id], list(history))
                inbound: dict[str, int] = {}
                for row in repo.inbounds([w.id], status=["announced"]):
                    for line in row.lines:
                        inbound[str(line["sku"])] = inbound.get(str(line["sku"]), 0) + int(
                            str(line["quantity"])
                        )
                plans.append((w, today, history, products, stock, inbound))
        out: list[Suggestion] = []
        for w, today, history, products, stock, inbound in plans:
            legs = {}
            for sku in history:
                product = products.get(sku)
                origin = (product.origin_country if w.trade_mode == "1210" and product else "CN") or "CN"
                legs[sku] = first_leg(origin, w.country, mode or "sea")
            horizon = max(leg.lead_days for leg in legs.values()) + review_days
            predicted = forecast(history, horizon)
            for sku in sorted(history):
                leg, f = legs[sku], predicted[sku]
                policy = Policy(leg.lead_days, review_days, service_level)
                up_to = policy.order_up_to(f.mean, f.sigma, f.residuals, f.spread)
                available = available_now([s for s in stock if s.sku == sku], today)
                qty = order_quantity(up_to, available, inbound.get(sku, 0))
                out.append(
                    self._costed(
                        w,
                        sku,
                        products.get(sku),
                        leg,
                        policy,
                        f.total / max(len(f.mean), 1),
                        f.sigma,
                        safety_stock(
                            f.sigma, leg.lead_days, review_days, service_level, f.residuals, f.spread
                        ),
                        up_to,
                        available,
                        inbound.get(sku, 0),
                        qty,
                        today,
                    )
                )
        return out

    def _costed(
        self,
        w: Warehouse,
        sku: str,
        product: Any,
        leg: Any,
        policy: Policy,
        daily: float,
        sigma: float,
        ss: float,
        up_to: float,
        available: int,
        inbound: int,
        qty: int,
        today: date,
    ) -> Suggestion:
        base = dict(
            warehouse_code=w.code,
            sku=sku,
            mode=leg.mode,
            lead_days=leg.lead_days,
            review_days=policy.review_days,
            service_level=policy.service_level,
            daily_forecast=round(daily, 3),
            sigma_daily=round(sigma, 3),
            safety_stock=math.ceil(ss),
            order_up_to=math.ceil(up_to),
            available=available,
            inbound=inbound,
            quantity=qty,
        )
        if product is None or qty == 0:
            note = "" if qty == 0 else "not in the catalogue: no weight or value to cost"
            return Suggestion(
                **base,
                weight_kg=None,
                currency=None,
                goods_value=None,
                freight=None,
                duties=None,
                duty_regime=None,
                duty_note=note,
                total_cost=None,
            )  # type: ignore[arg-type]
        kg = (Decimal(product.weight_kg) * qty).quantize(Decimal("0.001"))
        freight = leg.freight(kg)
        currency = leg.currency
        value = (Decimal(product.price) * qty).quantize(CENT)
        if product.currency != currency:
            raise ValidationError(
                f"{sku} is priced in {product.currency}, the first leg in {currency}",
                field="currency",
                rule="same-currency",
            )
        regime = _regime(w.trade_mode, w.country)
        request: dict[str, Any] = {
            "destination": w.country,
            "origin": product.origin_country or "CN",
            "date": today.isoformat(),
            "currency": currency,
            "buyer": {"kind": regime["buyer"]},
        }
        item = {"description": sku, "hs_code": product.hs_code or "", "category": product.category}
        if regime.get("per_parcel"):
            # bonded: nothing is paid at entry; the CBEC import taxes fall on each parcel as it leaves the zone
            request |= {
                "channel": regime["channel"],
                "items": [{**item, "quantity": 1, "unit_price": str(product.price)}],
            }
            quote = duties.quote_request(request, rules=self.rules or default_rules(), fx=self.fx)
            tax = Decimal(quote["total_tax"]["amount"]) * qty
            note = "suspended at entry into the bonded zone; paid parcel by parcel at sale (1210)"
        else:
            share = (freight / qty).quantize(Decimal("0.0001"))
            request |= {
                "regime": regime["regime"],
                "freight": str(freight),
                "items": [{**item, "quantity": qty, "unit_price": str(product.price)}],
            }
            quote = duties.quote_request(request, rules=self.rules or default_rules(), fx=self.fx)
            tax = Decimal(quote["total_tax"]["amount"])
            note = (
                f"import in bulk before sale ({quote['regime']}, {quote['treatment']}); freight {share}/unit"
            )
        tax = tax.quantize(CENT)
        return Suggestion(
            **base,
            weight_kg=str(kg),
            currency=currency,
            goods_value=str(value),
            freight=str(freight),  # type: ignore[arg-type]
            duties=str(tax),
            duty_regime=str(quote["regime"]),
            duty_note=note,
            total_cost=str(freight + tax),
        )
