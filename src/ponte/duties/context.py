"""What a regime works with and what it produces: the context, lines, limits, reasons and the quote.

Pure: rules, the request and an exchange-rate source go in, a Quote comes
out. Every line carries the parameters (with their legal references) that
produced it. Each line is rounded to the minor unit of its currency with
the jurisdiction's rounding parameter; bases keep full precision except
that later bases use the rounded amounts of earlier lines, as authorities
add up assessed amounts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from ponte.duties import messages
from ponte.duties.errors import DutiesError
from ponte.duties.fx import FxRate, FxSource, FxUse, divide
from ponte.duties.model import QuoteRequest
from ponte.duties.params import Resolved, RuleNotInForce, Rules
from ponte.kernel.errors import PonteError, ValidationError
from ponte.kernel.money import minor_units
from ponte.reference.countries import subdivisions

__all__ = ["Ctx", "FxRate", "FxSource", "FxUse", "Limit", "Line", "Quote", "Reason", "RegimeFn", "divide"]

_ROUNDING = {"ROUND_HALF_UP": ROUND_HALF_UP, "ROUND_HALF_EVEN": ROUND_HALF_EVEN}


@dataclass(frozen=True)
class Line:
    kind: str
    rate: Decimal | None
    base: Decimal
    amount: Decimal
    currency: str
    legal_basis: tuple[Resolved, ...]
    item: int | None = None
    note: str = ""

    def as_dict(self, locale: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "label": messages.text(self.kind, locale),
            "rate": None if self.rate is None else str(self.rate),
            "base": str(self.base),
            "amount": str(self.amount),
            "currency": self.currency,
            "legal_basis": [r.as_dict() for r in self.legal_basis],
        }
        if self.item is not None:
            out["item"] = self.item
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Limit:
    name: str
    limit: Decimal
    used: Decimal
    currency: str

    @property
    def left(self) -> Decimal:
        return max(self.limit - self.used, Decimal(0))

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "limit": str(self.limit),
            "used": str(self.used),
            "left": str(self.left),
            "currency": self.currency,
        }


@dataclass(frozen=True)
class Reason:
    code: str
    field: str
    params: dict[str, Any]
    blocking: bool

    def as_dict(self, locale: str) -> dict[str, Any]:
        message, texts = messages.texts(self.code, locale, self.params)
        return {
            "code": self.code,
            "field": self.field,
            "blocking": self.blocking,
            "message": message,
            "messages": texts,
        }


@dataclass
class Quote:
    regime: str
    treatment: str
    currency: str
    dutiable_value: Decimal
    dutiable_value_basis: str
    lines: list[Line]
    limits: list[Limit]
    reasons: list[Reason]
    fx: list[FxUse]
    goods_total: Decimal
    locale: str = "en"
    used: tuple[Resolved, ...] = ()

    @property
    def total_tax(self) -> Decimal:
        """The lines added up, in the currency's minor units ("0.00", never "0")."""
        total = sum((ln.amount for ln in self.lines), Decimal(0))
        return total.quantize(Decimal(1).scaleb(-minor_units(self.currency)))

    @property
    def landed_cost(self) -> Decimal:
        return self.goods_total + self.total_tax

    @property
    def allowed(self) -> bool:
        """Nothing blocks it and nothing is missing: a quote without a fact it needs is not allowed."""
        return not any(r.blocking for r in self.reasons)

    @property
    def blocked(self) -> bool:
        return any(r.blocking and r.code != "missing-data" for r in self.reasons)

    @property
    def complete(self) -> bool:
        return not any(r.code == "missing-data" for r in self.reasons)

    @property
    def status(self) -> str:
        """The verdict in one word: ``blocked``, ``incomplete`` or ``allowed``."""
        return "blocked" if self.blocked else "incomplete" if not self.complete else "allowed"

    def as_dict(self) -> dict[str, Any]:
        loc = self.locale
        cur = self.currency
        blocked = self.blocked
        return {
            "version": "1",
            "regime": self.regime,
            "treatment": self.treatment,
            "currency": cur,
            "dutiable_value": {
                "amount": str(self.dutiable_value),
                "currency": cur,
                "basis": self.dutiable_value_basis,
            },
            "lines": [ln.as_dict(loc) for ln in self.lines],
            # a blocked quote has no total to pay under the regime that refused it
            "total_tax": {"amount": None if blocked else str(self.total_tax), "currency": cur},
            "landed_cost": {"amount": None if blocked else str(self.landed_cost), "currency": cur},
            "verdict": {
                "status": self.status,
                "allowed": self.allowed,
                "complete": self.complete,
                "regime": self.regime,
                "limits": [lim.as_dict() for lim in self.limits],
                "reasons": [r.as_dict(loc) for r in self.reasons],
            },
            "fx": [f.as_dict() for f in self.fx],
        }


@dataclass
class Ctx:
    """What a regime function works with: request, rules at the date, money helpers."""

    req: QuoteRequest
    rules: Rules
    fx_source: FxSource | None
    jurisdiction: str
    currency: str = ""
    lines: list[Line] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    fx_used: dict[str, FxUse] = field(default_factory=dict)
    rounding: str = ROUND_HALF_UP
    _quantum: Decimal = Decimal("0.01")
    used: dict[str, Resolved] = field(default_factory=dict)
    _in_force: dict[str, Resolved] = field(default_factory=dict)
    _open_noted: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._in_force = self.rules.in_force(self.jurisdiction, self.req.date)
        self.currency = self.req.tax_currency or self.req.currency
        self._quantum = Decimal(1).scaleb(-minor_units(self.currency))
        try:
            mode = self.p("general.rounding")
        except RuleNotInForce:
            raise self._uncovered() from None
        self.rounding = _ROUNDING.get(str(mode.value), ROUND_HALF_UP)

    def _uncovered(self) -> ValidationError:
        """The market's coverage, named for a date outside it (every market's rounding rule opens it)."""
        values = self.rules.param(self.name("general.rounding")).values
        start = values[0][0].isoformat()
        return ValidationError(
            f"Ponte's rules for {self.req.destination} cover quotes from {start}; "
            f"{self.req.date.isoformat()} is outside that coverage",
            field="/date",
            rule=DutiesError.COVERED_DATE,
        )

    @property
    def on(self) -> date:
        return self.req.date

    @property
    def region(self) -> str | None:
        """The destination region as ISO 3166-2 (``SP`` for Brazil becomes ``BR-SP``), or None."""
        region = (self.req.destination_region or "").strip().upper()
        if not region:
            return None
        prefix = f"{self.req.destination}-"
        return region if region.startswith(prefix) else prefix + region

    def check_region(self) -> None:
        """A region is one of the market's ISO 3166-2 subdivisions, or the quote is refused: no region
        silently becomes another territory."""
        region = self.region
        if region is None:
            return
        if region not in {s.code for s in subdivisions(self.req.destination)}:
            brazil = self.req.destination == "BR"
            raise ValidationError(
                f"{self.req.destination_region!r} is not a region of {self.req.destination} (ISO 3166-2)"
                + (", e.g. SP" if brazil else ""),
                field="/destination_region",
                rule=DutiesError.BR_STATE if brazil else DutiesError.TERRITORY,
            )

    # rules -------------------------------------------------------------
    def name(self, short: str) -> str:
        return short if short.count(".") >= 2 else f"{self.jurisdiction.lower()}.{short}"

    def p(self, short: str) -> Resolved:
        resolved = self._in_force.get(short)
        if resolved is None:
            resolved = self._in_force[short] = self.rules.at(self.name(short), self.on)
        self.used[resolved.name] = resolved
        if resolved.open and resolved.name not in self._open_noted:
            self._open_noted.add(resolved.name)
            self.reasons.append(Reason("open-point", resolved.name, {"rule": resolved.name}, False))
        return resolved

    def maybe(self, short: str) -> Resolved | None:
        name = self.name(short)
        if name not in self.rules:
            return None
        try:
            return self.p(short)
        except RuleNotInForce:
            return None

    # money -------------------------------------------------------------
    def rnd(self, amount: Decimal) -> Decimal:
        return amount.quantize(self._quantum, rounding=self.rounding)

    def fx(self, base: str, quote: str) -> FxUse | None:
        """How an amount in ``base`` becomes one in ``quote`` (None: the same currency)."""
        if base == quote:
            return None
        pair = f"{base}/{quote}"
        used = self.fx_used.get(pair)
        if used is not None:
            return used
        explicit = self.req.fx
        if pair in explicit:
            use = FxUse(pair, explicit[pair], "request", None, "rate given in the request")
        elif f"{quote}/{base}" in explicit:
            use = FxUse(
                f"{quote}/{base}",
                explicit[f"{quote}/{base}"],
                "request",
                None,
                f"rate given in the request; amounts in {base} are divided by it",
                divide=True,
            )
        else:
            if self.fx_source is None:
                raise ValidationError(
                    f"no {pair} rate: give it in fx", field=f"/fx/{pair}", rule=DutiesError.RATE_AVAILABLE
                )
            rule = self.maybe("general.fx_rule")
            offset = self.maybe("general.fx_day_offset")
            on = self.on + timedelta(days=int(offset.value) if offset else 0)
            try:
                got = self.fx_source.rate(base, quote, on)
            except PonteError as exc:
                raise ValidationError(
                    f"no {pair} rate for {on.isoformat()}: give it in fx",
                    field=f"/fx/{pair}",
                    rule=DutiesError.RATE_AVAILABLE,
                ) from exc
            use = FxUse(
                pair,
                got.rate,
                got.table,
                got.rate_date,
                str(rule.value) if rule else "rate table (authority rule not found)",
            )
            if rule is None:
                self.reasons.append(Reason("fx-table", f"/fx/{pair}", {"table": got.table}, False))
        self.fx_used[pair] = use
        return use

    def to_cur(self, amount: Decimal, from_cur: str) -> Decimal:
        """An amount in another currency, in the computation currency (unrounded)."""
        use = self.fx(from_cur, self.currency)
        return amount if use is None else use.apply(amount)

    def in_cur(self, amount: Decimal, to_cur: str) -> Decimal:
        """An amount in the computation currency, in `to_cur` (for limit tests: exact, see divide)."""
        use = self.fx(self.currency, to_cur)
        return amount if use is None else use.apply(amount)

    def req_amount(self, amount: Decimal) -> Decimal:
        """An amount of the request (its currency) in the computation currency."""
        return self.to_cur(amount, self.req.currency)

    # results -----------------------------------------------------------
    def line(
        self,
        kind: str,
        base: Decimal,
        rate: Decimal | None,
        basis: list[Resolved],
        amount: Decimal | None = None,
        item: int | None = None,
        note: str = "",
    ) -> Line:
        exact = base * rate if amount is None and rate is not None else (amount or Decimal(0))
        ln = Line(
            kind,
            rate,
            self.rnd(base),
            self.rnd(max(exact, Decimal(0))),
            self.currency,
            tuple(basis),
            item,
            note,
        )
        self.lines.append(ln)
        return ln

    def limit(self, name: str, limit: Decimal, used: Decimal, currency: str) -> None:
        if currency == self.currency:
            used = self.rnd(used)
        elif used == used.to_integral_value():
            used = used.quantize(Decimal(1))
        else:
            used = used.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        self.limits.append(Limit(name, limit, used, currency))

    def reason(self, code: str, field: str = "", blocking: bool = True, **params: Any) -> None:
        self.reasons.append(Reason(code, field, params, blocking))

    def missing(self, field: str, line: str) -> None:
        """A fact the quote needs; ``line`` is the kind of tax line it cannot compute without it."""
        self.reasons.append(Reason("missing-data", field, {"field": field, "line": line}, True))


RegimeFn = Callable[[Ctx], tuple[str, str, Decimal, str]]
