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
        "customs_unit": unit,
        "weight_kg": weight,
        "length_cm": length,
        "width_cm": width,
        "height_cm": height,
        "price": price,
        "currency": "USD" if c["direction"] == "export" else "CNY",
    }
