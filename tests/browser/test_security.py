"""Security in Chromium: the two-step login with a TOTP code computed here, no CSP violation on the
pages an agent uses (the strict policy really holds in a browser), the personal-data guard's warning
and "send anyway", and the login pages at desktop and phone width (screenshots in test-artifacts/)."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from inbox.models import Conversation, Message, Role
from tests.browser.conftest import ARTIFACTS, login, totp_code
from tests.conftest import PASSWORD, incoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  [e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.columnNumber, e.sample].join(' ')));
"""


def _watch(page):
    page.add_init_script(WATCH_CSP)
    errors = []
    page.on(
        "console", lambda msg: errors.append(f"{msg.text} at {msg.location}") if msg.type == "error" else None
    )
    return errors


def test_an_admin_logs_in_with_a_totp_code_and_reaches_the_admin(page, live_server, make_user, settings):
    settings.WEBCARE_MFA_REQUIRED_ROLES = ["adviser", "manager", "admin"]
    admin = make_user(Role.ADMIN, username="ruud")
    # The setup wizard names the device "default": two_factor asks for that one at login.
    device = TOTPDevice.objects.create(user=admin, name="default", confirmed=True)
    errors = _watch(page)

    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/"))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "login-1440.png"))
    page.locator("#id_auth-username").fill("ruud")
    page.locator("#id_auth-password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    expect(page.locator("#id_token-otp_token")).to_be_visible()
    expect(page.get_by_text("zescijferige code")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "login-token-1440.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "login-token-390.png"))
    page.locator("#id_token-otp_token").fill(totp_code(device.key))
    page.locator("form.login-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert page.evaluate("window.__csp") == []
    assert not [e for e in errors if "Content Security Policy" in e]


def test_a_user_who_needs_a_second_factor_sets_one_up(page, live_server, make_user, settings):
    settings.WEBCARE_MFA_REQUIRED_ROLES = ["manager"]
    make_user(Role.MANAGER, username="ellen")
    _watch(page)

    login_page = live_server.url + "/accounts/login/"
    page.goto(login_page)
    page.locator("#id_auth-username").fill("ellen")
    page.locator("#id_auth-password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.goto(live_server.url + "/dashboard/")

    expect(page).to_have_url(re.compile(r"/account/two_factor/setup/$"))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "setup-1440.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "setup-390.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_role("button", name="Volgende").click()
    if page.locator('input[name="method-method"]').count():  # TOTP or WebAuthn: the app first
        page.locator('input[name="method-method"][value="generator"]').check()
        page.get_by_role("button", name="Volgende").click()
    qr = page.locator('img[src*="qrcode"]')
    expect(qr).to_be_visible()
    # The QR code loads from our own origin (img-src 'self').
    page.wait_for_function(
        "() => { const i = document.querySelector('img[src*=qrcode]'); return i.complete && i.naturalWidth > 0; }"
    )
    page.screenshot(path=str(ARTIFACTS / "setup-qr-1440.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "setup-qr-390.png"), full_page=True)
    assert page.evaluate("window.__csp") == []


def test_the_agent_pages_run_without_a_csp_violation_and_the_guard_warns(
    page, live_server, make_user, deliver
):
    make_user(Role.AGENT, username="anouk")
    deliver(incoming(platform_id="b-1", text="Mijn BSN is 123456782, kunt u mij helpen?"))
    conversation = Conversation.objects.get()
    errors = _watch(page)

    login(page, live_server, "anouk")
    expect(page.get_by_text("persoonsgegevens in openbaar bericht")).to_be_visible()
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    expect(page.locator('[data-testid="pd-exposed"]')).to_be_visible()
    page.locator("#id_text").fill("Wij hebben uw BSN 123456782 genoteerd.")
    page.get_by_role("button", name="Antwoord versturen").click()

    warning = page.locator('[data-testid="pd-warning"]')
    expect(warning).to_contain_text("burgerservicenummer (BSN)")
    expect(page.locator("#reply-newer")).to_be_hidden()  # not the stale-thread confirmation
    page.screenshot(path=str(ARTIFACTS / "guard-1440.png"), full_page=True)
    assert Message.objects.filter(direction="out").count() == 0
    page.locator('[data-testid="pd-confirm"]').check()
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".msg.out")).to_have_count(1)
    expect(page.locator("#id_text")).to_have_value("")  # the form reset now lives in static/js/security.js

    # The language menu: choosing does not submit by itself (WCAG 3.2.2); its button does.
    page.select_option('select[name="language"]', "en")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.locator("form.language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate("window.__csp") == []
    assert not [e for e in errors if "Content Security Policy" in e or "unsafe-eval" in e]
