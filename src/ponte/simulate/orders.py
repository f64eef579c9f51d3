"""Orders and order lines over a date range: growth trend, weekly rhythm, live-session bursts.

Everything is drawn in whole arrays; amounts are integer minor units until the
last step turns them into exact decimal columns.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.simulate.catalog import legal_quantities
from ponte.simulate.columns import decimals, numbered, pick, timestamps_us

GROWTH = 1.0  # orders per day grow by e^GROWTH over the whole range
LIVE_SHARE = 0.25  # orders placed during live sessions
SESSIONS_PER_DAY = 4
LINES_P = np.array([0.70, 0.20, 0.07, 0.03])  # 1, 2, 3, 4 lines per order
PACKAGING_G = 60
EXPORT_PARCEL_KG = (
    0.84  # mean export parcel weight of cross-border B2C air parcels  # carton and filler per parcel
)
US = 1_000_000
DAY_US = 86_400 * US
# share of each UTC hour in ordinary (non-live) traffic: evenings in the Americas and Iberia
HOURS = np.array([6, 5, 4, 3, 2, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 5, 6, 6, 7, 8, 8, 7], dtype=float)


def build_orders(
    rng: np.random.Generator,
    seed: int,
    n_orders: int,
    start: date,
    days: int,
    park: dict[str, pa.Table],
    buyers_per_seller: np.ndarray,
) -> dict[str, pa.Table]:
    sellers, products, booths = park["sellers"], park["products"], park["booths"]
    n_sellers = sellers.num_rows
    start_us = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()) * US
    # --- live sessions: a booth streams for two hours, mostly Beijing evening
    n_sessions = max(1, SESSIONS_PER_DAY * days)
    booth_seller = pc.index_in(booths["tenant_id"], sellers["id"]).to_numpy()
    s_booth = rng.integers(0, booths.num_rows, n_sessions)
    s_day = rng.integers(0, days, n_sessions)
    s_start = start_us + s_day * DAY_US + rng.integers(11, 15, n_sessions) * 3600 * US  # 19:00-22:00 CST
    s_pop = rng.pareto(1.5, n_sessions) + 0.2
    # --- orders: day by a growth trend and weekly rhythm
    t = np.arange(days) / max(days, 1)
    weekday = (np.arange(days) + start.weekday()) % 7
    day_w = np.exp(GROWTH * t) * np.where(weekday >= 5, 1.2, 1.0)
    live = rng.random(n_orders) < LIVE_SHARE
    n_live = int(live.sum())
    session = rng.choice(n_sessions, size=n_live, p=s_pop / s_pop.sum())
    # flash-sale burst: most orders in the first minutes of a session
    offset = np.minimum(rng.exponential(15 * 60 * US, n_live), 2 * 3600 * US - 1).astype(np.int64)
    placed = np.empty(n_orders, dtype=np.int64)
    placed[live] = s_start[session] + offset
    n_plain = n_orders - n_live
    day = rng.choice(days, size=n_plain, p=day_w / day_w.sum())
    hour = rng.choice(24, size=n_plain, p=HOURS / HOURS.sum())
    placed[~live] = start_us + day * DAY_US + hour * 3600 * US + rng.integers(0, 3600 * US, n_plain)
    # --- seller: the streaming booth's seller, or by popularity
    pop = sellers["popularity"].to_numpy()
    seller = np.empty(n_orders, dtype=np.int64)
    seller[live] = booth_seller[s_booth[session]]
    seller[~live] = rng.choice(n_sellers, size=n_plain, p=pop / pop.sum())
    session_all = np.full(n_orders, -1, dtype=np.int64)
    session_all[live] = session
    # time order: ids follow the clock
    order = np.argsort(placed, kind="stable")
    placed, seller, live, session_of = placed[order], seller[order], live[order], session_all[order]
    # --- buyer: among the seller's own buyers, returning buyers more likely
    b_first = np.concatenate([[0], np.cumsum(buyers_per_seller)[:-1]])
    u = rng.random(n_orders) ** 2
    buyer = b_first[seller] + (u * buyers_per_seller[seller]).astype(np.int64)
    # --- lines
    p_tenant = pc.index_in(products["tenant_id"], sellers["id"]).to_numpy()
    p_first = np.searchsorted(p_tenant, np.arange(n_sellers))
    p_count = np.bincount(p_tenant, minlength=n_sellers)
    n_lines = rng.choice(4, size=n_orders, p=LINES_P) + 1
    line_order = np.repeat(np.arange(n_orders), n_lines)
    n_total = len(line_order)
    line_start = np.concatenate([[0], np.cumsum(n_lines)[:-1]])
    line_no = np.arange(n_total) - line_start[line_order] + 1
    ls = seller[line_order]
    # each line of an order is another product (an order has one line per SKU)
    first_pick = (rng.random(n_orders) * p_count[seller]).astype(np.int64)
    product = p_first[ls] + (first_pick[line_order] + line_no - 1) % p_count[ls]
    qty = np.minimum(rng.geometric(0.78, n_total), 6)
    price_minor = np.round(products["price"].cast(pa.float64()).to_numpy() * 100).astype(np.int64)
    weight_g = np.round(products["weight_kg"].cast(pa.float64()).to_numpy() * 1000).astype(np.int64)
    # calibrate export unit weights so export parcels average EXPORT_PARCEL_KG (products stay consistent)
    is_export_p = pc.equal(products["direction"], "export").to_numpy(zero_copy_only=False)
    ex_line = is_export_p[product]
    ex_orders = np.bincount(line_order[ex_line], minlength=n_orders) > 0
    if ex_orders.any():
        goods_g = (weight_g[product] * qty)[ex_line].sum() / ex_orders.sum()
        factor = (EXPORT_PARCEL_KG * 1000 - PACKAGING_G) / max(goods_g, 1)
        weight_g = np.where(is_export_p, np.maximum(np.round(weight_g * factor), 10), weight_g).astype(
            np.int64
        )
    unit_minor = price_minor[product]
    line_minor = unit_minor * qty
    line_weight_g = weight_g[product] * qty
    goods = np.bincount(line_order, weights=line_minor, minlength=n_orders).astype(np.int64)
    weight = np.bincount(line_order, weights=line_weight_g, minlength=n_orders).astype(np.int64) + PACKAGING_G
    # --- order attributes
    is_import = (pc.equal(sellers["kind"], "import").to_numpy(zero_copy_only=False))[seller]
    freight = np.where(is_import, 0, 450 + (weight * 780) // 1000)  # USD 4.50 + 7.80/kg; bonded: free
    discount = np.where(live, goods * 5 // 100, 0)  # 5 % live-session coupon
    mode_draw = rng.random(n_orders)
    trade_mode = np.where(
        is_import,
        np.where(mode_draw < 0.75, 3, 0),  # 1210 bonded, else 9610 direct mail
        np.select([mode_draw < 0.80, mode_draw < 0.95], [0, 2], 1),  # 9610, 9810, 9710
    )
    channel = np.where(live, 3, rng.choice(3, size=n_orders, p=[0.7, 0.2, 0.1]))
    date_seq = numbered("SO", np.arange(n_orders), 9)
    orders = pa.table(
        {
            "id": numbered(f"ord_sim{seed}_", np.arange(n_orders), 9),
            "tenant_id": pc.take(sellers["id"], pa.array(seller)),
            "external_ref": date_seq,
            "channel": pick(["web", "api", "csv", "live"], channel),
            "direction": pick(["export", "import"], is_import.astype(np.int64)),
            "trade_mode": pick(["9610", "9710", "9810", "1210"], trade_mode),
            "buyer_id": numbered(f"buy_sim{seed}_", buyer, 8),
            "buyer_index": pa.array(buyer),
            "currency": pick(["USD", "CNY"], is_import.astype(np.int64)),
            "goods_value": decimals(goods),
            "freight": decimals(freight),
            "insurance": decimals(np.zeros(n_orders, dtype=np.int64)),
            "discount": decimals(discount),
            "total": decimals(goods + freight - discount),
            "weight_kg": decimals(weight, scale=3),
            "line_count": pa.array(n_lines.astype(np.int32)),
            "status": pick(["placed"], np.zeros(n_orders, dtype=np.int64)),
            "live_session_id": pc.if_else(
                pa.array(session_of >= 0),
                numbered(f"live_sim{seed}_", np.maximum(session_of, 0), 6),
                pa.scalar(None, pa.string()),
            ),
            "placed_at": timestamps_us(placed),
            **_payments(rng, seed, placed, goods + freight - discount, live),
        }
    )
    lines = pa.table(
        {
            "order_id": numbered(f"ord_sim{seed}_", line_order, 9),
            "tenant_id": pc.take(sellers["id"], pa.array(ls)),
            "line_no": pa.array(line_no.astype(np.int32)),
            "product_id": pc.take(products["id"], pa.array(product)),
            "sku": pc.take(products["sku"], pa.array(product)),
            "hs_code": pc.take(products["hs_code"], pa.array(product)),
            "origin_country": pc.take(products["origin_country"], pa.array(product)),
            "quantity": pa.array(qty.astype(np.int32)),
            "unit_price": decimals(unit_minor),
            "line_total": decimals(line_minor),
            "weight_kg": decimals(line_weight_g, scale=3),
        }
    )
    sessions = pa.table(
        {
            "id": numbered(f"live_sim{seed}_", np.arange(n_sessions), 6),
            "booth_id": pc.take(booths["id"], pa.array(s_booth)),
            "tenant_id": pc.take(booths["tenant_id"], pa.array(s_booth)),
            "starts_at": timestamps_us(s_start),
            "ends_at": timestamps_us(s_start + 2 * 3600 * US),
        }
    )
    unit_weights = decimals(weight_g, scale=3)
    products = products.set_column(products.schema.get_field_index("weight_kg"), "weight_kg", unit_weights)
    products = legal_quantities(products, unit_weights)
    return {"orders": orders, "lines": lines, "sessions": sessions, "products": products}


PAID_SHARE = 0.97  # orders paid when the day's batch runs; live-session orders are paid at checkout
PAYMENT_COMPANIES = ("312226T001", "31222699S7", "4403169D3W")  # customs codes of the simulated payers


def _payments(
    rng: np.random.Generator, seed: int, placed: np.ndarray, total_minor: np.ndarray, live: np.ndarray
) -> dict[str, pa.Array]:
    """Payments a few minutes after placing, by one of the simulated payment companies."""
    n = len(placed)
    paid = live | (rng.random(n) < PAID_SHARE)
    at = placed + rng.integers(20, 30 * 60, n) * US
    company = rng.integers(0, len(PAYMENT_COMPANIES), n)
    refs = numbered(f"PAY{seed:04d}", np.arange(n) * 7919 % (10**12), 12)
    mask = pa.array(~paid)
    return {
        "paid_at": pc.if_else(mask, pa.scalar(None, pa.timestamp("us", tz="UTC")), timestamps_us(at)),
        "payment_ref": pc.if_else(mask, pa.scalar(None, pa.string()), refs),
        "paid_amount": pc.if_else(mask, pa.scalar(None, pa.decimal128(18, 2)), decimals(total_minor)),
        "payment_company": pc.if_else(mask, pa.scalar(None, pa.string()), pick(PAYMENT_COMPANIES, company)),
    }
