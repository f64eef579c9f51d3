"""The API's interactive documentation at /api/v1/docs: Swagger UI from Ponte's own files (vendored from the
npm package swagger-ui-dist by ``tools/vendor_swagger_ui.sh``), never from a CDN, and no inline script."""

from __future__ import annotations

from html import escape
from importlib import resources

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def install(api: FastAPI, title: str) -> None:
    folder = resources.files("ponte.api") / "static" / "swagger-ui"
    api.mount(ASSETS, StaticFiles(directory=str(folder)), name="docs-assets")

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # relative addresses: the page is at <root>/docs, beside <root>/openapi.json and <root>/docs-assets
        openapi = (api.openapi_url or "").lstrip("/")
        return HTMLResponse(
            "<!doctype html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} · docs</title>"
            f'<link rel="stylesheet" href="{ASSETS[1:]}/swagger-ui.css">'
            f'<script src="{ASSETS[1:]}/swagger-ui-bundle.js" defer></script>'
            f'<script src="{ASSETS[1:]}/docs-init.js" defer></script>'
            "</head><body>"
            f'<main id="swagger-ui" data-openapi="{escape(openapi)}"></main>'
            "</body></html>"
        )
