"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ponte.kernel.errors import PonteError, rule_name

log = logging.getLogger("ponte.api")

PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


def pointer(path: str | tuple[Any, ...] | list[Any]) -> str:
    """JSON pointer (RFC 6901) from a dotted path or a location tuple."""
    if isinstance(path, str):
        parts: list[Any] = [p for p in path.replace("[", ".").replace("]", "").split(".") if p]
    else:
        parts = list(path)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    escaped = [str(p).replace("~", "~0").replace("/", "~1") for p in parts]
    return "/" + "/".join(escaped) if escaped else ""


def document(
    status: int,
    detail: str,
    instance: str,
    request_id: str,
    errors: list[dict[str, str]] | None = None,
    kind: str = "",
) -> dict[str, Any]:
    """The problem document itself (also written by hand-routed hot paths)."""
    body: dict[str, Any] = {
        "type": f"https://ponte.dev/problems/{kind or status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
        "request_id": request_id,
    }
    if errors:
        body["errors"] = errors
    return body


def of_error(exc: PonteError, instance: str, request_id: str) -> dict[str, Any]:
    """The problem document of a `PonteError`: each violation with its JSON pointer, field and rule."""
    errors = [
        {"pointer": pointer(v.field), "field": v.field, "rule": v.rule, "detail": v.message}
        for v in exc.violations
    ]
    return document(exc.status, exc.message, instance, request_id, errors, kind=exc.rule or str(exc.status))


def problem(
    request: Request, status: int, detail: str, errors: list[dict[str, str]] | None = None, kind: str = ""
) -> JSONResponse:
    body = document(status, detail, request.url.path, getattr(request.state, "request_id", ""), errors, kind)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(PonteError)
    async def _ponte_error(request: Request, exc: PonteError) -> JSONResponse:
        body = of_error(exc, request.url.path, getattr(request.state, "request_id", ""))
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(body, status_code=exc.status, media_type=PROBLEM, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            errors.append(
                {
                    "pointer": pointer(loc),
                    "field": ".".join(str(p) for p in loc[1:] if p != "body") or str(loc[0] if loc else ""),
                    "rule": rule_name(str(err.get("type", "invalid"))),
                    "detail": str(err.get("msg", "invalid value")),
                }
            )
        summary = "; ".join(f"{e['pointer'] or '/'}: {e['detail']}" for e in errors[:3])
        return problem(request, 422, summary or "invalid request", errors, kind="validation")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"request_id": getattr(request.state, "request_id", "")})
        return problem(request, 500, "an unexpected error happened; the request id helps find it")
