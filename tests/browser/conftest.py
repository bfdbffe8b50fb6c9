"""Headless Chromium through Playwright's sync API, pointed at pytest-django's live server.

Debian's /usr/bin/chromium is used (``playwright install`` cannot download browsers here). Every
test that asks for a page gets pytest-django's ``live_server`` and so a transactional database:
data written by the test is committed and seen by the server thread, and the other way round.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import PASSWORD, ROOT, require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM.exists(), "headless Chromium not installed: apt-get install chromium")
    # The sync API keeps an event loop in this thread; Django would refuse ORM calls from it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser: Browser, live_server, request):
    """Open a page in a fresh context (its own cookies: one per logged-in person).

    At the end every page's last state is saved as test-artifacts/<test name>[-n].png, which is
    what one wants to look at when a test failed.
    """
    pages: list[Page] = []

    def open_page() -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nl-NL")
        context.set_default_timeout(10_000)
        page = context.new_page()
        pages.append(page)
        return page

    yield open_page

    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for n, page in enumerate(pages, start=1):
        suffix = "" if n == 1 else f"-{n}"
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=True)
        except Exception:  # a screenshot must never hide the test's own outcome
            pass
        page.context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process, so a reply is sent during the request that queues it.

    The real worker is exercised in tests/test_celery_worker.py.
    """
    from webcare.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous


def login(
    page: Page, live_server, username: str, password: str = PASSWORD, totp_key: str | None = None
) -> None:
    """Log in through the two-step login form and wait for where it lands: the queue, or the
    dashboard for a manager who does not work the queue.

    `totp_key`: the hex key of the user's TOTP device; the code is computed here, as the
    authenticator app would, and typed into the second step.
    """
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_auth-username").fill(username)
    page.locator("#id_auth-password").fill(password)
    page.locator("form.login-form button[type=submit]").click()
    if totp_key is not None:
        page.locator("#id_token-otp_token").fill(totp_code(totp_key))
        page.locator("form.login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/(queue|dashboard)/$"))


def htmx_settled(page: Page) -> None:
    """Wait until every htmx swap has settled: htmx binds the triggers of swapped-in content then."""
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-swapping')")


def totp_code(hex_key: str, at: float | None = None) -> str:
    """The six-digit TOTP code (RFC 6238: HMAC-SHA1, 30-second steps) for a django-otp device key."""
    import hashlib
    import hmac
    import struct
    import time

    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
