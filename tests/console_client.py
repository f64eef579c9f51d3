"""A test client for the console that sends the CSRF token its pages carry, as the browser does."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

TOKEN = re.compile(r'data-csrf-token="([0-9a-f]*)"')


class ConsoleClient(TestClient):
    """A TestClient that, like the console's pages, sends the CSRF token of its cookies with every unsafe
    request to the console: the token is read from a page the server rendered (`data-csrf-token`), again
    whenever the session or CSRF cookie changed since."""

    _token: str = ""
    _token_cookies: tuple[str, ...] = ()

    def _cookie_state(self) -> tuple[str, ...]:
        return tuple(
            sorted(
                f"{c.name}={c.value}"
                for c in self.cookies.jar
                if "ponte_session" in c.name or "ponte_csrf" in c.name
            )
        )

    def _remember(self, response: Any) -> None:
        found = (
            TOKEN.search(response.text) if "text/html" in response.headers.get("content-type", "") else None
        )
        if found:
            self._token, self._token_cookies = found.group(1), self._cookie_state()

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        unsafe = method.upper() in ("POST", "PUT", "PATCH", "DELETE") and not str(url).startswith("/api/")
        headers = dict(kwargs.pop("headers", None) or {})
        if unsafe and not any(h.lower() == "x-csrf-token" for h in headers) and kwargs.pop("csrf", True):
            if not self._token or self._token_cookies != self._cookie_state():
                self._remember(super().request("GET", "/login", follow_redirects=True))
            headers["X-CSRF-Token"] = self._token
        else:
            kwargs.pop("csrf", None)
        response = super().request(method, url, *args, headers=headers, **kwargs)
        self._remember(response)
        return response
