"""Message ids the console uses: `_()` in templates, `_()`/`N_()` in its Python modules."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_python
from jinja2.ext import babel_extract

WEB = Path(__file__).resolve().parents[2] / "src" / "ponte" / "web"
KEYWORDS = {"_": None, "N_": None, "gettext": None}


def used_msgids() -> dict[str, str]:
    """msgid -> first file that uses it."""
    found: dict[str, str] = {}
    for path in sorted((WEB / "templates").glob("*.html")):
        with path.open("rb") as handle:
            for _line, _func, message, _comments in babel_extract(handle, KEYWORDS, [], {}):
                for text in message if isinstance(message, tuple) else (message,):
                    if isinstance(text, str):
                        found.setdefault(text, path.name)
    for path in sorted(WEB.rglob("*.py")):
        with path.open("rb") as handle:
            for _line, _func, message, _comments in extract_python(handle, KEYWORDS, [], {}):
                for text in message if isinstance(message, tuple) else (message,):
                    if isinstance(text, str):
                        found.setdefault(text, path.name)
    return found
