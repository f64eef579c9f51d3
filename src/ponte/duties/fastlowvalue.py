"""Plans and vectorised lines for Uruguay, Ecuador, the Dominican Republic, Costa Rica, Guatemala and
Paraguay in the batch fast path.

Rows never carry item rates here (those go to the scalar engine), so past each exemption or flat
branch the duty line is missing data: the taxes on top are computed on the customs value and the
row is marked incomplete, as the engine does (Uruguay's ordinary import, Ecuador's category C and
ordinary import with FODINFA, the Dominican, Costa Rican, Guatemalan and Paraguayan duty-and-VAT). Limits become cents with the engine's own test
(``fastregimes.threshold``), as for the other markets.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from ponte.duties.context import Ctx
from ponte.duties.fastregimes import SCALE, XPlan, cents, millionths, threshold
from ponte.duties.regimes.common import category_in

__all__ = ["REGIMES", "TREATMENTS", "compute", "plan_do", "plan_ec", "plan_py", "plan_small", "plan_uy"]

UY, EC, DO, PY, SMALL = 10, 11, 12, 13, 14
REGIMES = (
    "uy.franquicia",
    "uy.simplified",
    "ec.courier_b",
    "do.courier",
    "py.courier",
    "py.postal",
    "uy.ordinary_import",
    "ec.courier_c",
    "ec.ordinary_import",
    "cr.courier",
    "gt.courier",
)
TREATMENTS = (
    "franchise",
    "single_tax",
    "category_b",
    "exempt",
    "iva_only",
    "ordinary_import",
    "category_c",
    "duty_and_vat",
    "small_shipment_exempt",
)


def _personal(ctx: Ctx) -> bool:
    return ctx.req.buyer.kind == "individual" and ctx.req.flags.personal_use


def plan_uy(ctx: Ctx) -> XPlan:
    """t1 franchise limit (goods; -1: no franchise), t2 IVA-free limit for FTA origins (-1: none),
    t3 simplified-regime limit, b1 IVA on franchise parcels, r1 IVA, r2 single tax, c1 its minimum,
    r3 IVA of the ordinary import."""
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
        r3=millionths(ctx.p("franquicia.ordinary_iva_rate").value),
        c1=cents(ctx.rnd(ctx.to_cur(minimum.value, "USD"))),
    )


def plan_ec(ctx: Ctx) -> XPlan:
    """t1 category B limit (FOB, with the year's use; -1: not a person), c1 the flat duty per
    declaration, t2 category C limit (FOB), r1 FODINFA, r2 IVA."""
    t1 = -1
    if _personal(ctx):
        cap = threshold(ctx, ctx.p("courier.cat_b_value_limit").value, "USD")
        annual = ctx.p("courier.cat_b_annual_limit").value
        t1 = min(cap, threshold(ctx, annual, "USD", ctx.req.buyer.annual_allowance_used))
    fee = ctx.p("courier.cat_b_duty").value
    return XPlan(
        EC,
        t1=t1,
        t2=threshold(ctx, ctx.p("courier.cat_c_value_limit").value, "USD"),
        c1=cents(ctx.rnd(max(ctx.to_cur(fee, "USD"), Decimal(0)))),
        r1=millionths(ctx.p("import.fodinfa_rate").value),
        r2=millionths(ctx.p("import.iva_rate").value),
    )


def plan_do(ctx: Ctx) -> XPlan:
    """t1 the exemption limit (FOB; -1: not personal use), r1 ITBIS."""
    # the engine converts the value for the limit whoever buys (a missing rate is its error): so does the plan
    t1 = threshold(ctx, ctx.p("courier.exempt_fob_up_to").value, "USD")
    return XPlan(
        DO,
        t1=t1 if _personal(ctx) else -1,
        r1=millionths(ctx.p("courier.itbis_rate").value),
    )


def plan_small(ctx: Ctx) -> XPlan:
    """Costa Rica, Guatemala: t1 the small-shipment exemption (customs value; -1: not eligible), r1 IVA."""
    limit = ctx.p("courier.exempt_cif_up_to" if ctx.req.destination == "CR" else "courier.exempt_up_to")
    purchases = ctx.p("courier.purchases_exempt").value
    eligible = purchases and ctx.req.flags.occasional_non_commercial and _personal(ctx)
    t1 = threshold(ctx, limit.value, "USD")  # converted whoever buys, as the engine does (no rate: its error)
    return XPlan(
        SMALL,
        t1=t1 if eligible else -1,
        b1=ctx.req.destination == "GT",
        r1=millionths(ctx.p("courier.iva_rate").value),
    )


def plan_py(ctx: Ctx) -> XPlan:
    """t1 the exemption limit (CIF), b1 postal, r1 IVA within the courier exemption (0: none), r2 IVA."""
    postal = ctx.req.channel == "postal"
    limit = ctx.p("courier.postal_exempt_up_to" if postal else "courier.courier_exempt_up_to")
    iva = ctx.p("courier.iva_rate").value
    r1 = 0
    if not postal and ctx.p("courier.courier_iva_within_exemption").value:
        r1 = millionths(iva)
    return XPlan(PY, t1=threshold(ctx, limit.value, "USD"), b1=postal, r1=r1, r2=millionths(iva))


def _half_up(num: np.ndarray, den: int) -> np.ndarray:
    return (2 * num + den) // (2 * den)


def compute(
    g: dict[str, np.ndarray], ok: np.ndarray, v: np.ndarray, goods: np.ndarray, out: dict[str, Any]
) -> None:
    """Fill regime, treatment, lines and completeness of these markets' rows (in place)."""
    rb, tb = out["regime_base"], out["treatment_base"]
    lines = out["lines"]
    regime, treatment, complete = out["regime"], out["treatment"], out["complete"]
    kind = g["kind"]

    def put(mask: np.ndarray, reg: int, tr: int) -> None:
        regime[mask] = rb + reg
        treatment[mask] = tb + tr

    def vat_without_duty(mask: np.ndarray, rate: np.ndarray, reg: int, tr: int) -> None:
        """Past the exemption: the duty rate is missing data, VAT on the customs value alone."""
        lines["vat"][mask] = _half_up(v * rate, SCALE)[mask]
        complete[mask] = False
        put(mask, reg, tr)

    # Uruguay: franchise (no duty; IVA from May 2026 unless an FTA origin under its limit), else the
    # simplified single tax (60%, at least the minimum), else the ordinary import
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
        vat_without_duty(uy & ~fr & ~simp, g["r3"], 6, 5)
    # Ecuador: category B's flat duty, else category C / ordinary import: FODINFA, IVA on top
    ec = ok & (kind == EC)
    if ec.any():
        b = ec & (g["t1"] >= 0) & (goods <= g["t1"])
        lines["duty"][b] = g["c1"][b]
        put(b, 2, 2)
        rest = ec & ~b
        fodinfa = _half_up(v * g["r1"], SCALE)
        lines["fodinfa"][rest] = fodinfa[rest]
        lines["vat"][rest] = _half_up((v + fodinfa) * g["r2"], SCALE)[rest]
        complete[rest] = False
        put(rest & (goods <= g["t2"]), 7, 6)
        put(rest & ~(goods <= g["t2"]), 8, 5)
    # Dominican Republic: exempt up to the FOB limit, else duty (missing) and ITBIS
    do = ok & (kind == DO)
    if do.any():
        ex = do & (g["t1"] >= 0) & (goods <= g["t1"])
        lines["duty"][ex] = 0
        lines["vat"][ex] = 0
        put(ex, 3, 3)
        vat_without_duty(do & ~ex, g["r1"], 3, 7)
    # Costa Rica, Guatemala: the small-shipment exemption where eligible, else DAI (missing) and IVA
    sm = ok & (kind == SMALL)
    if sm.any():
        ex = sm & (g["t1"] >= 0) & (v <= g["t1"])
        lines["duty"][ex] = 0
        lines["vat"][ex] = 0
        gt = g["b1"] == 1
        put(ex & ~gt, 9, 8)
        put(ex & gt, 10, 8)
        vat_without_duty(sm & ~ex & ~gt, g["r1"], 9, 7)
        vat_without_duty(sm & ~ex & gt, g["r1"], 10, 7)
    # Paraguay: no duty up to the limit (CIF); IVA on courier parcels; else duty (missing) and IVA
    py = ok & (kind == PY)
    if py.any():
        ex = py & (v <= g["t1"])
        lines["duty"][ex] = 0
        lines["vat"][ex] = _half_up(v * g["r1"], SCALE)[ex]
        postal = g["b1"] == 1
        put(ex & postal, 5, 3)
        put(ex & ~postal & (g["r1"] > 0), 4, 4)
        put(ex & ~postal & (g["r1"] == 0), 4, 3)
        vat_without_duty(py & ~ex & postal, g["r2"], 5, 7)
        vat_without_duty(py & ~ex & ~postal, g["r2"], 4, 7)
