"""People's accounts and the console's defences in a real headless Chromium: sign-in as each role, forms posted
from another site (cross-site and same-site) refused, login CSRF refused, the session cookie dead after sign-out,
the security headers, TOTP, and axe-core on the account pages (no serious or critical violation)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from console_data import seed

from conftest import _free_port
from ponte.accounts import credentials
from ponte.accounts import service_members as members
from ponte.accounts.roles import ROLES
from ponte.kernel.clock import now
from ponte.web.i18n import Locale

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
MENU = {  # a page of the menu each role has, and one it has not
    "park_operator": ("/users", None),
    "seller_admin": ("/keys", None),
    "clerk": ("/orders", "/users"),
    "streamer": ("/live", "/orders"),
    "customs_broker": ("/customs", "/catalogue"),
    "forwarder": ("/shipments", "/quotes"),
    "accountant": ("/audit", "/catalogue"),
}


class Attacker:
    """Another web site (its own port, and a host name of its own for cross-site) serving forged forms."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path, "<p>nothing</p>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.port = _free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forged(self, path: str, action: str, fields: dict[str, str]) -> None:
        inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
        self.pages[path] = (
            f'<form id="f" method="post" action="{action}">{inputs}</form>'
            "<script>document.getElementById('f').submit()</script>"
        )


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import uvicorn

    from ponte.api.app import create_app
    from ponte.platform.db import Database
    from ponte.platform.settings import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('accounts-browser') / 'ponte.db'}"
    database = Database(url)
    park = seed(database, orders_per_seller=3)
    emails = {}
    with database.unit_of_work() as uow:
        for code in ROLES:
            tenant = park.operator_id if code == "park_operator" else park.seller_id
            emails[code] = f"{code.replace('_', '.')}@glow.example"
            members.create_user(
                uow, tenant, emails[code], code.replace("_", " ").title(), PASSWORD, [code], now()
            )
        uow.commit()
    settings = Settings(
        env="development", database_url=url, log_level="WARNING", mail_dir=tmp_path_factory.mktemp("m")
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, database),
            host="127.0.0.1",
            port=_free_port(),
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(1000):
        if server.started or not thread.is_alive():
            break
        thread.join(0.01)
    assert server.started
    port = server.config.port
    attacker = Attacker()
    yield {
        "base": f"http://127.0.0.1:{port}",
        "emails": emails,
        "park": park,
        "attacker": attacker,
        "db": database,
    }
    attacker.server.shutdown()
    server.should_exit = True
    thread.join(10)
    database.dispose()


def new_page(browser: Any, lang: str = "en", width: int = 1280) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(locale=lang, viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # script errors and CSP refusals ("Refused to execute inline script..."); a 403 page we opened on purpose and
    # the browser's own favicon request are not problems
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    return context, page, problems


def sign_in(page: Any, base: str, email: str, lang: str = "en", password: str = PASSWORD) -> None:
    loc = Locale(lang)
    page.goto(f"{base}/login?lang={lang}")
    page.get_by_label(loc.gettext("E-mail address")).fill(email)
    page.get_by_label(loc.gettext("Password"), exact=True).fill(password)
    page.locator("#login-form").get_by_role("button", name=loc.gettext("Sign in")).click()


@pytest.mark.parametrize("lang", ["zh-CN", "en", "pt-BR", "es"])
def test_each_role_signs_in_and_sees_its_menu(
    browser: Any, live_console: Any, console: dict[str, Any], lang: str, screenshots: Path
) -> None:
    base, loc = console["base"], Locale(lang)
    context, page, problems = new_page(browser, lang)
    for role, (has, lacks) in MENU.items():
        sign_in(page, base, console["emails"][role], lang)
        page.wait_for_url(f"{base}/")
        menu = page.get_by_role("navigation", name=loc.gettext("Main menu"))
        assert menu.locator(f'a[href="{has}"]').count() == 1, (role, has)
        if lacks:
            assert menu.locator(f'a[href="{lacks}"]').count() == 0, (role, lacks)
            response = page.goto(f"{base}{lacks}")
            assert response is not None and response.status == 403
        page.goto(f"{base}{has}")
        page.screenshot(path=str(screenshots / f"role-{role}-{lang}.png"))
        page.get_by_role("button", name=loc.gettext("Sign out")).click()
        page.wait_for_url(f"{base}/login")
    assert not problems, problems  # no script error, no CSP violation
    context.close()


@pytest.mark.parametrize("where", ["cross-site", "same-site"])
def test_a_form_posted_from_another_site_is_refused(
    browser: Any, live_console: Any, console: dict[str, Any], where: str
) -> None:
    base, attacker = console["base"], console["attacker"]
    host = "localhost" if where == "cross-site" else "127.0.0.1"  # another site, or this site's other port
    context, page, _ = new_page(browser)
    sign_in(page, base, console["emails"]["seller_admin"])
    page.wait_for_url(f"{base}/")
    victim = f"evil-{where}@attacker.example"
    attacker.forged(f"/{where}", f"{base}/users/invite", {"email": victim, "roles": "seller_admin"})
    response = page.goto(f"http://{host}:{attacker.port}/{where}")
    page.wait_for_load_state()
    assert page.url.startswith(f"{base}/users/invite")
    assert (
        "403" in str(response.status if response else "") or page.locator("article[role=alert]").count() == 1
    )
    page.goto(f"{base}/users")
    assert victim not in page.content()  # nothing was invited
    # and the same form from the console itself goes through
    page.get_by_label("E-mail address").fill(f"real-{where}@glow.example")
    page.locator("#invite").get_by_label("Clerk").check()
    page.locator("#invite").get_by_role("button", name="Send the invitation").click()
    page.locator("#invitations").get_by_role(
        "cell", name=f"real-{where}@glow.example", exact=True
    ).wait_for()  # htmx-boosted: the token rode in the header
    context.close()


def test_login_csrf_does_not_sign_the_victim_in(
    browser: Any, live_console: Any, console: dict[str, Any]
) -> None:
    base, attacker = console["base"], console["attacker"]
    context, page, _ = new_page(browser)
    page.goto(f"{base}/login")  # the victim has the console's CSRF cookie
    attacker.forged(
        "/login", f"{base}/login", {"email": console["emails"]["clerk"], "password": PASSWORD, "next": "/"}
    )
    page.goto(f"http://localhost:{attacker.port}/login")
    page.wait_for_load_state()
    page.goto(f"{base}/orders")
    assert page.url.startswith(f"{base}/login")  # still signed out: the attacker's account was not entered
    context.close()


def test_headers_and_a_dead_cookie_after_sign_out(
    browser: Any, live_console: Any, console: dict[str, Any]
) -> None:
    base = console["base"]
    context, page, problems = new_page(browser)
    response = page.goto(f"{base}/login")
    assert response is not None
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    sign_in(page, base, console["emails"]["clerk"])
    page.wait_for_url(f"{base}/")
    cookies = [c for c in context.cookies() if c["name"] == "ponte_session"]
    assert cookies and cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Strict"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/login")
    thief = browser.new_context()
    thief.add_cookies(cookies)
    stolen = thief.new_page()
    stolen.goto(f"{base}/orders")
    assert stolen.url.startswith(f"{base}/login")
    thief.close()
    # the console cannot be framed
    page.set_content(f'<iframe src="{base}/login" title="framed"></iframe>')
    page.wait_for_timeout(500)
    frame = page.frames[-1]
    assert frame.url in ("", "about:blank", "chrome-error://chromewebdata/") or "Sign in" not in (
        frame.content() or ""
    )
    context.close()
    assert not [p for p in problems if "Refused" in p and "frame" not in p], problems


def test_totp_in_the_browser(browser: Any, live_console: Any, console: dict[str, Any]) -> None:
    base = console["base"]
    context, page, problems = new_page(browser, width=390)
    sign_in(page, base, console["emails"]["forwarder"])
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/account")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    secret = page.locator("#totp-secret").inner_text()
    assert page.locator("#totp-qr svg").count() == 1
    page.get_by_label("Code from your authenticator app").fill(credentials.totp_code(secret, now()))
    page.get_by_role("button", name="Turn two-step sign-in on").click()
    page.locator("#totp-on").wait_for()
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # on a phone the menu, and Sign out in it, folds behind this button
        menu.click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, console["emails"]["forwarder"])
    page.locator("#code-form").wait_for()
    later = credentials.totp_code(secret, now() + timedelta(seconds=credentials.TOTP_STEP))
    page.get_by_label("Code from your authenticator app").fill(later)
    page.locator("#code-form").get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    assert not problems, problems
    context.close()


@pytest.mark.parametrize("lang", ["zh-CN", "en", "pt-BR", "es"])
def test_account_pages_have_no_serious_accessibility_violations(
    browser: Any, live_console: Any, console: dict[str, Any], lang: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base = console["base"]
    axe = Axe()
    context, page, problems = new_page(browser, lang)
    found: dict[str, list[str]] = {}

    def check(path: str) -> None:
        page.goto(f"{base}{path}")
        results = axe.run(page)
        bad = [v["id"] for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        if bad:
            found[path] = bad

    for path in ("/login", "/forgot", "/reset?token=x", "/invite?token=x"):
        check(path)
    sign_in(page, base, console["emails"]["seller_admin"], lang)
    page.wait_for_url(f"{base}/")
    for path in ("/account", "/account?totp=setup", "/users", "/keys", "/audit"):
        check(path)
    assert not found, found
    assert not problems, problems
    context.close()
