"""Plans and vectorised lines for Chile, Colombia and the EU (Portugal, Spain) in the batch fast path.

Each plan is built from the scalar engine's own context for one quoting
context (market, date, currency, flags, explicit rates ...): the regime
functions' parameters are read with ``Ctx.p``/``Ctx.maybe`` at the row's date,
and every value limit in another currency is turned into the largest amount in
cents that passes the engine's own test (``Ctx.in_cur(value, cur) <= limit``,
found by bisection; that test is monotone in the value). Exchange rates come
from the same source as the engine's, once per (pair, date). Lines are then
integer cents rounded half up, in the engine's order (later bases use the
rounded earlier lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from ponte.duties.context import Ctx, FxRate, FxSource
from ponte.duties.regimes import eu

__all__ = ["CachedFx", "XPlan", "compute", "plan_ar", "plan_cl", "plan_cn", "plan_co", "plan_eu", "plan_mo"]

SCALE = 1_000_000
MAX_CENTS = 100_000_000_000
CL, CO, EU, CN, AR, MO = 4, 5, 6, 7, 8, 9
REGIMES = (
    "cl.remote_sale_vat",
    "cl.import",
    "cl.low_value",
    "co.postal",
    "eu.ioss",
    "eu.import_low_value",
    "eu.import",
    "cn.cbec",
    "cn.general_trade",
    "ar.courier",
    "mo.import",
)
TREATMENTS = (
    "vat_at_checkout",
    "unregistered_platform_low_value",
    "duty_and_vat",
    "iva_exempt_fta",
    "duty_and_iva",
    "iva_only",
    "ioss",
    "import_vat_low_value",
    "duty_and_import_vat",
    "cbec_within_limits",
    "cbec_full_tax_single_item",
    "general_trade",
    "franchise",
    "no_tax",
)


class CachedFx:
    """The engine's rate source, asked once per (base, quote, date); failures are remembered too."""

    def __init__(self, source: FxSource | None) -> None:
        self.source = source
        self._got: dict[tuple[str, str, date], FxRate | Exception] = {}

    def rate(self, base: str, quote: str, on: date, /) -> FxRate:
        assert self.source is not None
        key = (base, quote, on)
        if key not in self._got:
            try:
                self._got[key] = self.source.rate(base, quote, on)
            except Exception as exc:  # replayed below, as the source raised it
                self._got[key] = exc
        got = self._got[key]
        if isinstance(got, Exception):
            raise got
        return got


@dataclass(frozen=True)
class XPlan:
    """Integer parameters of one context (cents, millionths); the meaning of each field is per kind.

    CL: t1 remote-sale limit, t2 low-value exemption limit (-1: none), b1 SII-registered,
        b2 duty on unregistered low-value parcels, r1 remote IVA, r2 duty, r3 import IVA.
    CO: t1 postal limit (CIF), t2 duty-free limit (FOB), t3 IVA exemption limit (FOB, -1: not
        eligible), r1 duty, r2 IVA.
    EU: t1 IOSS intrinsic-value limit, b1 flat duty applies, c1 flat duty, b2 flat duty in the VAT
        base, b3 IOSS seller, r1 VAT, low_complete (False when a flat duty needs a 6-digit hs_code).
    CN: t1 transaction limit, t2 annual limit left (with the buyer's annual use), b1 buyer may use
        CBEC, r1 VAT × tax share (within the limits), r2 VAT (full tax).
    AR: t1 courier limit (FOB), t2 franchise (FOB; -1: no franchise shipment left), b1 IVA on CIF
        (else FOB), r1 IVA.
    MO: general goods (no field).
    """

    kind: int
    t1: int = -1
    t2: int = -1
    t3: int = -1
    b1: bool = False
    b2: bool = False
    b3: bool = False
    r1: int = 0
    r2: int = 0
    r3: int = 0
    c1: int = 0
    low_complete: bool = True


FIELDS = ("t1", "t2", "t3", "b1", "b2", "b3", "r1", "r2", "r3", "c1", "low_complete")


class NotCovered(Exception):
    """A parameter the integer path cannot carry exactly."""


def millionths(value: Any) -> int:
    value = Decimal(value)
    scaled = value * SCALE
    if scaled != scaled.to_integral_value() or not 0 <= value < 1:
        raise NotCovered(str(value))
    return int(scaled)


def cents(value: Decimal) -> int:
    scaled = value * 100
    if scaled != scaled.to_integral_value() or scaled < 0:
        raise NotCovered(str(value))
    return int(scaled)


def threshold(ctx: Ctx, limit: Decimal, cur: str, used: Decimal | None = None) -> int:
    """The largest value in cents of the computation currency with ctx.in_cur(value, cur) <= limit
    (or used + ctx.in_cur(value, cur) <= limit); -1 when none passes."""

    def passes(c: int) -> bool:
        value = ctx.in_cur(Decimal(c).scaleb(-2), cur)
        return (value if used is None else used + value) <= limit

    if not passes(0):
        return -1
    lo, hi = 0, MAX_CENTS
    if passes(hi):
        return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if passes(mid) else (lo, mid)
    return lo


def plan_cl(ctx: Ctx) -> XPlan:
    remote = ctx.maybe("remote_sale.value_limit")
    t_remote = threshold(ctx, remote.value, "USD") if remote is not None else -1
    r_remote, applies = 0, False
    if remote is not None:
        r_remote = millionths(ctx.p("remote_sale.iva_rate").value)
        applies = bool(ctx.p("remote_sale.unregistered_duty_applies").value)
    exempt = ctx.maybe("low_value.exempt_up_to")
    t_exempt = -1
    if exempt is not None and ctx.req.flags.occasional_non_commercial:
        t_exempt = threshold(ctx, exempt.value, "USD")
    return XPlan(
        CL,
        t1=t_remote,
        t2=t_exempt,
        b1=ctx.req.seller.sii_registered,
        b2=applies,
        r1=r_remote,
        r2=millionths(ctx.p("import.duty_rate").value),
        r3=millionths(ctx.p("import.iva_rate").value),
    )


def plan_co(ctx: Ctx) -> XPlan:
    req = ctx.req
    cap = threshold(ctx, ctx.p("postal.value_limit").value, "USD")
    free = threshold(ctx, ctx.p("postal.duty_free_fob_up_to").value, "USD")
    ctx.p("postal.duty_base")
    origins = {it.origin or req.origin for it in req.items}
    iva_ex = -1
    if origins <= ctx.p("postal.iva_exempt_origins").value:
        iva_ex = threshold(ctx, ctx.p("postal.iva_exempt_up_to").value, "USD")
    duty = millionths(ctx.p("postal.duty_rate").value)
    return XPlan(CO, t1=cap, t2=free, t3=iva_ex, r1=duty, r2=millionths(ctx.p("postal.iva_rate").value))


def plan_eu(ctx: Ctx) -> XPlan:
    req = ctx.req
    region = eu._region(ctx)
    if region in ("canarias", "ceuta_melilla"):
        raise NotCovered(region)
    item = req.items[0]
    limit = threshold(ctx, ctx.p("eu.customs.ioss_intrinsic_value_limit").value, "EUR")
    blocked = set(ctx.p("eu.customs.excise_categories").value) | set(
        ctx.p("eu.customs.relief_excluded_categories").value
    )
    if item.category in blocked:
        raise NotCovered(item.category)
    flat = ctx.maybe("eu.customs.flat_duty_per_subheading")
    ioss = req.seller.ioss
    rate, _ = eu._vat_rate(ctx, 0, region)
    if flat is not None and ioss:
        amount = ctx.rnd(max(ctx.to_cur(flat.value, "EUR"), Decimal(0)))
        in_base = bool(ctx.p("eu.customs.flat_duty_in_vat_base").value)
        return XPlan(
            EU,
            t1=limit,
            b1=True,
            c1=cents(amount),
            b2=in_base,
            b3=True,
            r1=millionths(rate),
            low_complete=len(item.hs_code) >= 6,
        )
    ctx.p("eu.customs.duty_relief_up_to")
    return XPlan(EU, t1=limit, b3=ioss, r1=millionths(rate))


def plan_cn(ctx: Ctx) -> XPlan:
    req = ctx.req
    item = req.items[0]
    if not req.flags.three_documents or item.rates is not None:
        raise NotCovered("postal or item rates")
    hec = ctx.p("cbec.hec_categories").value
    need = ctx.p("cbec.ct_rate_required_categories").value
    if item.category in hec or item.category in need:
        raise NotCovered(item.category)
    share = ctx.p("cbec.tax_share").value
    ctx.p("cbec.duty_rate_within_limits")
    reduced = ctx.p("cbec.vat_reduced_categories").value
    vat = ctx.p("cbec.vat_rate_reduced" if item.category in reduced else "cbec.vat_rate_standard").value
    return XPlan(
        CN,
        t1=threshold(ctx, ctx.p("cbec.transaction_limit").value, "CNY"),
        t2=threshold(ctx, ctx.p("cbec.annual_limit").value, "CNY", req.buyer.annual_cbec_used),
        b1=req.buyer.kind == "individual",
        r1=millionths(vat * share),
        r2=millionths(vat),
    )


def plan_ar(ctx: Ctx) -> XPlan:
    """Courier "pequeños envíos" without item duty rates (the duty line is then missing data)."""
    req = ctx.req
    if req.items[0].rates is not None:
        raise NotCovered("item rates")
    cap = threshold(ctx, ctx.p("courier.value_limit").value, "USD")
    franchise = ctx.p("courier.franchise_fob")
    per_year = ctx.p("courier.franchise_shipments_per_year")
    has_franchise = req.buyer.shipments_this_year < per_year.value
    if has_franchise and ctx.p("courier.duty_on_excess_only").value:
        ctx.to_cur(franchise.value, "USD")  # the engine converts it above the franchise
    iva_base = ctx.p("courier.iva_base").value
    if iva_base not in ("CIF", "FOB"):
        raise NotCovered(str(iva_base))
    return XPlan(
        AR,
        t1=cap,
        t2=threshold(ctx, franchise.value, "USD") if has_franchise else -1,
        b1=iva_base == "CIF",
        r1=millionths(ctx.p("courier.iva_rate").value),
    )


def plan_mo(ctx: Ctx) -> XPlan:
    """Macao: general goods (no tobacco or spirits) bear no tax."""
    if ctx.req.items[0].category in ("spirits", "cigarettes", "cigars"):
        raise NotCovered(ctx.req.items[0].category)
    ctx.p("import.no_duty_no_vat")
    return XPlan(MO)


def _half_up(num: np.ndarray, den: int) -> np.ndarray:
    return (2 * num + den) // (2 * den)


def compute(
    g: dict[str, np.ndarray],
    ok: np.ndarray,
    v: np.ndarray,
    goods: np.ndarray,
    qty: np.ndarray,
    out: dict[str, Any],
) -> None:
    """Fill regime, treatment, lines, allowed and complete of the CL, CO, EU and CN rows (in place).

    `out` holds int64 arrays: kind (regime index + 1 offset by the caller), treatment, allowed,
    complete and the lines by kind (-1: no line); regimes and treatments index REGIMES/TREATMENTS
    offset by out["regime_base"] / out["treatment_base"]."""
    rb, tb = out["regime_base"], out["treatment_base"]
    lines = out["lines"]
    regime, treatment = out["regime"], out["treatment"]

    def put(mask: np.ndarray, reg: int, tr: int) -> None:
        regime[mask] = rb + reg
        treatment[mask] = tb + tr

    counts = np.bincount(g["kind"][ok], minlength=MO + 1)
    present = {k for k in (CL, CO, EU, CN, AR, MO) if counts[k]}
    # Chile
    if CL in present:
        cl = ok & (g["kind"] == CL)
        low = cl & (g["t1"] >= 0) & (v <= g["t1"])
        checkout = low & (g["b1"] == 1)
        unreg = low & ~checkout
        exempt = cl & ~low & (g["t2"] >= 0) & (v <= g["t2"])
        ordinary = cl & ~low & ~exempt
        lines["checkout_vat"][checkout] = _half_up(v * g["r1"], SCALE)[checkout]
        put(checkout, 0, 0)
        duty = np.where((unreg & (g["b2"] == 1)) | ordinary, _half_up(v * g["r2"], SCALE), -1)
        taxed = unreg | ordinary
        lines["duty"][taxed & (duty >= 0)] = duty[taxed & (duty >= 0)]
        vat = _half_up((v + np.maximum(duty, 0)) * g["r3"], SCALE)
        lines["vat"][taxed] = vat[taxed]
        put(unreg, 1, 1)
        put(ordinary, 1, 2)
        lines["duty"][exempt] = 0
        lines["vat"][exempt] = 0
        put(exempt, 2, -tb + out["exempt_treatment"])
    # Colombia
    if CO in present:
        co = ok & (g["kind"] == CO)
        free = goods <= g["t2"]
        co_duty = np.where(free, 0, _half_up(v * g["r1"], SCALE))
        lines["duty"][co] = co_duty[co]
        fta = co & (g["t3"] >= 0) & (goods <= g["t3"])
        co_vat = np.where(fta, 0, _half_up((v + co_duty) * g["r2"], SCALE))
        lines["vat"][co] = co_vat[co]
        put(fta, 3, 3)
        put(co & ~fta & (co_duty > 0), 3, 4)
        put(co & ~fta & (co_duty == 0), 3, 5)
        out["allowed"][co] = (v <= g["t1"])[co]
    # EU (Portugal, Spain)
    if EU in present:
        eu = ok & (g["kind"] == EU)
        eu_low = eu & (goods <= g["t1"])
        flat = eu_low & (g["b1"] == 1)
        relief = eu_low & ~flat
        lines["flat_duty"][flat] = g["c1"][flat]
        lines["duty"][relief] = 0
        base = v + np.where(flat & (g["b2"] == 1), g["c1"], 0)
        eu_vat = _half_up(base * g["r1"], SCALE)
        ioss_rows = eu_low & (g["b3"] == 1)
        lines["checkout_vat"][ioss_rows] = eu_vat[ioss_rows]
        lines["vat"][eu & ~ioss_rows] = eu_vat[eu & ~ioss_rows]
        put(eu_low & (g["b3"] == 1), 4, 6)
        put(relief & (g["b3"] == 0), 5, 7)
        high = eu & ~eu_low
        put(high, 6, 8)
        out["complete"][high] = False
        out["complete"][flat] = (g["low_complete"] == 1)[flat]
    # China CBEC (9610/1210): within the limits 70% of VAT; above them full tax (duty rate missing)
    if CN in present:
        cn = ok & (g["kind"] == CN)
        annual = cn & ~(v <= g["t2"])
        over = cn & ~annual & ~(v <= g["t1"])
        single = over & (qty == 1)
        general = annual | (over & ~single)
        within = cn & ~annual & ~over
        lines["vat"][within] = _half_up(v * g["r1"], SCALE)[within]
        full = annual | over
        lines["duty"][full] = 0
        lines["vat"][full] = _half_up(v * g["r2"], SCALE)[full]
        put(within, 7, 9)
        put(single, 7, 10)
        put(general, 8, 11)
        out["allowed"][cn] = ((g["b1"] == 1) & ~general)[cn]
        out["complete"][full] = False
    # Argentina courier: franchise up to USD 400 FOB, else duty (rate needed: missing) and IVA
    if AR in present:
        ar = ok & (g["kind"] == AR)
        fr = ar & (g["t2"] >= 0) & (goods <= g["t2"])
        lines["duty"][fr] = 0
        iva = _half_up(np.where(g["b1"] == 1, v, goods) * g["r1"], SCALE)
        lines["vat"][ar] = iva[ar]
        put(fr, 9, 12)
        put(ar & ~fr, 9, 4)
        out["allowed"][ar] = (goods <= g["t1"])[ar]
        out["complete"][ar & ~fr] = False
    # Macao: free port
    if MO in present:
        mo = ok & (g["kind"] == MO)
        lines["duty"][mo] = 0
        put(mo, 10, 13)
