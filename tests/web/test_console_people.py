"""The console with people's accounts: each role signs in and sees what its scopes allow, tenants never see each
other, forms refuse cross-site posts, sign-out kills the cookie, TOTP, reset links, invitations, headers."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from console_client import ConsoleClient
from ponte.accounts import credentials
from ponte.accounts import service_members as members
from ponte.accounts.roles import ROLES
from ponte.api.app import create_app
from ponte.kernel.clock import now
from ponte.platform.settings import Settings

PASSWORD = "correct horse battery"
# the pages each role may open (200) and may not (403); "/" and /account are everyone's
PAGES = [
    "/catalogue",
    "/orders",
    "/orders/new",
    "/quotes",
    "/customs",
    "/shipments",
    "/live",
    "/users",
    "/keys",
    "/audit",
]
ALLOWED = {
    "seller_admin": set(PAGES),
    "clerk": {"/catalogue", "/orders", "/orders/new", "/quotes", "/customs", "/shipments", "/live"},
    "streamer": {"/catalogue", "/quotes", "/live"},
    "customs_broker": {"/orders", "/quotes", "/customs", "/shipments"},
    "forwarder": {"/orders", "/customs", "/shipments"},
    "accountant": {"/orders", "/quotes", "/customs", "/audit"},
    "park_operator": set(PAGES),
}


@pytest.fixture(scope="module")
def people(console_db, tmp_path_factory) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    database, park, url = console_db
    mail = tmp_path_factory.mktemp("mail")
    emails: dict[str, str] = {}
    with database.unit_of_work() as uow:
        for code in ROLES:
            tenant = park.operator_id if code == "park_operator" else park.seller_id
            emails[code] = f"{code.replace('_', '.')}@glow.example"
            members.create_user(uow, tenant, emails[code], code.title(), PASSWORD, [code], now())
        emails["other"] = "admin@yiwu.example"
        members.create_user(
            uow, park.other_id, emails["other"], "Yiwu Admin", PASSWORD, ["seller_admin"], now()
        )
        uow.commit()
    settings = Settings(env="development", database_url=url, log_level="WARNING", mail_dir=mail)
    return {"app": create_app(settings, database), "park": park, "emails": emails, "mail": mail}


@pytest.fixture()
def web(people) -> Any:  # type: ignore[no-untyped-def]
    with ConsoleClient(people["app"], follow_redirects=True) as client:
        yield client


def bare(client: Any, path: str, **kwargs: Any) -> Any:
    """A POST as a forged page would send it: without the token the console's pages carry."""
    return TestClient.request(client, "POST", path, **kwargs)


def password_sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    response = client.post("/login", data={"email": email, "password": password, "next": "/"})
    assert response.status_code == 200, response.text[:500]
    return response


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_and_opens_only_what_its_scopes_allow(web, people, role: str) -> None:  # type: ignore[no-untyped-def]
    home = password_sign_in(web, people["emails"][role])
    assert str(home.url).endswith("/")
    menu = home.text.split("</nav>")[0]
    for path in PAGES:
        status = web.get(path, follow_redirects=False).status_code
        assert status == (200 if path in ALLOWED[role] else 403), (role, path, status)
        if path in ("/orders", "/catalogue", "/users", "/keys", "/audit", "/customs"):
            assert (f'href="{path}"' in menu) == (path in ALLOWED[role]), (role, path)
    assert web.get("/account").status_code == 200


def test_a_tenant_never_sees_anothers_people_keys_or_audit(web, people) -> None:  # type: ignore[no-untyped-def]
    password_sign_in(web, people["emails"]["seller_admin"])
    users = web.get("/users").text
    assert "clerk@glow.example" in users and "yiwu.example" not in users
    keys = web.get("/keys").text
    assert keys.count('data-key="') >= 1
    park = people["park"]
    with people["app"].state.database.unit_of_work() as uow:
        from ponte.accounts.store import ApiKey

        other_keys = [k.id for k in uow.session.query(ApiKey).filter(ApiKey.tenant_id == park.other_id)]
        other_user = members.UserRepository(uow.session).by_email(people["emails"]["other"])
        assert other_user is not None
        other_user_id = other_user.id
    assert all(k not in keys for k in other_keys)
    assert web.post(f"/keys/{other_keys[0]}/revoke").status_code == 404
    assert web.post(f"/users/{other_user_id}/roles", data={"roles": "clerk"}).status_code == 404
    assert web.post(f"/users/{other_user_id}/remove").status_code == 404
    audit = web.get("/audit").text
    assert other_user_id not in audit and "data-action=" in audit
    web.post("/logout")
    password_sign_in(web, people["emails"]["other"])
    assert "glow.example" not in web.get("/users").text


def test_forms_refuse_posts_without_the_token_or_from_another_site(web, people) -> None:  # type: ignore[no-untyped-def]
    password_sign_in(web, people["emails"]["seller_admin"])
    assert bare(web, "/users/invite", data={"email": "x@glow.example", "roles": "clerk"}).status_code == 403
    bad = bare(
        web, "/users/invite", data={"email": "x@glow.example", "roles": "clerk", "csrf_token": "0" * 64}
    )
    assert bad.status_code == 403 and "another site" in bad.text
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain
    ):
        refused = web.post("/logout", headers=headers)
        assert refused.status_code == 403, headers
    assert web.get("/users").status_code == 200  # still signed in: nothing went through
    same = web.post("/logout", headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200 and "/login" in str(same.url)


def test_sign_in_itself_needs_the_token(people) -> None:  # type: ignore[no-untyped-def]
    with ConsoleClient(people["app"]) as client:
        data = {"email": people["emails"]["clerk"], "password": PASSWORD}
        assert bare(client, "/login", data=data).status_code == 403  # login CSRF
        client.get("/login")
        assert bare(client, "/login", data=data).status_code == 403
        assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def test_the_session_cookie_is_dead_after_sign_out(web, people) -> None:  # type: ignore[no-untyped-def]
    password_sign_in(web, people["emails"]["clerk"])
    cookie = web.cookies.get("ponte_session")
    assert cookie and len(cookie) >= 40
    web.post("/logout")
    with ConsoleClient(people["app"]) as thief:
        thief.cookies.set("ponte_session", cookie)
        response = thief.get("/orders", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_security_headers_on_console_and_api(web) -> None:  # type: ignore[no-untyped-def]
    cookies = web.get("/login").headers.get_list("set-cookie")  # the first visit gets the CSRF nonce
    assert any("ponte_csrf=" in c and "HttpOnly" in c and "SameSite=Strict" in c for c in cookies)
    for path in ("/login", "/api/v1/docs", "/api/v1/health"):
        headers = web.get(path).headers
        csp = headers["content-security-policy"]
        assert (
            "script-src 'self'" in csp
            and "frame-ancestors 'none'" in csp
            and "unsafe-inline" not in csp.split("style-src-attr")[0]
        )
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain HTTP here


def test_hsts_and_host_cookies_over_https(console_db) -> None:  # type: ignore[no-untyped-def]
    database, _park, url = console_db
    settings = Settings(
        env="production",
        database_url=url,
        public_url="https://console.example.com",
        data_key=os.environ["PONTE_DATA_KEY"],  # the process's one cipher: the seeded rows stay readable
        session_secret="a-production-like-session-secret-of-this-test",
    )
    with ConsoleClient(create_app(settings, database), base_url="https://console.example.com") as client:
        response = client.get("/login")
        assert response.headers["strict-transport-security"].startswith("max-age=")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-ponte_csrf=") and "Secure" in cookie and "Domain" not in cookie
        assert (
            client.post("/logout", headers={"Origin": "https://console.example.com.evil.example"}).status_code
            == 403
        )


def test_api_docs_come_from_local_assets(web) -> None:  # type: ignore[no-untyped-def]
    page = web.get("/api/v1/docs").text
    assert "cdn" not in page.lower() and "<script>" not in page
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not asset.startswith(("http:", "https:", "//"))
        assert web.get(f"/api/v1/{asset}").status_code == 200, asset


def _mail(people, since: int) -> list[Any]:  # type: ignore[no-untyped-def]
    files = sorted(Path(people["mail"]).glob("*.eml"))
    return [message_from_bytes(p.read_bytes()) for p in files[since:]]


def _link(message: Any) -> str:
    body = message.get_payload(decode=True).decode("utf-8")
    found = re.search(r"http://127\.0\.0\.1:8000(/\S+)", body)
    assert found, body
    return found.group(1)


def test_a_reset_link_by_mail_sets_a_new_password_once(web, people) -> None:  # type: ignore[no-untyped-def]
    before = len(_mail(people, 0))
    answer = web.post("/forgot", data={"email": "nobody@glow.example"})
    assert 'id="reset-sent"' in answer.text and len(_mail(people, 0)) == before
    web.post("/forgot", data={"email": people["emails"]["accountant"]}, params={"lang": "pt-BR"})
    (message,) = _mail(people, before)
    assert message["To"] == people["emails"]["accountant"] and "senha" in message["Subject"]
    link = _link(message)
    assert web.get(link).status_code == 200
    token = link.split("token=")[1]
    refused = web.post("/reset", data={"token": token, "password": "short", "confirm": "short"})
    assert refused.status_code == 422 and 'id="password-error"' in refused.text
    done = web.post(
        "/reset",
        data={
            "token": token,
            "password": "a new accountant passphrase",
            "confirm": "a new accountant passphrase",
        },
    )
    assert done.status_code == 200 and "/login" in str(done.url)
    again = web.post(
        "/reset",
        data={"token": token, "password": "yet another passphrase", "confirm": "yet another passphrase"},
    )
    assert again.status_code == 422
    password_sign_in(web, people["emails"]["accountant"], "a new accountant passphrase")


def test_an_invitation_by_mail_brings_a_streamer_in(web, people) -> None:  # type: ignore[no-untyped-def]
    password_sign_in(web, people["emails"]["seller_admin"])
    before = len(_mail(people, 0))
    wrong = web.post("/users/invite", data={"email": "not an address", "roles": "streamer"})
    assert wrong.status_code == 422 and 'id="email-error"' in wrong.text
    sent = web.post("/users/invite", data={"email": "lia@glow.example", "roles": "streamer"})
    assert sent.status_code == 200 and "lia@glow.example" in sent.text
    (message,) = _mail(people, before)
    link = _link(message)
    web.post("/logout")
    page = web.get(link)
    assert "Shenzhen Glow Beauty" in page.text
    token = link.split("token=")[1]
    joined = web.post("/invite", data={"token": token, "name": "Lia", "password": "lia's own passphrase"})
    assert joined.status_code == 200 and "notice" in str(joined.url)
    home = password_sign_in(web, "lia@glow.example", "lia's own passphrase")
    assert 'href="/live"' in home.text and 'href="/orders"' not in home.text


def test_totp_from_the_account_page_then_at_sign_in(web, people) -> None:  # type: ignore[no-untyped-def]
    password_sign_in(web, people["emails"]["forwarder"])
    setup = web.get("/account", params={"totp": "setup"}).text
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', setup)
    assert secret and "<svg" in setup
    wrong = web.post("/account/totp", data={"code": "12"})
    assert wrong.status_code == 422 and 'id="code-error"' in wrong.text
    on = web.post("/account/totp", data={"code": credentials.totp_code(secret.group(1), now())})
    assert 'id="totp-on"' in on.text
    web.post("/logout")
    step = web.post("/login", data={"email": people["emails"]["forwarder"], "password": PASSWORD})
    pending = re.search(r'name="pending" value="([^"]+)"', step.text)
    assert pending and 'id="code-form"' in step.text
    assert web.get("/orders", follow_redirects=False).status_code == 303  # not signed in yet
    bad = web.post("/login/code", data={"pending": pending.group(1), "code": "000000"})
    assert bad.status_code == 422
    # the code of the enrolment's step was used once: the next step's (within the allowed drift) signs in
    following = credentials.totp_code(secret.group(1), now() + timedelta(seconds=credentials.TOTP_STEP))
    good = web.post("/login/code", data={"pending": pending.group(1), "code": following})
    assert good.status_code == 200 and web.get("/orders", follow_redirects=False).status_code == 200


def test_the_demo_prints_the_operators_key_masked() -> None:
    from ponte.cli.demo import masked_key

    assert masked_key("pk_0a1b2c3d4e5f_secretsecretsecret") == "pk_0a1b2c3d4e5f_…"
    assert masked_key("garbage") == "…"


def test_an_admin_revokes_a_key_of_the_tenant_from_the_console(web, people) -> None:  # type: ignore[no-untyped-def]
    password_sign_in(web, people["emails"]["seller_admin"])
    key = people["park"].seller_key
    assert web.get("/api/v1/products", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    page = web.get("/keys").text
    key_id = re.search(r'data-key="(key_[^"]+)"', page)
    assert key_id and f"pk_{key.split('_')[1]}_" in page and key not in page  # the prefix, never the secret
    done = web.post(f"/keys/{key_id.group(1)}/revoke")
    assert done.status_code == 200 and "data-key" in done.text
    assert web.get("/api/v1/products", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert "key.revoked" in web.get("/audit").text
