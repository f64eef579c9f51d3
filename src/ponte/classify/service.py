"""Classification use cases: suggest codes for a title (with the tenant's own confirmed titles as
examples), confirm a code on a product, let a broker override it with a reason, read the history, and
choose whether to share confirmed titles with other tenants."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ponte.catalog import service as catalog
from ponte.classify.core import Classification, Classifier, TenantExamples
from ponte.classify.encoder import UseEncoder
from ponte.classify.knowledge import Example, Index, load_knowledge
from ponte.classify.store import ClassificationEvent, ClassificationRepository, Version, shared_rows
from ponte.classify.text import check_title
from ponte.kernel.clock import now
from ponte.kernel.errors import NotFoundError, ValidationError
from ponte.kernel.ids import new_id
from ponte.kernel.languages import LANGUAGES
from ponte.platform.db import UnitOfWork
from ponte.reference import hs

__all__ = [
    "MARKETS",
    "Engine",
    "as_dict",
    "confirm",
    "history",
    "load_engine",
    "override",
    "set_sharing",
    "suggest",
    "suggest_public",
]

#: National tariffs beyond six digits, and whether Ponte ships a public table for them (it ships none yet:
#: China's 10-digit code comes from the product's own customs data; NCM and TIGIE are not packaged).
MARKETS = ("CN", "BR", "MX")


@dataclass
class Engine:
    """The loaded classifier and the per-tenant example cache (one per process, built by bootstrap)."""

    classifier: Classifier
    _cache: dict[str, tuple[Version, TenantExamples]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def examples(self, uow: UnitOfWork, tenant_id: str) -> TenantExamples:
        repo = ClassificationRepository(uow.session, tenant_id)
        version = repo.version()
        with self._lock:
            hit = self._cache.get(tenant_id)
        if hit is not None and hit[0] == version:
            return hit[1]
        rows = repo.current() + shared_rows(uow.session, tenant_id)
        examples = _examples(rows, tenant_id)
        with self._lock:
            self._cache[tenant_id] = (version, examples)
        return examples


def load_engine() -> Engine:
    """The packaged model, texts, examples and prebuilt index (about a second)."""
    return Engine(Classifier(load_knowledge(), UseEncoder(), Index.load()))


def _examples(rows: list[ClassificationEvent], tenant_id: str) -> TenantExamples:
    examples: list[Example] = []
    vectors: list[np.ndarray] = []
    for row in rows:
        own = row.tenant_id == tenant_id
        for (lang, title), vector in zip(sorted(row.titles.items()), row.matrix(), strict=True):
            source = "tenant" if own else "tenant:shared"
            examples.append(
                Example(
                    row.product_id or row.id, row.hs_code, lang, title, "", row.kind, source, row.tenant_id
                )
            )
            vectors.append(vector)
    if not examples:
        return TenantExamples.empty()
    return TenantExamples(examples, np.vstack(vectors).astype(np.float32))


def suggest(
    uow: UnitOfWork, engine: Engine, tenant_id: str, title: str, lang: str | None = None, limit: int = 5
) -> Classification:
    """Ranked, explained subheadings for a title, learning from the tenant's confirmed classifications."""
    return engine.classifier.classify(title, lang, _limit(limit), tenant=engine.examples(uow, tenant_id))


def suggest_public(engine: Engine, title: str, lang: str | None = None, limit: int = 5) -> Classification:
    """The same from Ponte's shipped knowledge alone (no tenant: the CLI, the batch)."""
    return engine.classifier.classify(title, lang, _limit(limit))


def _limit(limit: int) -> int:
    if not 1 <= limit <= 20:
        raise ValidationError("limit is between 1 and 20", field="limit", rule="range")
    return limit


def _check_codes(hs_code: str, cn_code: str | None) -> tuple[str, str | None]:
    code = hs.validate_hs6(hs_code, "hs_code")
    if cn_code is not None:
        cn = cn_code.replace(".", "").strip()
        if len(cn) != 10 or not cn.isdigit():
            raise ValidationError(
                "China's commodity code has 10 digits", field="cn_code", rule="cn-code-10-digits"
            )
        if not cn.startswith(code):
            raise ValidationError(
                f"China's code must refine the subheading {code}", field="cn_code", rule="cn-code-in-hs6"
            )
        return code, cn
    return code, None


def _record(
    uow: UnitOfWork,
    engine: Engine,
    tenant_id: str,
    actor: str,
    product_id: str,
    kind: str,
    hs_code: str,
    cn_code: str | None,
    reason: str | None,
) -> ClassificationEvent:
    code, cn = _check_codes(hs_code, cn_code)
    products = catalog.records_by_id(uow, tenant_id, [product_id])
    if product_id not in products:
        raise NotFoundError("product", product_id)
    product = products[product_id]
    titles = {
        lang: check_title(t)[0]
        for lang, t in sorted(product.titles.items())
        if lang in LANGUAGES and t.strip()
    }
    if not titles:
        raise ValidationError("the product has no title to learn from", field="titles", rule="required")
    vectors = engine.classifier.encode([titles[lang] for lang in sorted(titles)])
    event = ClassificationEvent(
        id=new_id("hsc"),
        product_id=product_id,
        kind=kind,
        hs_code=code,
        cn_code=cn,
        previous_code=product.hs_code or None,
        reason=reason,
        actor=actor[:64],
        titles=titles,
        vectors=np.ascontiguousarray(vectors, dtype=np.float32).tobytes(),
        created_at=now(),
    )
    ClassificationRepository(uow.session, tenant_id).add(event)
    catalog.set_hs_code(uow, tenant_id, product_id, code, cn)
    return event


def confirm(
    uow: UnitOfWork,
    engine: Engine,
    tenant_id: str,
    actor: str,
    product_id: str,
    hs_code: str,
    cn_code: str | None = None,
    commit: bool = True,
) -> dict[str, Any]:
    """The seller chose ``hs_code``: store it on the product and learn the product's titles from it."""
    event = _record(uow, engine, tenant_id, actor, product_id, "confirm", hs_code, cn_code, None)
    if commit:  # False when the caller's unit of work commits with more (the API's idempotency record)
        uow.commit()
    return event_dict(event)


def override(
    uow: UnitOfWork,
    engine: Engine,
    tenant_id: str,
    actor: str,
    product_id: str,
    hs_code: str,
    reason: str,
    cn_code: str | None = None,
    commit: bool = True,
) -> dict[str, Any]:
    """A broker replaces the product's code; the reason is kept in the product's history."""
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError("say why the code is overridden", field="reason", rule="required")
    if len(text) > 500:
        raise ValidationError("a reason has at most 500 characters", field="reason", rule="max-length")
    event = _record(uow, engine, tenant_id, actor, product_id, "override", hs_code, cn_code, text)
    if commit:  # False when the caller's unit of work commits with more (the API's idempotency record)
        uow.commit()
    return event_dict(event)


def history(uow: UnitOfWork, tenant_id: str, product_id: str) -> list[dict[str, Any]]:
    if product_id not in catalog.records_by_id(uow, tenant_id, [product_id]):
        raise NotFoundError("product", product_id)
    return [event_dict(e) for e in ClassificationRepository(uow.session, tenant_id).history(product_id)]


def set_sharing(uow: UnitOfWork, tenant_id: str, share: bool) -> dict[str, Any]:
    """Let other tenants learn from this tenant's confirmed classifications (off unless it says so)."""
    ClassificationRepository(uow.session, tenant_id).set_sharing(bool(share), now())
    uow.commit()
    return {"share": bool(share)}


def event_dict(e: ClassificationEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "product_id": e.product_id,
        "kind": e.kind,
        "hs_code": e.hs_code,
        "cn_code": e.cn_code,
        "previous_code": e.previous_code,
        "reason": e.reason,
        "actor": e.actor,
        "titles": dict(e.titles),
        "created_at": e.created_at.isoformat(),
    }


def as_dict(c: Classification, engine: Engine) -> dict[str, Any]:
    """A classification as JSON: each suggestion with its confidence, reasons and national codes."""
    messages = engine.classifier.messages
    national = {m: None for m in MARKETS}
    return {
        "title": c.title,
        "lang": c.lang,
        "low_confidence": c.low_confidence,
        "questions": c.questions,
        "notes": c.notes,
        "national_notes": [messages.text("national_unknown", c.lang, market=m) for m in MARKETS],
        "suggestions": [
            {
                "code": s.code,
                "heading": s.heading,
                "description": s.description,
                "chapter_label": s.chapter_label,
                "confidence": s.confidence,
                "reasons": [r.as_dict() for r in s.reasons],
                "national": dict(national),
            }
            for s in c.suggestions
        ],
    }
