"""The tenant's people and credentials: one's own account (password, TOTP, tenant), the members and their roles,
invitations, the audit log, and the tenant's API keys. Every action goes through the accounts service, which
checks the viewer's permission and keeps to the viewer's tenant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from ponte.accounts import roles as role_table
from ponte.accounts import service_members as members
from ponte.accounts import service_users as accounts
from ponte.kernel.clock import now
from ponte.kernel.errors import PermissionDenied, PonteError
from ponte.platform.db import Database, UnitOfWork
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.pages.signin import _errors, send_mail
from ponte.web.render import flash, locale_of, render

router = APIRouter()
register(NavEntry("/account", N_("My account"), order=90))
register(NavEntry("/users", N_("People"), scope=role_table.USERS_MANAGE, order=91))
register(NavEntry("/keys", N_("API keys"), scope=role_table.KEYS_MANAGE, order=92))
register(NavEntry("/audit", N_("Audit log"), scope=role_table.AUDIT_READ, order=93))

ViewerDep = Annotated[Viewer, Depends(require_viewer)]

#: The console's names of the audit log's actions.
ACTION_LABELS = {
    "session.signed_in": N_("Signed in"),
    "session.sign_in_failed": N_("Failed sign-in"),
    "session.signed_out": N_("Signed out"),
    "user.created": N_("Account created"),
    "user.invited": N_("Person invited"),
    "user.joined": N_("Invitation accepted"),
    "user.roles_changed": N_("Roles changed"),
    "user.removed": N_("Person removed"),
    "user.password_changed": N_("Password changed"),
    "user.password_reset_requested": N_("Password reset asked for"),
    "user.password_reset": N_("Password reset"),
    "user.totp_enabled": N_("Two-step sign-in turned on"),
    "user.totp_disabled": N_("Two-step sign-in turned off"),
    "invitation.revoked": N_("Invitation withdrawn"),
    "key.revoked": N_("API key revoked"),
}
ROLE_LABELS = {code: r.label for code, r in role_table.ROLES.items()}
N_("Park operator"), N_("Seller admin"), N_("Clerk"), N_("Streamer"), N_("Customs broker"), N_("Forwarder")
N_("Accountant")


def _db(request: Request) -> Database:
    return request.app.state.database  # type: ignore[no-any-return]


def _need(viewer: Viewer, permission: str) -> None:
    if not viewer.has(permission):
        raise PermissionDenied(f"this needs the permission {permission!r}", rule=permission)


def _role_options(viewer: Viewer) -> list[tuple[str, str]]:
    return [
        (code, ROLE_LABELS[code])
        for code, r in role_table.ROLES.items()
        if viewer.tenant_kind in r.tenant_kinds
    ]


# -- my account -----------------------------------------------------------------------------------------


def _account_page(
    request: Request,
    viewer: Viewer,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    setup: bool = False,
) -> Response:
    totp: dict[str, str] | None = None
    setup = setup or request.query_params.get("totp") == "setup"
    if viewer.session.user_id and not viewer.session.totp_enabled and setup:
        with _db(request).unit_of_work() as uow:
            secret, uri = members.start_totp(uow, viewer.session)
            uow.commit()
        qr = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False)
        totp = {"secret": secret, "qr": qr}
    return render(
        request, "account.html", status=status, errors=errors or {}, totp=totp, role_labels=ROLE_LABELS
    )


@router.get("/account")
def account(request: Request, viewer: ViewerDep) -> Response:
    return _account_page(request, viewer)


@router.post("/account/password")
def change_password(
    request: Request,
    viewer: ViewerDep,
    current: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    loc = locale_of(request)
    if password != confirm:
        return _account_page(
            request, viewer, 422, {"confirm": [loc.gettext(N_("The two passwords differ."))]}
        )
    try:
        with _db(request).unit_of_work() as uow:
            members.change_password(uow, viewer.session, current, password, now())
            uow.commit()
    except PonteError as exc:
        return _account_page(request, viewer, 422, _errors(exc, loc))
    flash(request, N_("Your password has been changed; your other sessions have ended."))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/totp")
def confirm_totp(request: Request, viewer: ViewerDep, code: Annotated[str, Form()] = "") -> Response:
    try:
        with _db(request).unit_of_work() as uow:
            members.confirm_totp(uow, viewer.session, code, now())
            uow.commit()
    except PonteError as exc:
        return _account_page(request, viewer, 422, _errors(exc, locale_of(request)), setup=True)
    flash(request, N_("Two-step sign-in is on: you will be asked for a code from your app."))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/totp/off")
def disable_totp(request: Request, viewer: ViewerDep, current: Annotated[str, Form()] = "") -> Response:
    try:
        with _db(request).unit_of_work() as uow:
            members.disable_totp(uow, viewer.session, current, now())
            uow.commit()
    except PonteError as exc:
        return _account_page(request, viewer, 422, _errors(exc, locale_of(request)))
    flash(request, N_("Two-step sign-in is off."))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/tenant")
def switch_tenant(request: Request, viewer: ViewerDep, tenant_id: Annotated[str, Form()] = "") -> Response:
    with _db(request).unit_of_work() as uow:
        accounts.switch_tenant(uow, viewer.session, tenant_id, now())
        uow.commit()
    return RedirectResponse("/", status_code=303)


# -- people ----------------------------------------------------------------------------------------------


def _people_page(
    request: Request,
    viewer: Viewer,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    with _db(request).unit_of_work(readonly=True) as uow:
        people = members.members(uow, viewer.session)
        invitations = members.open_invitations(uow, viewer.session, now())
    return render(
        request,
        "users.html",
        status=status,
        people=people,
        invitations=invitations,
        role_options=_role_options(viewer),
        role_labels=ROLE_LABELS,
        errors=errors or {},
        values=values or {},
    )


@router.get("/users")
def people(request: Request, viewer: ViewerDep) -> Response:
    _need(viewer, role_table.USERS_MANAGE)
    return _people_page(request, viewer)


@router.post("/users/invite")
async def invite(request: Request, viewer: ViewerDep) -> Response:
    _need(viewer, role_table.USERS_MANAGE)
    form = await request.form()
    email = str(form.get("email") or "")
    codes = [str(v) for v in form.getlist("roles")]
    try:
        with _db(request).unit_of_work() as uow:
            outgoing = members.invite(uow, viewer.session, email, codes, now())
            uow.commit()
    except PonteError as exc:
        return _people_page(request, viewer, 422, _errors(exc, locale_of(request)), {"email": email})
    send_mail(request, outgoing)
    flash(request, N_("The invitation has been sent."))
    return RedirectResponse("/users", status_code=303)


def _people_action(
    request: Request, viewer: Viewer, act: Callable[[UnitOfWork], object], done: str
) -> Response:
    """Change a membership (one unit of work), then back to the people page, or that page with the refusal
    beside its field (a 404 stays a 404)."""
    _need(viewer, role_table.USERS_MANAGE)
    try:
        with _db(request).unit_of_work() as uow:
            act(uow)
            uow.commit()
    except PonteError as exc:
        if exc.status == 404:
            raise
        return _people_page(request, viewer, 422, _errors(exc, locale_of(request)))
    flash(request, done)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/roles")
async def change_roles(request: Request, viewer: ViewerDep, user_id: str) -> Response:
    roles = [str(v) for v in (await request.form()).getlist("roles")]
    return _people_action(
        request,
        viewer,
        lambda uow: members.change_roles(uow, viewer.session, user_id, roles, now()),
        N_("The roles have been changed."),
    )


@router.post("/users/{user_id}/remove")
def remove(request: Request, viewer: ViewerDep, user_id: str) -> Response:
    return _people_action(
        request,
        viewer,
        lambda uow: members.remove_member(uow, viewer.session, user_id, now()),
        N_("The person has been removed from the tenant."),
    )


@router.post("/users/invitations/{invitation_id}/revoke")
def revoke_invitation(request: Request, viewer: ViewerDep, invitation_id: str) -> Response:
    _need(viewer, role_table.USERS_MANAGE)
    with _db(request).unit_of_work() as uow:
        members.revoke_invitation(uow, viewer.session, invitation_id, now())
        uow.commit()
    flash(request, N_("The invitation has been withdrawn."))
    return RedirectResponse("/users", status_code=303)


# -- keys and the audit log --------------------------------------------------------------------------------


@router.get("/keys")
def keys(request: Request, viewer: ViewerDep) -> Response:
    _need(viewer, role_table.KEYS_MANAGE)
    with _db(request).unit_of_work(readonly=True) as uow:
        rows = members.tenant_keys(uow, viewer.session)
    return render(request, "keys.html", keys=rows)


@router.post("/keys/{key_id}/revoke")
def revoke_key(request: Request, viewer: ViewerDep, key_id: str) -> Response:
    _need(viewer, role_table.KEYS_MANAGE)
    with _db(request).unit_of_work() as uow:
        members.revoke_tenant_key(uow, viewer.session, key_id, now())
        uow.commit()
    cache = getattr(request.app.state, "key_cache", None)
    if cache is not None:  # this process at once; the others within a second (the shared revocation version)
        cache.clear()
    flash(request, N_("The API key has been revoked."))
    return RedirectResponse("/keys", status_code=303)


@router.get("/audit")
def audit(request: Request, viewer: ViewerDep, before: int | None = None, action: str = "") -> Response:
    _need(viewer, role_table.AUDIT_READ)
    with _db(request).unit_of_work(readonly=True) as uow:
        entries = members.audit_entries(uow, viewer.session, before, 50, action or None)
        names = members.actor_names(uow, viewer.session, entries)
    return render(
        request,
        "audit.html",
        entries=entries,
        names=names,
        labels=ACTION_LABELS,
        action=action,
        next_before=entries[-1].id if len(entries) == 50 else None,
    )
