"""The dashboard's charts as ECharts options (JSON only: the static script draws them), with their
tables, their tooltips formatted by Babel and, for every point, the address of the orders behind it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent

from ponte.web.i18n import N_, Locale

Drill = Callable[..., str]


@dataclass
class Chart:
    id: str
    title: str
    option: dict[str, Any]
    drill: list[str]  # one address per category of the axis
    tips: list[str]  # one tooltip per category
    head: list[str]
    rows: list[list[str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def spec(self) -> dict[str, Any]:
        return {"option": self.option, "drill": self.drill, "tips": self.tips}


def pct(loc: Locale, value: Decimal) -> str:
    return format_percent(value, "#,##0.0%", locale=loc.cldr)


def _num(value: str | None) -> float:
    """For drawing only: the shown numbers are the exact, Babel-formatted ones."""
    return float(Decimal(value)) if value is not None else 0.0


def _bar(
    cid: str,
    title: str,
    names: list[str],
    values: list[float],
    tips: list[str],
    drill: list[str],
    axis: str,
    horizontal: bool = False,
) -> dict[str, Any]:
    cat = {"type": "category", "data": names, "axisLabel": {"interval": 0, "hideOverlap": True}}
    val = {"type": "value", "name": axis}
    return {
        "aria": {"enabled": True},
        "title": {"show": False, "text": title},
        "legend": {"show": True, "top": 0, "data": [axis]},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "xAxis": val if horizontal else cat,
        "yAxis": cat if horizontal else val,
        "series": [{"type": "bar", "name": axis, "data": values, "cursor": "pointer"}],
    }


def breakdown(
    cid: str,
    title: str,
    rows: list[dict[str, Any]],
    loc: Locale,
    currency: str,
    label: Callable[[dict[str, Any]], str],
    drill: Callable[[dict[str, Any]], str],
    value_key: str = "value",
    horizontal: bool = False,
) -> Chart:
    names = [label(r) for r in rows]
    tips = [
        f"{label(r)}: {loc.money(Decimal(r[value_key]), currency)} · "
        + loc.ngettext("%(n)s order", "%(n)s orders", int(r.get("orders", r.get("paid_orders", 0))))
        for r in rows
    ]
    links = [drill(r) for r in rows]
    axis = loc.gettext(N_("Value (%(currency)s)"), currency=currency)
    option = _bar(cid, title, names, [_num(r[value_key]) for r in rows], tips, links, axis, horizontal)
    head = [loc.gettext(N_("Name")), loc.gettext(N_("Orders")), loc.gettext(N_("Value"))]
    table = [
        [
            label(r),
            loc.number(int(r.get("orders", r.get("paid_orders", 0)))),
            loc.money(Decimal(r[value_key]), currency),
        ]
        for r in rows
    ]
    return Chart(cid, title, option, links, tips, head, table, links)


def bucket_end(start: date, grain: str) -> date:
    if grain == "day":
        return start
    if grain == "week":
        return start + timedelta(days=6)
    nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def timeline(
    cid: str,
    title: str,
    series: dict[str, Any],
    loc: Locale,
    currency: str,
    grain: str,
    drill: Drill,
    period: tuple[date, date] | None = None,
) -> Chart:
    """Orders (bars, left axis) and value (line, right axis) by bucket, summed over the keys. A bucket's
    orders are those of its days inside ``period`` (a week or month may start before it or end after)."""
    buckets = [date.fromisoformat(b) for b in series["buckets"]]
    orders = [sum(vs[i] for vs in series["orders"].values()) for i in range(len(buckets))]
    values = [
        sum((Decimal(vs[i]) for vs in series["value"].values()), Decimal(0)) for i in range(len(buckets))
    ]
    names = [loc.short_date(b) for b in buckets]
    o_name = loc.gettext(N_("Orders"))
    v_name = loc.gettext(N_("Value (%(currency)s)"), currency=currency)
    tips = [
        f"{loc.date(b)}: " + loc.ngettext("%(n)s order", "%(n)s orders", n) + f" · {loc.money(v, currency)}"
        for b, n, v in zip(buckets, orders, values, strict=True)
    ]
    lo, hi = period or (min(buckets, default=date.min), max(buckets, default=date.min))
    links = [
        drill(start=max(b, lo).isoformat(), end=min(bucket_end(b, grain), hi).isoformat()) for b in buckets
    ]
    option = {
        "aria": {"enabled": True},
        "title": {"show": False, "text": title},
        "legend": {"show": True, "top": 0, "data": [o_name, v_name]},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 40, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"hideOverlap": True}},
        "yAxis": [{"type": "value", "name": o_name}, {"type": "value", "name": v_name, "position": "right"}],
        "series": [
            {"type": "bar", "name": o_name, "data": orders, "cursor": "pointer"},
            {
                "type": "line",
                "name": v_name,
                "yAxisIndex": 1,
                "data": [float(v) for v in values],
                "smooth": False,
            },
        ],
    }
    head = [loc.gettext(N_("Period")), o_name, v_name]
    rows = [
        [loc.date(b), loc.number(n), loc.money(v, currency)]
        for b, n, v in zip(buckets, orders, values, strict=True)
    ]
    return Chart(cid, title, option, links, tips, head, rows, links)


def funnel(cid: str, title: str, stages: list[tuple[str, str, int]], loc: Locale, drill: Drill) -> Chart:
    """The clearance funnel: (key, label, count) per stage, as bars in stage order."""
    names = [label for _, label, _ in stages]
    counts = [n for _, _, n in stages]
    tips = [f"{label}: {loc.number(n)}" for _, label, n in stages]
    links = [drill(by="customs_stage", key=k) for k, _, _ in stages]
    axis = loc.gettext(N_("Declarations"))
    option = _bar(cid, title, names, [float(n) for n in counts], tips, links, axis)
    head = [loc.gettext(N_("Stage")), axis]
    rows = [[label, loc.number(n)] for _, label, n in stages]
    return Chart(cid, title, option, links, tips, head, rows, links)


def routes(cid: str, title: str, routes: list[dict[str, Any]], loc: Locale, drill: Drill) -> Chart:
    names = [r["key"] for r in routes]
    kg_name = loc.gettext(N_("Kilograms"))
    lf_name = loc.gettext(N_("Load factor"))
    tips = [
        f"{r['key']}: {loc.number(Decimal(r['kg']))} kg · "
        + loc.ngettext("%(n)s parcel", "%(n)s parcels", int(r["parcels"]))
        + (f" · {pct(loc, Decimal(r['load_factor']))}" if r["load_factor"] is not None else "")
        for r in routes
    ]
    links = [drill(by="route", key=r["key"]) for r in routes]
    option = {
        "aria": {"enabled": True},
        "title": {"show": False, "text": title},
        "legend": {"show": True, "top": 0, "data": [kg_name, lf_name]},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 40, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": names},
        "yAxis": [
            {"type": "value", "name": kg_name},
            {"type": "value", "name": lf_name, "max": 1, "position": "right"},
        ],
        "series": [
            {"type": "bar", "name": kg_name, "data": [_num(r["kg"]) for r in routes], "cursor": "pointer"},
            {
                "type": "line",
                "name": lf_name,
                "yAxisIndex": 1,
                "data": [_num(r["load_factor"]) for r in routes],
            },
        ],
    }
    head = [
        loc.gettext(N_("Route")),
        loc.gettext(N_("Flights")),
        loc.gettext(N_("Parcels")),
        kg_name,
        lf_name,
    ]
    rows = [
        [
            r["key"],
            loc.number(int(r["flights"])),
            loc.number(int(r["parcels"])),
            loc.number(Decimal(r["kg"])),
            pct(loc, Decimal(r["load_factor"])) if r["load_factor"] is not None else "—",
        ]
        for r in routes
    ]
    return Chart(cid, title, option, links, tips, head, rows, links)


def stock(cid: str, title: str, items: list[dict[str, Any]], loc: Locale, drill: Drill) -> Chart:
    """Days of cover by warehouse and SKU (bars); a SKU without recent demand has no cover figure."""
    names = [f"{i['warehouse']} · {i['key']}" for i in items]
    cover = loc.gettext(N_("Cover (days)"))

    def days(i: dict[str, Any]) -> str:
        return "—" if i["cover_days"] is None else loc.number(Decimal(i["cover_days"]))

    tips = [
        f"{n}: {days(i)} · {loc.gettext(N_('Available'))} {loc.number(i['available'])}"
        for n, i in zip(names, items, strict=True)
    ]
    links = [drill(by="sku", key=i["key"]) for i in items]
    option = _bar(
        cid, title, names, [_num(i["cover_days"]) for i in items], tips, links, cover, horizontal=True
    )
    head = [
        loc.gettext(N_("Warehouse")),
        loc.gettext(N_("SKU")),
        loc.gettext(N_("Available")),
        loc.gettext(N_("On hand")),
        loc.gettext(N_("Demand per day")),
        cover,
    ]
    rows = [
        [
            i["warehouse"],
            i["key"],
            loc.number(int(i["available"])),
            loc.number(int(i["on_hand"])),
            loc.number(Decimal(i["daily_demand"])),
            days(i),
        ]
        for i in items
    ]
    return Chart(cid, title, option, links, tips, head, rows, links)
