"""Two-factor login for the roles that need it, through the real login wizard and TOTP codes."""

import time

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from audit.models import AuditEntry
from inbox.models import Role

from .conftest import LOGIN, password_step, token_step, totp_code


def test_an_admin_with_only_a_password_reaches_neither_the_admin_nor_the_dashboard(
    client, make_user, mfa_required
):
    make_user(Role.ADMIN, username="ruud")

    logged_in = password_step(client, "ruud")

    assert logged_in.status_code == 302
    for path in ("/admin/", "/dashboard/", "/queue/", "/privacy/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/account/two_factor/setup/"), path
    assert client.get("/account/two_factor/setup/").status_code == 200
    api = client.get("/api/v1/conversations")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]


def test_an_admin_logs_in_with_password_and_a_totp_code(client, make_user, mfa_required, totp_device):
    admin = make_user(Role.ADMIN, username="ruud")
    device = totp_device(admin)

    first = password_step(client, "ruud")
    assert first.status_code == 200
    assert "zescijferige code" in first.content.decode()
    assert "_auth_user_id" not in client.session

    wrong = token_step(client, "000000" if totp_code(device.key) != "000000" else "111111")
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    # django-otp refuses a second try within its throttle window; wait it out as a person would.
    time.sleep(1.1)
    right = token_step(client, totp_code(device.key))
    assert (right.status_code, right["Location"]) == (302, "/")
    assert client.get("/admin/").status_code == 200
    assert client.get("/dashboard/").status_code == 200
    login = AuditEntry.objects.get(action="login")
    assert (login.actor, login.detail, login.ip_address) == ("ruud", {"method": "password+totp"}, "127.0.0.1")


def test_a_backup_code_works_once(client, make_user, mfa_required, totp_device):
    admin = make_user(Role.ADMIN, username="ruud")
    totp_device(admin)
    backup = StaticDevice.objects.create(user=admin, name="backup")
    StaticToken.objects.create(device=backup, token="abcd1234")

    password_step(client, "ruud")
    client.post(LOGIN, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    used = client.post(LOGIN, {"login_view-current_step": "backup", "backup-otp_token": "abcd1234"})

    assert used.status_code == 302
    assert not StaticToken.objects.filter(token="abcd1234").exists()
    assert AuditEntry.objects.get(action="login").detail == {"method": "password+static"}


def test_a_session_without_the_second_factor_is_ended_for_a_user_who_has_one(
    client, make_user, mfa_required, totp_device
):
    admin = make_user(Role.ADMIN, username="ruud")
    totp_device(admin)
    client.force_login(admin)  # as a session from before MFA was required would be

    response = client.get("/admin/")

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="logout", detail__reason="second_factor_missing").exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.WIJKBUREAU])
def test_roles_outside_the_setting_need_no_second_factor(client, make_user, mfa_required, role):
    make_user(role, team="oost" if role == Role.WIJKBUREAU else "kcc", username="someone")

    password_step(client, "someone")

    assert client.get("/queue/").status_code == 200


def test_with_the_setting_empty_nobody_needs_one(client, make_user, settings):
    settings.WEBCARE_MFA_REQUIRED_ROLES = []
    make_user(Role.ADMIN, username="ruud")

    password_step(client, "ruud")

    assert client.get("/admin/").status_code == 200


def test_the_admin_login_is_the_one_login(client, db):
    response = client.get("/admin/login/?next=/admin/inbox/account/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/admin/inbox/account/",
    )
