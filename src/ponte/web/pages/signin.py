"""Signing in and out: e-mail and password (then the TOTP code), an API key, a demo tenant in development;
forgotten passwords (a signed link by mail) and invitations (a link by mail)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from ponte.accounts import service_members as members
from ponte.accounts import service_users as accounts
from ponte.accounts.adapters.mail import Letter
from ponte.accounts.service_members import Outgoing
from ponte.kernel.clock import now
from ponte.kernel.errors import PonteError
from ponte.platform.db import Database
from ponte.web.auth import accounts_context, current_viewer, end_session, start_session
from ponte.web.i18n import N_, Locale
from ponte.web.render import locale_of, render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only paths of this site (no `//host`, scheme or backslash) are followed after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _db(request: Request) -> Database:
    return request.app.state.database  # type: ignore[no-any-return]


def _errors(exc: PonteError, loc: Locale) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in exc.violations or []:
        out.setdefault(v.field or "form", []).append(loc.gettext(v.message))
    if not out:
        out["form"] = [loc.gettext(exc.message)]
    return out


def _login_page(
    request: Request,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    next_: str = "/",
    values: dict[str, str] | None = None,
    pending: str = "",
    notice: str | None = None,
) -> Response:
    with _db(request).unit_of_work(readonly=True) as uow:
        demo = accounts.demo_tenants(uow, accounts_context(request.app.state.settings))
    return render(
        request,
        "login.html",
        status=status,
        errors=errors or {},
        values=values or {},
        next=safe_next(next_),
        demo=demo,
        pending=pending,
        notice=notice,
    )


def _signed_in(request: Request, token: str, next_: str) -> Response:
    start_session(request, token)
    return RedirectResponse(safe_next(next_), status_code=303)


#: Notices the sign-in page may show after a redirect (``?notice=``): never text from the address itself.
NOTICES = {
    "reset": N_("Your password has been changed. Sign in with it."),
    "joined": N_("You have joined the tenant. Sign in with your e-mail address and password."),
}


@router.get("/login")
def login_form(request: Request, next: str = "/", notice: str = "") -> Response:
    if current_viewer(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_=next, notice=NOTICES.get(notice))


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    api_key: Annotated[str | None, Form()] = None,
    next: Annotated[str, Form()] = "/",
) -> Response:
    loc = locale_of(request)
    ctx = accounts_context(request.app.state.settings)
    if api_key is not None and not email.strip():
        if not api_key.strip():
            return _login_page(request, 422, {"api_key": [loc.gettext(N_("Paste an API key."))]}, next)
        with _db(request).unit_of_work() as uow:
            token = accounts.sign_in_with_key(uow, api_key, now())
            uow.commit()
        if token is None:
            message = loc.gettext(N_("This API key is not valid or has been revoked."))
            return _login_page(request, 422, {"api_key": [message]}, next)
        return _signed_in(request, token, next)
    if not email.strip() and not password:
        message = loc.gettext(N_("Enter your e-mail address and your password."))
        return _login_page(request, 422, {"email": [message]}, next)
    try:
        with _db(request).unit_of_work() as uow:
            try:
                step = accounts.sign_in_with_password(uow, ctx, email, password, now())
            finally:
                uow.commit()  # the count of failed attempts is kept even when this one fails
    except PonteError as exc:
        return _login_page(request, 422, _errors(exc, loc), next, {"email": email})
    if step.token is not None:
        return _signed_in(request, step.token, next)
    return _login_page(request, 200, None, next, {"email": email}, pending=step.pending or "")


@router.post("/login/code")
def login_code(
    request: Request,
    pending: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    loc = locale_of(request)
    ctx = accounts_context(request.app.state.settings)
    try:
        with _db(request).unit_of_work() as uow:
            try:
                token = accounts.sign_in_with_totp(uow, ctx, pending, code, now())
            finally:
                uow.commit()
    except PonteError as exc:
        errors = _errors(exc, loc)
        expired = any(v.rule in ("expired", "signature") for v in exc.violations)
        return _login_page(request, 422, errors, next, pending="" if expired else pending)
    return _signed_in(request, token, next)


@router.post("/login/demo")
def login_demo(
    request: Request, tenant_id: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    with _db(request).unit_of_work() as uow:
        token = accounts.sign_in_demo(uow, accounts_context(request.app.state.settings), tenant_id, now())
        uow.commit()
    if token is None:
        loc = locale_of(request)
        message = loc.gettext(N_("One-click sign-in is only for demo tenants."))
        return _login_page(request, 422, {"form": [message]}, next)
    return _signed_in(request, token, next)


@router.post("/logout")
def logout(request: Request) -> Response:
    token = request.scope.get("ponte.session_token") or ""
    with _db(request).unit_of_work() as uow:
        accounts.sign_out(uow, token, now())
        uow.commit()
    end_session(request)
    return RedirectResponse("/login", status_code=303)


# -- mail ----------------------------------------------------------------------------------------------


def send_mail(request: Request, outgoing: Outgoing) -> None:
    """Send an invitation or reset link, in the language of the page that asked for it."""
    loc = locale_of(request)
    platform = request.app.state.platform
    base = platform.console_base
    if outgoing.kind == "invitation":
        link = f"{base}/invite?token={outgoing.token}"
        subject = loc.gettext(N_("You are invited to %(tenant)s on Ponte")) % {"tenant": outgoing.tenant_name}
        body = loc.gettext(
            N_("Open this link within 7 days to join %(tenant)s on the Ponte console:\n\n%(link)s\n")
        ) % {"tenant": outgoing.tenant_name, "link": link}
    else:
        link = f"{base}/reset?token={outgoing.token}"
        subject = loc.gettext(N_("Reset your Ponte password"))
        body = loc.gettext(
            N_(
                "Open this link within an hour to choose a new password:\n\n%(link)s\n\n"
                "If you did not ask for it, ignore this message: your password stays as it is."
            )
        ) % {"link": link}
    platform.mail.send(Letter(outgoing.to, subject, body))


# -- forgotten passwords ---------------------------------------------------------------------------------


@router.get("/forgot")
def forgot_form(request: Request) -> Response:
    return render(request, "forgot.html", errors={}, values={}, sent=False)


@router.post("/forgot")
def forgot(request: Request, email: Annotated[str, Form()] = "") -> Response:
    loc = locale_of(request)
    ctx = accounts_context(request.app.state.settings)
    try:
        with _db(request).unit_of_work() as uow:
            outgoing = members.request_password_reset(uow, ctx, email, now())
            uow.commit()
    except PonteError as exc:
        return render(
            request, "forgot.html", status=422, errors=_errors(exc, loc), values={"email": email}, sent=False
        )
    if outgoing is not None:
        send_mail(request, outgoing)
    # the same answer whether or not the address belongs to someone
    return render(request, "forgot.html", errors={}, values={}, sent=True)


@router.get("/reset")
def reset_form(request: Request, token: str = "") -> Response:
    loc = locale_of(request)
    ctx = accounts_context(request.app.state.settings)
    try:
        with _db(request).unit_of_work(readonly=True) as uow:
            members.check_reset_link(uow, ctx, token, now())
    except PonteError as exc:
        return render(request, "reset.html", status=422, errors=_errors(exc, loc), token="", valid=False)
    return render(request, "reset.html", errors={}, token=token, valid=True)


@router.post("/reset")
def reset(
    request: Request,
    token: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    loc = locale_of(request)
    if password != confirm:
        message = loc.gettext(N_("The two passwords differ."))
        return render(
            request, "reset.html", status=422, errors={"confirm": [message]}, token=token, valid=True
        )
    ctx = accounts_context(request.app.state.settings)
    try:
        with _db(request).unit_of_work() as uow:
            members.reset_password(uow, ctx, token, password, now())
            uow.commit()
    except PonteError as exc:
        valid = not any(v.field == "token" for v in exc.violations)
        return render(request, "reset.html", status=422, errors=_errors(exc, loc), token=token, valid=valid)
    return RedirectResponse("/login?notice=reset", status_code=303)


# -- invitations -------------------------------------------------------------------------------------------


@router.get("/invite")
def invitation_form(request: Request, token: str = "") -> Response:
    loc = locale_of(request)
    try:
        with _db(request).unit_of_work(readonly=True) as uow:
            view = members.invitation(uow, token, now())
    except PonteError as exc:
        return render(
            request, "invite.html", status=422, errors=_errors(exc, loc), invitation=None, token="", values={}
        )
    return render(request, "invite.html", errors={}, invitation=view, token=token, values={})


@router.post("/invite")
def accept(
    request: Request,
    token: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    loc = locale_of(request)
    try:
        with _db(request).unit_of_work() as uow:
            members.accept_invitation(uow, token, name, password, now())
            uow.commit()
    except PonteError as exc:
        with _db(request).unit_of_work(readonly=True) as uow:
            try:
                again = members.invitation(uow, token, now())
            except PonteError:
                again = None
        return render(
            request,
            "invite.html",
            status=422,
            errors=_errors(exc, loc),
            invitation=again,
            token=token if again else "",
            values={"name": name},
        )
    return RedirectResponse("/login?notice=joined", status_code=303)
