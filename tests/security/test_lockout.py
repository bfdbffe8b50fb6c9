"""django-axes through the real login form: per username, per address, the Dutch page, unlocking."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from audit.models import AuditEntry
from inbox.models import Role

from .conftest import password_step


@pytest.fixture(autouse=True)
def five_failures(settings):
    settings.AXES_FAILURE_LIMIT = 5


def test_five_wrong_passwords_lock_the_username_even_with_the_right_password(client, make_user):
    make_user(Role.ADMIN, username="ruud")
    for _ in range(4):
        assert password_step(client, "ruud", "wrong").status_code == 200

    fifth = password_step(client, "ruud", "wrong")
    right = password_step(client, "ruud")

    assert fifth.status_code == 429
    assert right.status_code == 429
    page = right.content.decode()
    assert "Tijdelijk geblokkeerd" in page
    assert "probeer het over 30 minuten opnieuw" in page
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="locked_out", actor="ruud").exists()
    assert AuditEntry.objects.filter(action="login_failed", actor="ruud").count() == 6
    assert not AuditEntry.objects.filter(action="login").exists()


def test_the_username_is_locked_from_another_address_too(client, make_user):
    make_user(Role.AGENT, username="anouk")
    for n in range(5):
        password_step(client, "anouk", "wrong", REMOTE_ADDR=f"10.0.0.{n + 1}")

    from_elsewhere = password_step(client, "anouk", REMOTE_ADDR="192.0.2.7")

    assert from_elsewhere.status_code == 429


def test_an_address_trying_many_usernames_is_locked_for_every_username(client, make_user):
    make_user(Role.AGENT, username="anouk")
    for n in range(5):
        password_step(client, f"guess{n}", "wrong", REMOTE_ADDR="198.51.100.9")

    real_user = password_step(client, "anouk", REMOTE_ADDR="198.51.100.9")
    other_address = password_step(client, "anouk", REMOTE_ADDR="198.51.100.10")

    assert real_user.status_code == 429
    assert other_address.status_code == 302  # the username itself is not locked


def test_an_admin_lifts_the_lockout_with_axes_reset_username(client, make_user):
    make_user(Role.AGENT, username="anouk")
    for _ in range(5):
        password_step(client, "anouk", "wrong")
    assert password_step(client, "anouk").status_code == 429

    call_command("axes_reset_username", "anouk")
    call_command("axes_reset_ip", "127.0.0.1")

    assert AccessAttempt.objects.count() == 0
    assert password_step(client, "anouk").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, make_user):
    make_user(Role.AGENT, username="anouk")
    for _ in range(4):
        password_step(client, "anouk", "wrong")
    assert password_step(client, "anouk").status_code == 302
    client.post("/accounts/logout/")

    for _ in range(4):
        password_step(client, "anouk", "wrong")

    assert password_step(client, "anouk").status_code == 302
