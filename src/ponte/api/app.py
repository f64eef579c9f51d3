"""The HTTP application: the API under /api/v1 and the console at /."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import import_module

from fastapi import FastAPI, Request, Response
from sqlalchemy.exc import IntegrityError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ponte import __version__
from ponte.api import docs, problems
from ponte.api.deps import KeyCache
from ponte.api.guard import Guard, GuardPolicy
from ponte.api.routers.live_buy import FastPurchases
from ponte.background import Worker
from ponte.bootstrap import Platform
from ponte.journey import imports
from ponte.platform import logging as ponte_logging
from ponte.platform.db import Database
from ponte.platform.settings import Settings, get_settings
from ponte.web.app import mount_console

log = logging.getLogger("ponte.http")

# Each capability contributes one router module exposing `router`.
ROUTERS = [
    "ponte.api.routers.quotes",  # first: routes are matched in order, quotes are the hot path
    "ponte.api.routers.live_buy",
    "ponte.api.routers.live",
    "ponte.api.routers.catalog_io",
    "ponte.api.routers.order_imports",  # before the routes of one order: /orders/imports/...
    "ponte.api.routers.journey",
    "ponte.api.routers.fulfilment",
    "ponte.api.routers.classify",
    "ponte.api.routers.health",
    "ponte.api.routers.tenants",
    "ponte.api.routers.catalog",
    "ponte.api.routers.orders",
    "ponte.api.routers.reference",
    "ponte.api.routers.shipments",
    "ponte.api.routers.webhooks",
    "ponte.api.routers.declarations",
    "ponte.api.routers.warehouses",
    "ponte.api.routers.analytics",
    "ponte.api.routers.warehouses_flow",
]


def create_api(routers: list[str] | None = None) -> FastAPI:
    api = FastAPI(
        title="Ponte API",
        version=__version__,
        description="Cross-border e-commerce between China and the Portuguese- and Spanish-speaking world.",
        openapi_url="/openapi.json",
        docs_url=None,  # served from local assets by ponte.api.docs
        redoc_url=None,
    )
    problems.install(api)
    docs.install(api, "Ponte API")

    @api.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        return problems.problem(request, 409, "this conflicts with something already stored", kind="conflict")

    for name in routers or ROUTERS:
        api.include_router(import_module(name).router)
    return api


class RequestContext:
    """Pure ASGI middleware: a request id on every request and response, one access-log line.

    (Starlette's @app.middleware wraps each call in extra tasks and streams;
    this costs a dict lookup and a header.)
    """

    def __init__(self, app: ASGIApp, fast: FastPurchases | None = None) -> None:
        self.app = app
        self.fast = fast  # the flash-sale purchase route, answered before any routing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:100] or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        try:
            offer_id = self.fast.match(scope) if self.fast is not None else None
            if offer_id is not None:
                await self.fast(offer_id, scope, headers, receive, send_with_id)  # type: ignore[misc]
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )


def attach(target: FastAPI, platform: Platform, key_cache: KeyCache) -> None:
    """Give an app (or a bare API in tests) its platform (settings, database, FX, rules) and key cache."""
    target.state.platform = platform
    target.state.settings = platform.settings
    target.state.database = platform.database
    target.state.key_cache = key_cache


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The server: the API under /api/v1 and the console at /, on one platform."""
    platform = Platform(settings or get_settings(), _database=database)
    platform.cipher  # noqa: B018 - personal data is readable from the first request on
    ponte_logging.configure(platform.settings.log_level, platform.settings.log_json)
    worker = (
        Worker(
            platform.database,
            every=platform.settings.background_every,
            allow_private=platform.webhooks_allow_private,
            imports=lambda at, name: imports.run_due(platform.database, platform.journey, at, name),
        )
        if platform.settings.background_worker
        else None
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = FastAPI(
        title="Ponte", version=__version__, docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.worker = worker
    api = create_api()
    key_cache = KeyCache()  # per process; revoking a key through the API clears it
    for target in (app, api):
        attach(target, platform, key_cache)

    app.add_middleware(RequestContext, fast=FastPurchases(api.state))
    settings = platform.settings
    app.add_middleware(
        Guard,
        policy=GuardPolicy(
            max_body_bytes=settings.max_body_bytes,
            max_upload_bytes=settings.max_upload_bytes,
            per_key=settings.rate_limit_per_key,
            per_ip=settings.rate_limit_per_ip,
            storage=settings.rate_limit_storage,
        ),
    )  # outermost: sizes and rates are checked before anything else runs
    app.mount("/api/v1", api)
    mount_console(app)
    return app
