"""Webhook subscriptions over HTTP (thin: ``ponte.webhooks.service``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.bootstrap import Platform
from ponte.kernel.clock import now
from ponte.platform.db import UnitOfWork
from ponte.webhooks import service

router = APIRouter(tags=["webhooks"])
Writer = Annotated[Principal, Depends(require_scope("logistics:write"))]


class WebhookSubscriptionIn(BaseModel):
    url: str = Field(
        max_length=500, description="https URL of a public host (loopback and private ranges are refused)"
    )
    kinds: list[str] = Field(
        default_factory=lambda: ["*"],
        max_length=100,
        description='FSU codes or order.<state> to send, or ["*"] for all',
    )
    secret: str | None = Field(
        None, min_length=16, max_length=200, description="signing secret; one is made when absent"
    )


@router.post(
    "/webhook-subscriptions",
    status_code=201,
    summary="Subscribe a URL to tracking events and order moves; the signing secret is shown once",
)
async def create_webhook_subscription(
    body: WebhookSubscriptionIn, request: Request, caller: Writer, database: DatabaseDep
) -> Response:
    platform: Platform = request.app.state.platform

    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        row = service.subscribe(
            uow,
            caller.tenant_id,
            body.url,
            body.kinds,
            now(),
            platform.webhook_kinds,
            body.secret,
            platform.webhooks_allow_private,
        )
        return 201, {**service.view(row), "secret": row.secret}

    return await run_idempotent(request, caller, database, handler)


@router.get("/webhook-subscriptions", summary="Webhook subscriptions (without their secrets)")
def list_webhook_subscriptions(caller: Writer, uow: UowDep) -> dict[str, Any]:
    return {"items": service.subscriptions(uow, caller.tenant_id)}


@router.delete(
    "/webhook-subscriptions/{subscription_id}",
    summary="Stop a subscription; its pending deliveries are cancelled",
)
def delete_webhook_subscription(subscription_id: str, caller: Writer, uow: UowDep) -> dict[str, Any]:
    cancelled = service.delete(uow, caller.tenant_id, subscription_id, now())
    uow.commit()
    return {"id": subscription_id, "deleted": True, "cancelled_deliveries": cancelled}
