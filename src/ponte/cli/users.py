"""`ponte users`: people who sign in to the console (the first administrator of a tenant, for one)."""

from __future__ import annotations

from typing import Annotated

import typer

from ponte.accounts import service_members as members
from ponte.accounts.roles import ROLES
from ponte.accounts.service import tenant_id_of
from ponte.bootstrap import platform
from ponte.cli.output import console, emit_json, guarded
from ponte.kernel.clock import now

users_app = typer.Typer(help="People who sign in to the console.", no_args_is_help=True)
__all__ = ["users_app"]


@users_app.command("add")
@guarded
def add(
    tenant: Annotated[str, typer.Argument(help="tenant slug")],
    email: Annotated[str, typer.Argument(help="the e-mail address the person signs in with")],
    name: Annotated[str, typer.Option(help="display name")],
    role: Annotated[list[str], typer.Option(help=f"role (repeat): {', '.join(ROLES)}")],
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="at least 12 characters"),
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add a person with a password and roles in a tenant (the password is never printed)."""
    with platform().database.unit_of_work() as uow:
        user_id = members.create_user(
            uow, tenant_id_of(uow, tenant), email, name, password, list(role), now()
        )
        uow.commit()
    if as_json:
        emit_json({"id": user_id, "tenant": tenant, "roles": sorted(set(role))})
    else:
        console.print(f"{email} can sign in to {tenant} as {', '.join(sorted(set(role)))}")
