"""Errors that name the field and the rule they broke.

Every adapter turns a :class:`PonteError` into its own form: a 422 problem
detail with a JSON pointer in the API, a message and exit code 2 in the CLI,
a message beside the field in the console.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (a dotted or JSON-pointer path) and which rule."""

    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class PonteError(Exception):
    """Base of every error Ponte raises on purpose for bad input or state."""

    status: int = 422

    def __init__(
        self,
        message: str,
        field: str = "",
        rule: str = "",
        violations: list[Violation] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule
        self.violations = list(violations or [])
        if status is not None:
            self.status = status
        if not self.violations and field:
            self.violations = [Violation(field, rule, message)]

    def __str__(self) -> str:
        if self.field:
            return f"{self.field}: {self.message} [{self.rule}]"
        return self.message


class ValidationError(PonteError):
    """Input that breaks a rule (format, range, code list, consistency)."""

    @classmethod
    def of(cls, violations: list[Violation]) -> ValidationError:
        summary = "; ".join(f"{v.field}: {v.message}" for v in violations[:5])
        if len(violations) > 5:
            summary += f"; and {len(violations) - 5} more"
        return cls(summary, violations=list(violations))


class NotFoundError(PonteError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} not found", field=what, rule="exists", status=404)


class ConflictError(PonteError):
    def __init__(self, message: str, field: str = "", rule: str = "conflict") -> None:
        super().__init__(message, field=field, rule=rule, status=409)


class PermissionDenied(PonteError):
    def __init__(self, message: str, rule: str = "scope") -> None:
        super().__init__(message, field="authorization", rule=rule, status=403)


def rule_name(validator_type: str) -> str:
    """The rule of a validation error: Ponte's own rule names pass through, a validator's type becomes
    the same kebab-case (``greater_than_equal`` → ``greater-than-equal``)."""
    return validator_type.replace("_", "-")
