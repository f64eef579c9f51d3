"""Plans and vectorised lines for the low-value branches of Uruguay, Ecuador, the Dominican Republic
and Paraguay in the batch fast path.

Only the branches whose answer is complete without an item's tariff rate are covered: Uruguay's
franchise and simplified single tax, Ecuador's courier category B, the Dominican exemption and
Paraguay's courier and postal exemptions. A row past them (an ordinary import, category C, duty by
tariff line) is left to the scalar engine. Limits become cents with the engine's own test
(``fastregimes.threshold``), as for the other markets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ponte.duties.context import Ctx
from ponte.duties.fastregimes import SCALE, NotCovered, XPlan, cents, millionths, threshold
from ponte.duties.regimes.common import category_in

__all__ = ["REGIMES", "TREATMENTS", "compute", "plan_do", "plan_ec", "plan_py", "plan_uy"]

UY, EC, DO, PY = 10, 11, 12, 13
REGIMES = ("uy.franquicia", "uy.simplified", "ec.courier_b", "do.courier", "py.courier", "py.postal")
TREATMENTS = ("franchise", "single_tax", "category_b", "exempt", "iva_only")


def _personal(ctx: Ctx) -> bool:
    return ctx.req.buyer.kind == "individual" and ctx.req.flags.personal_use


def plan_uy(ctx: Ctx) -> XPlan:
    """t1 franchise limit (goods; -1: no franchise), t2 IVA-free limit for FTA origins (-1: none),
    t3 simplified-regime limit, b1 IVA on franchise parcels, r1 IVA, r2 single tax, c1 its minimum."""
    req = ctx.req
    per_year = ctx.p("franquicia.shipments_per_year")
    cap = ctx.p("franquicia.postal_limit" if req.channel == "postal" else "franquicia.per_shipment_limit")
    annual = ctx.maybe("franquicia.annual_limit")
    t1 = -1
    excluded = category_in(ctx, "franquicia.excluded_categories")
    if req.buyer.shipments_this_year < per_year.value and _personal(ctx) and not excluded:
        t1 = threshold(ctx, cap.value, "USD")
        if annual is not None:
            t1 = min(t1, threshold(ctx, annual.value, "USD", req.buyer.annual_allowance_used))
    iva_on = bool(ctx.p("franquicia.iva_on_franchise").value)
    r1, t2 = 0, -1
    if iva_on:
        r1 = millionths(ctx.p("franquicia.iva_rate").value)
        origins = {it.origin or req.origin for it in req.items}
        if origins <= ctx.p("franquicia.iva_exempt_origins").value:
            t2 = threshold(ctx, ctx.p("franquicia.iva_exempt_up_to").value, "USD")
    minimum = ctx.p("franquicia.single_tax_minimum")
    return XPlan(
        UY,
        t1=t1,
        t2=t2,
        t3=threshold(ctx, ctx.p("franquicia.single_tax_value_limit").value, "USD"),
        b1=iva_on,
        r1=r1,
        r2=millionths(ctx.p("franquicia.single_tax_rate").value),
        c1=cents(ctx.rnd(ctx.to_cur(minimum.value, "USD"))),
    )


def plan_ec(ctx: Ctx) -> XPlan:
    """t1 category B limit (FOB, with the year's use), c1 the flat duty per declaration."""
    if not _personal(ctx):
        raise NotCovered("category B is for persons")
    cap = threshold(ctx, ctx.p("courier.cat_b_value_limit").value, "USD")
    annual = ctx.p("courier.cat_b_annual_limit").value
    used = ctx.req.buyer.annual_allowance_used
    fee = ctx.p("courier.cat_b_duty").value
    return XPlan(
        EC, t1=min(cap, threshold(ctx, annual, "USD", used)), c1=cents(ctx.rnd(ctx.to_cur(fee, "USD")))
    )


def plan_do(ctx: Ctx) -> XPlan:
    """t1 the exemption limit (FOB)."""
    if not _personal(ctx):
        raise NotCovered("the exemption is for personal use")
    return XPlan(DO, t1=threshold(ctx, ctx.p("courier.exempt_fob_up_to").value, "USD"))


def plan_py(ctx: Ctx) -> XPlan:
    """t1 the exemption limit (CIF), b1 postal, r1 IVA within the courier exemption (0: none)."""
    postal = ctx.req.channel == "postal"
    limit = ctx.p("courier.postal_exempt_up_to" if postal else "courier.courier_exempt_up_to")
    iva = ctx.p("courier.iva_rate").value
    r1 = 0
    if not postal and ctx.p("courier.courier_iva_within_exemption").value:
        r1 = millionths(iva)
    return XPlan(PY, t1=threshold(ctx, limit.value, "USD"), b1=postal, r1=r1)


def _half_up(num: np.ndarray, den: int) -> np.ndarray:
    return (2 * num + den) // (2 * den)


def compute(
    g: dict[str, np.ndarray], ok: np.ndarray, v: np.ndarray, goods: np.ndarray, out: dict[str, Any]
) -> np.ndarray:
    """Fill the covered branches' regime, treatment and lines (in place); return the rows of these
    markets the engine must quote instead (past the covered branches)."""
    rb, tb = out["regime_base"], out["treatment_base"]
    lines = out["lines"]
    regime, treatment = out["regime"], out["treatment"]
    kind = g["kind"]
    leave = np.zeros(len(v), dtype=bool)

    def put(mask: np.ndarray, reg: int, tr: int) -> None:
        regime[mask] = rb + reg
        treatment[mask] = tb + tr

    # Uruguay: franchise (no duty; IVA from May 2026 unless an FTA origin under its limit), else the
    # simplified single tax (60%, at least the minimum), else the engine's ordinary import
    uy = ok & (kind == UY)
    if uy.any():
        fr = uy & (g["t1"] >= 0) & (goods <= g["t1"])
        lines["duty"][fr] = 0
        with_iva = fr & (g["b1"] == 1)
        free = (g["t2"] >= 0) & (goods <= g["t2"])
        lines["vat"][with_iva] = np.where(free, 0, _half_up(goods * g["r1"], SCALE))[with_iva]
        put(fr, 0, 0)
        simp = uy & ~fr & (goods <= g["t3"])
        lines["simplified_tax"][simp] = np.maximum(_half_up(goods * g["r2"], SCALE), g["c1"])[simp]
        put(simp, 1, 1)
        leave |= uy & ~fr & ~simp
    # Ecuador: category B's flat duty, else the engine (category C, ordinary import)
    ec = ok & (kind == EC)
    if ec.any():
        b = ec & (goods <= g["t1"])
        lines["duty"][b] = g["c1"][b]
        put(b, 2, 2)
        leave |= ec & ~b
    # Dominican Republic: exempt up to the FOB limit, else the engine (duty by tariff line)
    do = ok & (kind == DO)
    if do.any():
        ex = do & (goods <= g["t1"])
        lines["duty"][ex] = 0
        lines["vat"][ex] = 0
        put(ex, 3, 3)
        leave |= do & ~ex
    # Paraguay: no duty up to the limit (CIF); IVA on courier parcels; else the engine
    py = ok & (kind == PY)
    if py.any():
        ex = py & (v <= g["t1"])
        lines["duty"][ex] = 0
        lines["vat"][ex] = _half_up(v * g["r1"], SCALE)[ex]
        postal = g["b1"] == 1
        put(ex & postal, 5, 3)
        put(ex & ~postal & (g["r1"] > 0), 4, 4)
        put(ex & ~postal & (g["r1"] == 0), 4, 3)
        leave |= py & ~ex
    return leave
