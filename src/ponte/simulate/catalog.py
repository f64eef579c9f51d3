"""The simulated park: sellers (tenants), their booths and their products."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from ponte.kernel.languages import LANGUAGES
from ponte.simulate import taxids
from ponte.simulate.columns import ascii_strings, load_data

_ZH_NAME = ["华", "盛", "远", "联", "信", "通", "达", "锦", "鸿", "泰", "宏", "瑞", "博", "嘉", "创", "优"]
_EN_NAME = ["Hua", "Sheng", "Yuan", "Lian", "Xin", "Tong", "Da", "Jin", "Hong", "Tai", "Hong", "Rui", "Bo", "Jia",
            "Chuang", "You"]  # fmt: skip
_ZH_TRADE = {"export": ("深圳市", "电子商务有限公司", "E-commerce Co., Ltd."),
             "import": ("广州市", "进出口贸易有限公司", "Import & Export Co., Ltd.")}  # fmt: skip


def categories() -> dict[str, dict[str, Any]]:
    cats: dict[str, dict[str, Any]] = load_data("catalog.yaml")["categories"]
    return cats


def build_park(rng: np.random.Generator, seed: int, n_sellers: int) -> dict[str, pa.Table]:
    """Sellers, booths and products. About one seller in five imports into China."""
    cats = categories()
    exports = [k for k, c in cats.items() if c["direction"] == "export"]
    imports = [k for k, c in cats.items() if c["direction"] == "import"]
    n_import = max(1, round(n_sellers * 0.2)) if n_sellers > 1 else 0
    kinds = ["export"] * (n_sellers - n_import) + ["import"] * n_import
    ussc = ascii_strings(taxids.uscc(rng, n_sellers)).to_pylist()
    sellers: list[dict[str, Any]] = []
    booths: list[dict[str, Any]] = []
    products: list[dict[str, Any]] = []
    booth_no: dict[str, int] = {}
    for i, kind in enumerate(kinds):
        sid = f"ten_sim{seed}_{i:04d}"
        pool = exports if kind == "export" else imports
        own = list(rng.choice(pool, size=min(len(pool), 1 + int(rng.integers(0, 2))), replace=False))
        a, b = rng.integers(0, len(_ZH_NAME), 2)
        city, zh_suffix, en_suffix = _ZH_TRADE[kind]
        sellers.append(
            {
                "id": sid,
                "name": f"{city}{_ZH_NAME[a]}{_ZH_NAME[b]}{zh_suffix}",
                "name_en": f"{'Shenzhen' if kind == 'export' else 'Guangzhou'} {_EN_NAME[a]}{_EN_NAME[b].lower()} "
                f"{en_suffix}",
                "kind": kind,
                "uscc": ussc[i],
                "categories": own,
                "popularity": float(rng.pareto(1.2) + 1.0),
            }
        )
        for j in range(1 + int(rng.random() < 0.3)):
            hall = cats[own[j % len(own)]]["hall"]
            booth_no[hall] = booth_no.get(hall, 0) + 1
            booths.append(
                {
                    "id": f"bth_sim{seed}_{len(booths):05d}",
                    "tenant_id": sid,
                    "code": f"{hall}-{booth_no[hall]:03d}",
                    "hall": hall,
                    "categories": own,
                }
            )
        for k in range(int(rng.integers(8, 25))):
            products.append(_product(rng, seed, sid, own[k % len(own)], cats, len(products)))
    return {
        "sellers": pa.Table.from_pylist(sellers),
        "booths": pa.Table.from_pylist(booths),
        "products": pa.Table.from_pylist(products),
    }


def _product(
    rng: np.random.Generator, seed: int, tenant: str, cat: str, cats: dict[str, Any], index: int
) -> dict[str, Any]:
    c = cats[cat]
    key, hs6, kg, dims, lo, hi, unit, *titles = c["templates"][int(rng.integers(0, len(c["templates"])))]
    variants = c["variants"]
    v = variants[int(rng.integers(0, len(variants)))]
    origin = "CN" if c["direction"] == "export" else c["origins"][int(rng.integers(0, len(c["origins"])))]
    weight = Decimal(str(round(float(kg) * float(rng.uniform(0.85, 1.15)), 3)))
    length, width, height = (Decimal(x) for x in dims.split("x"))
    cents = int(rng.uniform(float(lo), float(hi)) * 100)
    price = (Decimal(cents - cents % 10 + 9) / 100) if c["direction"] == "export" else Decimal(cents // 100)
    return {
        "id": f"prd_sim{seed}_{index:06d}",
        "tenant_id": tenant,
        "sku": f"{key.upper()}-{index:06d}",
        "titles": dict(zip(LANGUAGES, (f"{t} {vt}" for t, vt in zip(titles, v, strict=True)), strict=True)),
        "category": cat,
        "direction": c["direction"],
        "hs_code": hs6,
        "origin_country": origin,
        "weight_kg": weight,
        "length_cm": length,
        "width_cm": width,
        "height_cm": height,
        "price": price,
        "currency": "USD" if c["direction"] == "export" else "CNY",
        **_customs(key, unit, titles[0], c["direction"], index),
        **_handling(key),
    }


def _customs(key: str, unit: str, zh_name: str, direction: str, index: int) -> dict[str, Any]:
    """China customs data of a simulated product; legal quantities follow its final weight
    (see ``legal_quantities``)."""
    code, unit1, unit2 = load_data("catalog.yaml")["china"][key]
    # declaration elements: brand type | export preference | use | brand | model
    brand_type, preference = ("0", "0") if direction == "export" else ("4", "3")
    return {
        "cn_code": code,
        "cn_name": zh_name,
        "cn_elements": f"{brand_type}|{preference}|{zh_name}|无品牌|{key.upper()}-{index:06d}",
        "cn_unit": unit,
        "cn_unit1": unit1,
        "cn_qty1": None,
        "cn_unit2": unit2,
        "cn_qty2": None,
        "cn_record_no": f"{index + 1:05d}" if direction == "import" else None,
        "barcode": None,
        "tariff_codes": "{}",
    }


_NO_HANDLING = {
    "battery": None,
    "battery_packing": None,
    "battery_wh": None,
    "lithium_g": None,
    "dry_ice_kg": None,
    "perishable": False,
    "temperature": "ambient",
}


def _handling(key: str) -> dict[str, Any]:
    given = load_data("catalog.yaml")["handling"].get(key, {})
    out = {**_NO_HANDLING, **given}
    for name in ("battery_wh", "lithium_g", "dry_ice_kg"):
        if out[name] is not None:
            out[name] = Decimal(str(out[name]))
    return out


def legal_quantities(products: pa.Table, weight_kg: pa.Array) -> pa.Table:
    """Fill the legal quantities per unit: kilograms (035) are the unit's net weight, litres (095) come
    from the template, any other legal unit counts one per unit."""
    data = load_data("catalog.yaml")
    litres = {k: Decimal(v) for k, v in data["litres"].items()}
    keys = [sku.rsplit("-", 1)[0].lower() for sku in products["sku"].to_pylist()]
    weights = weight_kg.to_pylist()

    def qty(unit: str | None, key: str, kg: Decimal) -> Decimal | None:
        if unit is None:
            return None
        return kg if unit == "035" else litres[key] if unit == "095" else Decimal(1)

    columns = {}
    for name, unit_col in (("cn_qty1", "cn_unit1"), ("cn_qty2", "cn_unit2")):
        units = products[unit_col].to_pylist()
        values = [qty(u, k, w) for u, k, w in zip(units, keys, weights, strict=True)]
        columns[name] = pa.array(values, pa.decimal128(18, 6))
    for name, array in columns.items():
        products = products.set_column(products.schema.get_field_index(name), name, array)
    return products
