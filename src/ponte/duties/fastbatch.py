"""Exact vectorised quoting of the main ad valorem regimes (Brazil RTS, Mexico courier, Peru EER).

Rows whose quoting context (market, region, date, currencies, flags ...)
selects one of these regimes with plain goods are computed over whole numpy
arrays in integer minor units (int64 cents), rounding each line half up as
the scalar engine does (``floor((2·N + D) / (2·D))`` for a non-negative
fraction N/D), in the same order: Brazil's ICMS is grossed up on the
rounded duty. Every other row (other markets, other currencies, medicines,
excluded goods, more than two decimals, rounding other than half up,
amounts above USD 1,000,000,000, any error) is left to the scalar engine;
``fast_quote`` says which rows it covered. tests/duties/test_duties_fastbatch.py
checks, on random inputs, that every line equals the scalar engine's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.duties import fastlowvalue as lv
from ponte.duties import fastregimes as xr
from ponte.duties.context import Ctx, FxSource
from ponte.duties.fastplans import SCALE, Plan, plan_br, plan_mx, plan_pe
from ponte.duties.model import parse_request
from ponte.duties.params import Rules
from ponte.duties.regimes.common import channel
from ponte.duties.rows import ITEM_FACTS, row_request
from ponte.kernel.money import minor_units

__all__ = ["CONTEXT", "FastResult", "Plan", "fast_quote", "plan_for"]

#: Columns that vary per row inside one quoting context.
VALUES = ("unit_price", "quantity", "freight", "insurance", "discount")
#: Columns that fix the context (regime, parameters); others are ignored by the fast path.
CONTEXT = (
    "destination",
    "destination_region",
    "origin",
    "date",
    "currency",
    "tax_currency",
    "category",
    "hs_code",
    "regime",
    "remessa_conforme",
    "ioss",
    "sii_registered",
    "buyer_kind",
    "annual_cbec_used",
    "annual_allowance_used",
    "shipments_this_year",
    "channel",
    "net_quantity",
    "net_quantity_unit",
    *ITEM_FACTS,
)
#: Markets whose rows always go to the scalar engine (their distinct inputs quoted once each): none
#: now; the six newer markets are vectorised in ``fastlowvalue``. bench/quotes.py reports the share
#: of rows that leave the vectorised path.
SCALAR_MARKETS: frozenset[str] = frozenset()
_PLAIN = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,15})?$")
MAX_CENTS = 100_000_000_000  # USD 1e9: keeps every product below 2**63
KINDS = ("", "br", "mx", "pe", "cl", "co", "eu", "cn", "ar", "mo", "uy", "ec", "do", "py", "cr/gt")
REGIMES = ("", "br.rts", "mx.courier", "pe.eer", *xr.REGIMES, *lv.REGIMES)
TREATMENTS = (
    "rts_remessa_conforme_low_band",
    "rts_remessa_conforme_high_band",
    "rts_general",
    "exempt",
    "global_rate",
    "simplified",
    *xr.TREATMENTS,
    *lv.TREATMENTS,
)
_XPLANS = {
    "CL": xr.plan_cl,
    "CO": xr.plan_co,
    "PT": xr.plan_eu,
    "ES": xr.plan_eu,
    "CN": xr.plan_cn,
    "AR": xr.plan_ar,
    "MO": xr.plan_mo,
    "UY": lv.plan_uy,
    "EC": lv.plan_ec,
    "DO": lv.plan_do,
    "PY": lv.plan_py,
    "CR": lv.plan_small,
    "GT": lv.plan_small,
}


def _request(context: dict[str, str]) -> dict[str, Any]:
    return row_request({**context, "unit_price": "0", "quantity": "1"})


def plan_for(context: dict[str, str], rules: Rules, fx: FxSource | None = None) -> Plan | xr.XPlan | None:
    """The plan of one context, or None when the scalar engine must quote its rows.

    BR, MX, PE: prices, limits and lines are all in USD, so explicit `fx_*` columns change nothing.
    CL, CO, PT, ES, CN, AR, MO: lines in the price currency; limits through the engine's rates (`fx`)."""
    dest = context.get("destination", "")
    if dest in SCALAR_MARKETS:
        return None  # no vectorised plan for these markets yet: the scalar engine quotes them
    if any(context.get(k, "") for k in ITEM_FACTS):
        return None  # item rates, preferences and an own origin: the scalar engine
    chan = context.get("channel", "")
    if chan not in ("", "courier", "postal") or (chan and dest in ("CN", "AR")):
        return None  # China's and Argentina's channels choose their regime: the scalar engine
    if dest in _XPLANS:
        return _xplan(context, rules, fx)
    if dest not in ("BR", "MX", "PE") or context.get("currency") != "USD":
        return None
    if context.get("tax_currency", "") not in ("", "USD") or context.get("origin", "") not in ("", "CN"):
        return None
    if context.get("category", "") not in ("", "general") or context.get("buyer_kind", "") not in (
        "",
        "individual",
    ):
        return None
    try:
        req = parse_request(_request(context))
        ctx = Ctx(req, rules, None, dest)
        ctx.check_region()
        channel(ctx)
        if ctx.rounding != "ROUND_HALF_UP" or ctx.currency != "USD":
            return None
        if dest == "BR":
            return plan_br(ctx, context)
        if dest == "PE":
            return plan_pe(ctx, context)
        return plan_mx(ctx, context)
    except Exception:  # anything unusual: the scalar engine gives the answer or the error
        return None


def _xplan(context: dict[str, str], rules: Rules, fx: FxSource | None) -> xr.XPlan | None:
    cur = context.get("currency", "")
    if context.get("tax_currency", "") not in ("", cur) or context.get("regime", ""):
        return None
    try:
        if minor_units(cur) != 2:
            return None
        dest = context["destination"]
        ctx = Ctx(parse_request(_request(context)), rules, fx, dest)
        ctx.check_region()
        channel(ctx)
        if ctx.rounding != "ROUND_HALF_UP":
            return None
        return _XPLANS[dest](ctx)
    except Exception:  # anything unusual: the scalar engine gives the answer or the error
        return None


def _half_up(num: np.ndarray, den: np.ndarray | int) -> np.ndarray:
    """Round num/den half up to an integer (num >= 0, den > 0)."""
    return (2 * num + den) // (2 * den)


@dataclass
class FastResult:
    covered: np.ndarray  # bool per row
    kind: np.ndarray  # index in KINDS
    regime: np.ndarray  # index in REGIMES
    treatment: np.ndarray  # index in TREATMENTS (-1: not covered)
    lines: dict[str, np.ndarray]  # kind -> amount in cents (-1: no such line)
    value: np.ndarray  # goods + freight + insurance, cents
    allowed: np.ndarray  # bool: neither blocked nor missing a fact
    complete: np.ndarray  # bool
    blocked: np.ndarray  # bool: refused by the regime (no total to pay)

    @property
    def total_tax(self) -> np.ndarray:
        return sum((np.where(a >= 0, a, 0) for a in self.lines.values()), np.zeros_like(self.value))


def _parse_cents(column: pa.ChunkedArray | pa.Array, places: int) -> np.ndarray:
    """Each distinct text parsed once with Decimal; -1 where it is not a plain amount."""
    encoded = pc.dictionary_encode(pc.fill_null(column.cast(pa.string()), "")).combine_chunks()
    parsed = np.full(len(encoded.dictionary), -1, dtype=np.int64)
    for i, text in enumerate(encoded.dictionary.to_pylist()):
        if text == "" and places == 2:
            parsed[i] = 0
            continue
        if not _PLAIN.match(str(text)) or (places == 0 and not str(text).isdigit()):
            continue
        try:
            value = Decimal(str(text))
        except InvalidOperation:
            continue
        if not value.is_finite() or value < 0:
            continue
        scaled = value.scaleb(places)
        if scaled == scaled.to_integral_value() and scaled < MAX_CENTS:
            parsed[i] = int(scaled)
    return parsed[encoded.indices.to_numpy(zero_copy_only=False)]


def fast_quote(table: pa.Table, rules: Rules, fx: FxSource | None = None) -> FastResult:
    """Quote the rows the fast path covers; `covered` marks them.

    `fx` is the scalar engine's rate source; each (pair, date) is asked once."""
    n = table.num_rows
    cols = [c for c in CONTEXT if c in table.column_names] + sorted(
        c for c in table.column_names if c.startswith("fx_")
    )
    filled = [pc.fill_null(table[c].cast(pa.string()), "") for c in cols]
    joined = pc.binary_join_element_wise(*filled, "\x1f") if filled else pa.array([""] * n)
    encoded = pc.dictionary_encode(joined).combine_chunks()
    group = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    cached = xr.CachedFx(fx) if fx is not None else None
    plans = [
        plan_for(dict(zip(cols, key.split("\x1f"), strict=True)), rules, cached)
        for key in encoded.dictionary.to_pylist()
    ]
    fields = (
        "kind",
        "cap",
        "conforme",
        "band",
        "low",
        "high",
        "deduction",
        "general",
        "icms",
        "exempt",
        "igv",
        "ipm",
        *xr.FIELDS,
    )
    per_group = {}
    for f in fields:
        values = np.array([getattr(p, f, 0) if p else 0 for p in plans], dtype=np.int64)
        # a field no context uses costs nothing per row
        per_group[f] = values[group] if values.any() else np.broadcast_to(np.int64(0), (n,))
    price = _parse_cents(table["unit_price"], 2)
    qty = _parse_cents(table["quantity"], 0)
    extra = [
        _parse_cents(table[c], 2) if c in table.column_names else np.zeros(n, np.int64)
        for c in ("freight", "insurance", "discount")
    ]
    ok = (per_group["kind"] > 0) & (price >= 0) & (qty > 0) & (qty <= 1_000_000)
    ok &= (extra[0] >= 0) & (extra[1] >= 0) & (extra[2] >= 0)
    safe_price = np.where(ok, price, 0)
    safe_qty = np.where(ok, qty, 0)
    ok &= safe_price <= MAX_CENTS // np.maximum(safe_qty, 1)
    gross = np.where(ok, safe_price * safe_qty, 0)
    ok &= extra[2] <= gross  # a discount above the goods value is the engine's error
    goods = np.where(ok, gross - np.where(ok, extra[2], 0), 0)
    v = np.where(ok, goods + np.where(ok, extra[0] + extra[1], 0), 0)
    ok &= v < MAX_CENTS
    v = np.where(ok, v, 0)
    goods = np.where(ok, goods, 0)
    treatment = np.full(n, -1, dtype=np.int64)
    duty = np.full(n, -1, dtype=np.int64)
    icms = np.full(n, -1, dtype=np.int64)
    glob = np.full(n, -1, dtype=np.int64)
    g = per_group
    # Brazil RTS: duty on the customs value, then ICMS "por dentro" on value + rounded duty
    br = ok & (g["kind"] == 1)
    rc = br & (g["conforme"] == 1)
    in_band = rc & (v <= g["band"])
    above = rc & ~in_band
    gen = br & ~rc
    duty = np.where(in_band, _half_up(v * g["low"], SCALE), duty)
    high_num = v * g["high"] - g["deduction"] * SCALE
    duty = np.where(above, np.where(high_num > 0, _half_up(np.maximum(high_num, 0), SCALE), 0), duty)
    duty = np.where(gen, _half_up(v * g["general"], SCALE), duty)
    icms_den = np.where(br, SCALE - g["icms"], 1)
    icms = np.where(br, _half_up((v + np.maximum(duty, 0)) * g["icms"], icms_den), icms)
    treatment = np.where(in_band, 0, np.where(above, 1, np.where(gen, 2, treatment)))
    # Mexico courier: global rate on the customs value unless exempt
    mx = ok & (g["kind"] == 2)
    exempt = mx & (g["exempt"] > 0) & (v <= g["exempt"])
    glob = np.where(exempt, 0, np.where(mx, _half_up(v * g["general"], SCALE), glob))
    treatment = np.where(exempt, 3, np.where(mx & ~exempt, 4, treatment))
    # Peru EER: exempt up to the FOB limit, else duty, then IGV and IPM on CIF + rounded duty
    pe = ok & (g["kind"] == 3)
    pe_exempt = pe & (goods <= g["exempt"])
    pe_taxed = pe & ~pe_exempt
    duty = np.where(pe_exempt, 0, np.where(pe_taxed, _half_up(v * g["general"], SCALE), duty))
    after_duty = v + np.maximum(duty, 0)
    igv = np.where(pe_exempt, 0, np.where(pe_taxed, _half_up(after_duty * g["igv"], SCALE), -1))
    ipm = np.where(pe_taxed, _half_up(after_duty * g["ipm"], SCALE), -1)
    treatment = np.where(pe_exempt, 3, np.where(pe_taxed, 5, treatment))
    allowed = np.where(pe, goods <= g["cap"], v <= g["cap"])
    lines = {"duty": duty, "icms": icms, "global_rate": glob, "igv": igv, "ipm": ipm}
    lines["vat"] = np.full(n, -1, dtype=np.int64)
    lines["checkout_vat"] = np.full(n, -1, dtype=np.int64)
    lines["flat_duty"] = np.full(n, -1, dtype=np.int64)
    lines["simplified_tax"] = np.full(n, -1, dtype=np.int64)
    lines["fodinfa"] = np.full(n, -1, dtype=np.int64)
    regime = np.where(g["kind"] <= 3, g["kind"], 0)
    allowed = np.where(g["kind"] <= 3, allowed, True)
    out: dict[str, Any] = {
        "regime": regime,
        "treatment": treatment,
        "allowed": allowed,
        "complete": np.ones(n, dtype=bool),
        "lines": lines,
        "regime_base": 4,
        "treatment_base": 6,
        "exempt_treatment": TREATMENTS.index("exempt"),
    }
    xr.compute(g, ok, v, goods, safe_qty, out)
    lv.compute(
        g,
        ok,
        v,
        goods,
        {
            **out,
            "regime_base": 4 + len(xr.REGIMES),
            "treatment_base": 6 + len(xr.TREATMENTS),
        },
    )
    # above a simplified regime's cap the engine quotes the ordinary import: those rows are its own
    kind = g["kind"]
    over_cap = ((kind == 1) | (kind == 2)) & (v > g["cap"])
    over_cap |= (kind == 3) & (goods > g["cap"])
    over_cap |= (kind == xr.CO) & (v > g["t1"])
    over_cap |= (kind == xr.AR) & (goods > g["t1"])
    ok = ok & ~over_cap
    blocked = ~out["allowed"].astype(bool)
    complete = out["complete"].astype(bool)
    return FastResult(
        ok, g["kind"], out["regime"], treatment, lines, v, ~blocked & complete, complete, blocked
    )


def cents_text(cents: np.ndarray) -> list[str]:
    """Cents as the engine writes amounts ("12.50"), each distinct value formatted once."""
    uniq, inverse = np.unique(cents, return_inverse=True)
    texts = np.array([f"{c // 100}.{c % 100:02d}" for c in uniq.tolist()], dtype=object)
    return list(texts[inverse])
