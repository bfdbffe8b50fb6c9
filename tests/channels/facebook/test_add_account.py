import pytest
from django.core.management import CommandError, call_command

from inbox.models import Account


def test_add_account_facebook_stores_encrypted_credentials_and_never_prints_them(teams, capsys):
    call_command(
        "add_account",
        "facebook",
        "--page-id",
        "1234",
        "--page-token",
        "EAAB-secret-token",
        "--app-secret",
        "s3cret-app",
        "--verify-token",
        "verify-123",
        "--team",
        "wijkbureau-oost",
    )

    out = capsys.readouterr().out
    assert "Added Facebook 1234 (team wijkbureau-oost" in out
    assert "stored: app_secret, page_token, verify_token" in out
    for secret in ("EAAB-secret-token", "s3cret-app", "verify-123"):
        assert secret not in out
    account = Account.objects.get(platform="facebook")
    assert account.credentials == {
        "page_token": "EAAB-secret-token",
        "app_secret": "s3cret-app",
        "verify_token": "verify-123",
    }
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM inbox_account WHERE id = %s", [account.pk])
        stored = str(cursor.fetchone()[0])
    assert "EAAB-secret-token" not in stored


def test_reconnecting_replaces_the_token_and_keeps_the_webhook_secrets(teams, capsys):
    call_command("add_account", "facebook", "--page-id", "1234", "--page-token", "old", "--app-secret", "s")
    Account.objects.filter(handle="1234").update(poll_status="needs_reconnect")

    call_command("add_account", "facebook", "--page-id", "1234", "--page-token", "new")

    account = Account.objects.get(handle="1234")
    assert account.credentials == {"page_token": "new", "app_secret": "s"}
    assert account.poll_status == "never"
    assert "Updated Facebook 1234" in capsys.readouterr().out


def test_a_page_id_must_be_numeric(teams):
    with pytest.raises(CommandError, match="numeric"):
        call_command("add_account", "facebook", "--page-id", "gemeente", "--page-token", "t")
    assert not Account.objects.exists()
