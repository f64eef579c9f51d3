"""`ponte keys`: tenants and their API keys (issue, list, revoke), through the accounts service."""

from __future__ import annotations

from typing import Annotated

import typer

from ponte.accounts import service as accounts
from ponte.accounts.roles import default_key_scopes
from ponte.bootstrap import platform
from ponte.cli.output import console, emit_json, emit_table, guarded

keys_app = typer.Typer(help="API keys of tenants.", no_args_is_help=True)


@keys_app.command("issue")
@guarded
def issue(
    tenant: Annotated[str, typer.Argument(help="tenant slug")],
    name: Annotated[str, typer.Option(help="what the key is for")] = "cli",
    scope: Annotated[
        list[str] | None, typer.Option(help="scope (repeat); default: every tenant scope")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Issue an API key; the secret is printed once and never stored."""
    with platform().database.unit_of_work() as uow:
        tenant_id = accounts.tenant_id_of(uow, tenant)
        # no scope named: every scope of the tenant's kind (park:operate too for the park operator)
        kind = accounts.tenant(uow, tenant_id).kind
        view, secret = accounts.issue_key(uow, tenant_id, name, scope or default_key_scopes(kind))
        uow.commit()
    if as_json:
        emit_json({"id": view.id, "tenant": tenant, "scopes": view.scopes, "key": secret})
    else:
        console.print(f"key {view.id} for {tenant}: [bold]{secret}[/bold] (shown once)")


@keys_app.command("list")
@guarded
def list_keys(
    tenant: Annotated[str, typer.Argument(help="tenant slug")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The tenant's keys, revoked ones included (prefixes only, never secrets)."""
    with platform().database.unit_of_work(readonly=True) as uow:
        views = accounts.keys(uow, accounts.tenant_id_of(uow, tenant))
    if as_json:
        emit_json({"tenant": tenant, "keys": [v.as_dict() for v in views]})
        return
    emit_table(
        f"API keys of {tenant}",
        ["id", "name", "prefix", "scopes", "created", "revoked", "issued by"],
        [
            (v.id, v.name, v.prefix, " ".join(v.scopes), f"{v.created_at:%Y-%m-%d %H:%M}",
             f"{v.revoked_at:%Y-%m-%d %H:%M}" if v.revoked_at else "", v.parent_id or "")
            for v in views
        ],
    )  # fmt: skip


@keys_app.command("revoke")
@guarded
def revoke(
    tenant: Annotated[str, typer.Argument(help="tenant slug")],
    key_id: Annotated[str, typer.Argument(help="the key's id (see `ponte keys list`)")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Revoke a key and every key it issued, on every server within a second."""
    with platform().database.unit_of_work() as uow:
        revoked = accounts.revoke_key(uow, accounts.tenant_id_of(uow, tenant), key_id)
        uow.commit()
    if as_json:
        emit_json({"tenant": tenant, "revoked": revoked})
    else:
        console.print(f"revoked: {', '.join(revoked) or 'nothing (already revoked)'}")


@keys_app.command("tenant")
@guarded
def add_tenant(
    slug: Annotated[str, typer.Argument(help="short unique name")],
    name: Annotated[str, typer.Option(help="display name")],
    kind: Annotated[str, typer.Option(help="seller | provider | operator")] = "seller",
    country: Annotated[str, typer.Option(help="ISO country")] = "CN",
) -> None:
    """Create a tenant (then `ponte keys issue SLUG`)."""
    with platform().database.unit_of_work() as uow:
        accounts.add_tenant(uow, name, slug, kind, country)
        uow.commit()
    console.print(f"tenant {slug} created")
