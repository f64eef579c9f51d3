"""Order CSV files for the bulk import tests: seeded, over every market the simulator's buyers live in."""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from functools import cache
from typing import Any

from ponte.orders.csv_upload import COLUMNS
from ponte.simulate import simulate

#: The products both tenants of a test sell (SKU, price, HS code, weight).
PRODUCTS = (("LIP-001", "9.90", "330410", "0.120"), ("MASK-1", "24.00", "330499", "0.300"),
            ("PHONE-9", "480.00", "851762", "0.450"))  # fmt: skip


def product(sku: str, price: str, hs: str, weight: str) -> dict[str, Any]:
    return {
        "sku": sku, "titles": {"en": f"Product {sku}", "zh-CN": "商品"}, "category": "beauty", "hs_code": hs,
        "origin_country": "CN", "weight_kg": weight, "length_cm": "10", "width_cm": "3", "height_cm": "3",
        "price": price, "currency": "USD",
    }  # fmt: skip


@cache
def buyers() -> tuple[dict[str, Any], ...]:
    """Simulated buyers with real check digits and postal codes, several per market (China excepted)."""
    tables = simulate(17, 300, date(2026, 3, 2), 3, 2)
    return tuple(b for b in tables.buyers.to_pylist() if b["country"] != "CN")


def rows(seed: int, orders: int, prefix: str = "BULK", markets: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """``orders`` orders of 1 to 3 lines, buyers drawn with repeats (returning buyers), prices from the
    catalogue or the file, freight or none; buyers of ``markets`` only when given."""
    rnd = random.Random(seed)
    people = tuple(b for b in buyers() if not markets or b["country"] in markets)
    out = []
    for n in range(orders):
        b = rnd.choice(people[: max(3, len(people) // 3)]) if rnd.random() < 0.4 else rnd.choice(people)
        freight = rnd.choice(["", "0", "4.50", "12.5", "30"])
        for sku, price, _, _ in rnd.sample(PRODUCTS, rnd.randint(1, 3)):
            unit = rnd.choice(["", "", price, f"{rnd.randint(1, 90000) / 100:.2f}"])
            out.append(
                {
                    "external_ref": f"{prefix}-{seed}-{n:05d}", "destination": b["country"],
                    "destination_region": b["region"] or "", "currency": "USD", "trade_mode": "9610",
                    "freight": freight, "buyer_name": b["name"], "buyer_tax_id": b["tax_id"],
                    "buyer_tax_id_kind": b["tax_id_kind"], "buyer_phone": b["phone"] or "",
                    "buyer_email": b["email"] or "", "address_line1": b["street"], "address_city": b["city"],
                    "address_region": b["region"] or "", "address_postal_code": b["postal_code"] or "",
                    "sku": sku, "quantity": str(rnd.randint(1, 6)), "unit_price": unit,
                }
            )  # fmt: skip
    return out


def to_csv(records: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8")
