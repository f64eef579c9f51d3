"""Buyers across the corridor's markets, in bulk: names, valid tax IDs, addresses, phones."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.simulate import taxids
from ponte.simulate.columns import ascii_strings, fill_pattern, join, load_data, numbered, pick

# scheme and generator of the number an individual buyer gives at checkout, per market
_INDIVIDUAL: dict[str, tuple[str, Callable[[np.random.Generator, int], np.ndarray]]] = {
    "BR": ("br.cpf", taxids.cpf),
    "MX": ("mx.rfc", taxids.rfc_person),
    "CL": ("cl.rut", taxids.rut),
    "CO": ("co.nit", taxids.nit),
    "PE": ("pe.ruc", taxids.ruc_person),
    "AR": ("ar.cuit", taxids.cuit_person),
    "PT": ("pt.nif", taxids.nif_pt),
    "ES": ("es.nif", taxids.dni_es),
    "MO": ("mo.bir", taxids.bir_mo),
}
BUSINESS_SHARE_BR = 0.06  # Brazilian buyers with a CNPJ (small shops reselling)


def export_market_shares() -> tuple[list[str], np.ndarray]:
    markets = load_data("people.yaml")["markets"]
    codes = [c for c, m in markets.items() if m["share"] > 0]
    weights = np.array([markets[c]["share"] for c in codes], dtype=float)
    return codes, weights / weights.sum()


def build_buyers(
    rng: np.random.Generator, seed: int, tenant_ids: list[str], kinds: list[str], counts: np.ndarray
) -> pa.Table:
    """``counts[i]`` buyers for seller ``i``; exporters sell abroad, importers to buyers in China."""
    n = int(counts.sum())
    owner = np.repeat(np.arange(len(counts)), counts)
    is_import = np.array([k == "import" for k in kinds])[owner]
    codes, shares = export_market_shares()
    country_idx = rng.choice(len(codes), size=n, p=shares)
    country = np.array([*codes, "CN"])[np.where(is_import, len(codes), country_idx)]
    people = load_data("people.yaml")
    cols: dict[str, list[pa.Array]] = {k: [] for k in ("name", "kind", "scheme", "tax", "phone", "street",
                                                        "city", "region", "postal")}  # fmt: skip
    order = []
    for code in [*codes, "CN"]:
        rows = np.flatnonzero(country == code)
        if len(rows) == 0:
            continue
        order.append(rows)
        _market_columns(rng, code, len(rows), people, cols)
    rows = np.concatenate(order)
    inverse = np.empty(n, dtype=np.int64)
    inverse[rows] = np.arange(n)
    idx = pa.array(inverse)

    def col(key: str) -> pa.Array:
        return pc.take(pa.concat_arrays(cols[key]), idx)

    return pa.table(
        {
            "id": numbered(f"buy_sim{seed}_", np.arange(n), 8),
            "tenant_id": pc.take(pa.array(tenant_ids), pa.array(owner)),
            "country": pa.array(country.astype(str)),
            "kind": col("kind"),
            "name": col("name"),
            "tax_id_kind": col("scheme"),
            "tax_id": col("tax"),
            "phone": col("phone"),
            "street": col("street"),
            "city": col("city"),
            "region": col("region"),
            "postal_code": col("postal"),
        }
    )


def _market_columns(
    rng: np.random.Generator, code: str, n: int, people: dict, cols: dict[str, list[pa.Array]]
) -> None:
    m = people["markets"][code]
    first = pick(m["first"], rng.integers(0, len(m["first"]), n))
    last = pick(m["last"], rng.integers(0, len(m["last"]), n))
    if code in ("CN", "MO"):
        latin = pc.match_substring_regex(first, "^[A-Za-z]")
        name = pc.if_else(latin, join(first, last, sep=" "), join(last, first))
    else:
        second = pick(m["last"], rng.integers(0, len(m["last"]), n))
        name = join(first, last, second, sep=" ")
    kind = np.full(n, "individual", dtype=object)
    if code == "CN":
        scheme = np.full(n, "cn.ric", dtype=object)
        tax = ascii_strings(taxids.ric_cn(rng, n, people["cn_id_regions"]))
    else:
        scheme_name, make = _INDIVIDUAL[code]
        scheme = np.full(n, scheme_name, dtype=object)
        tax_list = [ascii_strings(make(rng, n))]
        if code == "BR":
            business = rng.random(n) < BUSINESS_SHARE_BR
            cnpj = ascii_strings(taxids.cnpj(rng, n))
            tax_list = [pc.if_else(pa.array(business), cnpj, tax_list[0])]
            scheme[business] = "br.cnpj"
            kind[business] = "business"
        tax = tax_list[0]
    calling, pattern = m["phone"]
    phone = join(calling, ascii_strings(fill_pattern(rng, pattern, n)), sep=" ")
    street_no = pa.array(rng.integers(1, 2000, n).astype(str))
    street_name = pick(m["streets"], rng.integers(0, len(m["streets"]), n))
    if code == "CN":
        street = join(street_name, street_no, "号")
    elif code == "MO":
        street = join(street_name, street_no, sep=" ")
    else:
        street = join(street_name, street_no, sep=", ")
    city_idx = rng.integers(0, len(m["cities"]), n)
    postal_parts = []
    for i, (_, _, pattern) in enumerate(m["cities"]):
        sel = city_idx == i
        postal_parts.append((np.flatnonzero(sel), ascii_strings(fill_pattern(rng, pattern, int(sel.sum())))))
    rows = np.concatenate([r for r, _ in postal_parts])
    back = np.empty(n, dtype=np.int64)
    back[rows] = np.arange(n)
    postal = pc.take(pa.concat_arrays([a for _, a in postal_parts]), pa.array(back))
    cols["name"].append(name)
    cols["kind"].append(pa.array(kind.astype(str)))
    cols["scheme"].append(pa.array(scheme.astype(str)))
    cols["tax"].append(tax)
    cols["phone"].append(phone)
    cols["street"].append(street)
    cols["city"].append(pick([c[0] for c in m["cities"]], city_idx))
    cols["region"].append(pick([c[1] for c in m["cities"]], city_idx))
    cols["postal"].append(postal)
