"""Structured logs with personal data masked before anything is written."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

# Shapes of personal data that must never reach a log line in clear.
_PATTERNS = [
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "<email>"),
    (re.compile(r"\+\d[\d ()-]{7,}\d"), "<phone>"),
    (re.compile(r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b"), "<id-number>"),
    (re.compile(r"\b\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}\b"), "<id-number>"),
    (re.compile(r"\b\d{8,}[\dXxKk]?\b"), "<id-number>"),
    (re.compile(r"\bpk_[0-9a-f]+_[\w-]+"), "<api-key>"),
]


def mask_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        message = mask_text(record.getMessage())
        if not self.as_json:
            record.msg, record.args = message, ()
            return super().format(record)
        payload = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        for key in ("request_id", "tenant_id", "method", "path", "status", "ms"):
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["error"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)


def configure(level: str = "INFO", as_json: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskingFormatter(as_json))
    root = logging.getLogger("ponte")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
