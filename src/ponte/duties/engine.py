"""The landed-cost engine: the regime dispatch.

Pure: rules, the request and an exchange-rate source go in, a Quote comes
out. Every line carries the parameters (with their legal references) that
produced it. Each line is rounded to the minor unit of its currency with
the jurisdiction's rounding parameter; bases keep full precision except
that later bases use the rounded amounts of earlier lines, as authorities
add up assessed amounts. The context and the records live in
``ponte.duties.context``; the regimes in ``ponte.duties.regimes``.
"""

from __future__ import annotations

from ponte.duties.context import Ctx, FxSource, Line, Quote
from ponte.duties.errors import DutiesError
from ponte.duties.model import QuoteRequest
from ponte.duties.params import Rules
from ponte.duties.regimes import REGIMES, jurisdiction_of
from ponte.duties.regimes.common import channel
from ponte.kernel.errors import ValidationError

__all__ = ["Ctx", "FxSource", "Line", "Quote", "quote"]


def quote(req: QuoteRequest, rules: Rules, fx_source: FxSource | None = None) -> Quote:
    """Quote one request. Raises ValidationError for bad input, RuleNotInForce for a date without rules."""
    juris = jurisdiction_of(req.destination)
    if juris is None:
        raise ValidationError(
            f"{req.destination} is not a destination Ponte has rules for",
            field="/destination",
            rule=DutiesError.SUPPORTED_DESTINATION,
        )
    ctx = Ctx(req, rules, fx_source, juris)
    ctx.check_region()
    channel(ctx)
    regime, treatment, dutiable, basis = REGIMES[juris](ctx)
    goods_total = ctx.rnd(ctx.req_amount(req.goods_value + req.freight + req.insurance))
    return Quote(
        regime,
        treatment,
        ctx.currency,
        ctx.rnd(dutiable),
        basis,
        ctx.lines,
        ctx.limits,
        ctx.reasons,
        list(ctx.fx_used.values()),
        goods_total,
        req.locale,
        tuple(ctx.used.values()),
    )
