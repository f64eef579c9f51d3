"""One entry point to check CEB messages: description (XSD facets, formats, code lists) + business
rules + the documents of an order agreeing with each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ponte.customs.china.crosscheck import check_export, check_import
from ponte.customs.china.fields import validate_fields
from ponte.customs.china.parse import parse
from ponte.customs.china.rules import message_rules, records
from ponte.customs.china.spec import get_spec
from ponte.kernel.errors import PonteError, ValidationError, Violation


def validate_message(
    code: str | int, data: dict[str, Any], *, before_signing: bool = False, strict: bool = True
) -> list[Violation]:
    """Violations of one message's data. ``before_signing`` waives the mandatory ds:Signature."""
    spec = get_spec(code)
    out = validate_fields(spec, data, strict=strict)
    if before_signing:
        out = [v for v in out if not (v.field.endswith("/Signature") and v.rule == "required")]
    out.extend(message_rules(spec.number, data))
    return out


def validate_set(messages: dict[str, dict[str, Any]], *, before_signing: bool = True) -> list[Violation]:
    """Violations of the messages of one order or batch (keys "303".."603" or "311".."621")."""
    out: list[Violation] = []
    for code, data in messages.items():
        out.extend(validate_message(code, data, before_signing=before_signing))
    grouped = {code: [data] for code, data in messages.items()}
    if any(c in grouped for c in ("303", "403", "505", "603")):
        out.extend(check_export(grouped))
    if any(c in grouped for c in ("311", "411", "511", "621")):
        out.extend(check_import(grouped))
    return out


def ensure_valid(messages: dict[str, dict[str, Any]], *, before_signing: bool = True) -> None:
    violations = validate_set(messages, before_signing=before_signing)
    if violations:
        raise ValidationError.of(violations)


@dataclass
class CheckReport:
    source: str
    message: str = ""
    violations: list[Violation] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.violations and not self.error

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "message": self.message,
            "ok": self.ok,
            "error": self.error,
            "violations": [v.as_dict() for v in self.violations],
        }


def check_bytes(raw: bytes, source: str = "<bytes>") -> CheckReport:
    """Parse and validate one message file; never raises for bad input."""
    try:
        parsed = parse(raw, lenient=False)
    except PonteError as exc:
        return CheckReport(source, error=str(exc), violations=list(exc.violations))
    report = CheckReport(source, message=parsed.code, violations=list(parsed.violations))
    if parsed.spec.is_receipt:
        report.violations.extend(validate_fields(parsed.spec, parsed.data, strict=False))
    else:
        report.violations.extend(validate_message(parsed.code, parsed.data))
    return report


def _order_keys(code: str, data: dict[str, Any]) -> set[str]:
    """The orders a message speaks for: its records' orderNo (an export waybill, which names none,
    by its logisticsNo)."""
    keys = set()
    for _, head, _ in records(code, data):
        if head.get("orderNo"):
            keys.add(f"order:{head['orderNo']}")
        elif head.get("logisticsNo"):
            keys.add(f"waybill:{head['logisticsNo']}")
    return keys


def check_files(items: list[tuple[str, bytes]]) -> list[CheckReport]:
    """Check several files; the messages of each order are also checked against each other (order,
    payment, waybill and inventory list must agree), and a disagreement is reported on the file of the
    order's message that holds it."""
    reports = []
    groups: dict[str, list[tuple[str, dict[str, Any], CheckReport]]] = {}
    waybill_order: dict[str, str] = {}
    for source, raw in items:
        report = check_bytes(raw, source)
        reports.append(report)
        if report.error:
            continue
        parsed = parse(raw, lenient=True)
        if parsed.spec.is_receipt:
            continue
        code = parsed.spec.number
        for key in _order_keys(code, parsed.data):
            groups.setdefault(key, []).append((code, parsed.data, report))
        if code == "603":
            for _, head, _ in records(code, parsed.data):
                if head.get("logisticsNo") and head.get("orderNo"):
                    waybill_order[f"waybill:{head['logisticsNo']}"] = f"order:{head['orderNo']}"
    for waybill, order in waybill_order.items():
        if waybill in groups:
            groups.setdefault(order, []).extend(groups.pop(waybill))
    for members in groups.values():
        by_code: dict[str, list[dict[str, Any]]] = {}
        owner: dict[str, CheckReport] = {}
        for code, data, report in members:
            by_code.setdefault(code, []).append(data)
            owner.setdefault(f"CEB{code}Message", report)
        cross: list[Violation] = []
        if "303" in by_code:
            cross.extend(check_export(by_code))
        if "311" in by_code:
            cross.extend(check_import(by_code))
        for v in cross:
            target = owner.get(v.field.split("/", 1)[0])
            if target is not None and v not in target.violations:
                target.violations.append(v)
    return reports
