"""Routes that read JSON numbers exactly.

Python's json reads ``123456789012.1234567`` as a float and loses its last digits before any model sees
it; money and weights in Ponte are exact decimals, so every route of the API parses request bodies with
``parse_float=Decimal`` (a field typed ``int`` still takes ``2``; a ``Decimal`` field gets every digit).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

__all__ = ["ExactJsonRequest", "ExactJsonRoute"]


class ExactJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_float=Decimal)
        return self._json


class ExactJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact(request: Request) -> Response:
            return await handler(ExactJsonRequest(request.scope, request.receive))

        return exact
