"""The audit log: logins, failures and logouts; every admin change with who, when, what and where;
credentials by name only; and nothing in it ever changed or deleted through the app."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection, transaction

from audit.models import AppendOnly, AuditEntry
from inbox.models import Account, ApiToken, Role
from inbox.tokens import hash_token
from triage.models import CannedAnswer, RoutingRule

from .conftest import password_step


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user(Role.ADMIN, username="ruud")
    client.force_login(admin)
    return client


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def test_login_failed_login_and_logout_are_recorded_with_the_address(client, make_user):
    make_user(Role.AGENT, username="anouk")

    password_step(client, "anouk", "wrong", REMOTE_ADDR="192.0.2.10")
    password_step(client, "anouk", REMOTE_ADDR="192.0.2.10")
    client.post("/accounts/logout/", REMOTE_ADDR="192.0.2.10")

    rows = [(e.action, e.actor, e.ip_address, e.via) for e in entries()]
    assert rows == [
        ("login_failed", "anouk", "192.0.2.10", "web"),
        ("login", "anouk", "192.0.2.10", "web"),
        ("logout", "anouk", "192.0.2.10", "web"),
    ]
    assert "wrong" not in json.dumps([e.detail for e in entries()])  # never the password tried


def test_behind_a_proxy_the_forwarded_address_is_used(client, make_user, settings):
    settings.WEBCARE_PROXY_COUNT = 1
    make_user(Role.AGENT, username="anouk")

    password_step(client, "anouk", HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="10.0.0.2")

    assert entries(action="login")[0].ip_address == "203.0.113.5"


def test_an_admin_change_of_a_routing_rule_says_what_changed(admin_client, teams):
    rule = RoutingRule.objects.create(name="Oost", team=teams["kcc"], keyword="oost")

    admin_client.post(
        f"/admin/triage/routingrule/{rule.pk}/change/",
        {
            "position": 100,
            "name": "Oost",
            "enabled": "on",
            "keyword": "oost, amelisweerd",
            "team": teams["oost"].pk,
        },
        REMOTE_ADDR="192.0.2.20",
    )

    [entry] = entries(action="changed")
    assert (entry.actor, entry.via, entry.ip_address) == ("ruud", "admin", "192.0.2.20")
    assert (entry.object_type, entry.object_id) == ("triage.routingrule", str(rule.pk))
    assert entry.detail == {
        "fields": {
            "keyword": {"from": "oost", "to": "oost, amelisweerd"},
            "team": {"from": "KCC", "to": "Wijkbureau Oost"},
        }
    }


def test_adding_and_deleting_a_canned_answer_are_audited(admin_client):
    admin_client.post(
        "/admin/triage/cannedanswer/add/", {"title": "Afval", "text": "Wij halen het op.", "enabled": "on"}
    )
    answer = CannedAnswer.objects.get(title="Afval")
    admin_client.post(f"/admin/triage/cannedanswer/{answer.pk}/delete/", {"post": "yes"})

    assert [(e.action, e.object_repr) for e in entries(object_type="triage.cannedanswer")] == [
        ("created", "Afval"),
        ("deleted", "Afval"),
    ]


def test_a_user_s_roles_and_password_changes_are_audited_without_the_password(admin_client, make_user):
    anouk = make_user(Role.AGENT, username="anouk")
    manager = Group.objects.get_or_create(name="manager")[0]

    admin_client.post(
        f"/admin/auth/user/{anouk.pk}/change/",
        {
            "username": "anouk",
            "first_name": "Anouk",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "groups": [manager.pk],
            "date_joined_0": "2026-12-01",
            "date_joined_1": "08:00:00",
        },
    )
    admin_client.post(
        f"/admin/auth/user/{anouk.pk}/password/",
        {
            "password1": "Een-nieuw-wachtwoord-42",
            "password2": "Een-nieuw-wachtwoord-42",
            "usable_password": "true",
        },
    )

    changes = [e.detail["fields"] for e in entries(action="changed", object_type="auth.user")]
    assert changes[0]["groups"] == {"from": ["agent"], "to": ["manager"]}
    assert changes[1] == {"password": "changed"}
    assert "Een-nieuw-wachtwoord-42" not in json.dumps([e.detail for e in AuditEntry.objects.all()])


def test_the_account_admin_saves_through_account_connect(admin_client, teams):
    account = Account.objects.create(
        platform="sandbox", handle="GemeenteTest", team=teams["kcc"], poll_status="error", poll_error="boom"
    )

    response = admin_client.post(
        f"/admin/inbox/account/{account.pk}/change/",
        {
            "display_name": "Gemeente",
            "team": teams["oost"].pk,
            "poll_interval_seconds": 30,
            "config": '{"rate_per_minute": 1}',
        },
    )

    assert response.status_code == 302
    account.refresh_from_db()
    # Saving is connecting again: the error is cleared and the account is due at once.
    assert (account.team, account.poll_status, account.poll_error, account.enabled) == (
        teams["oost"],
        "never",
        "",
        False,
    )
    assert account.config == {"rate_per_minute": 1}
    [entry] = entries(action="changed", object_type="inbox.account")
    assert set(entry.detail["fields"]) == {
        "display_name",
        "team",
        "poll_interval_seconds",
        "config",
        "enabled",
    }


def test_the_token_add_form_makes_a_key_shown_once_and_a_second_add_works(admin_client, make_user):
    anouk = make_user(Role.AGENT, username="anouk")

    first = admin_client.post("/admin/inbox/apitoken/add/", {"user": anouk.pk, "name": "rapportage"})
    second = admin_client.post("/admin/inbox/apitoken/add/", {"user": anouk.pk, "name": "koppeling"})

    assert (first.status_code, second.status_code) == (200, 200)
    key = first.context["key"]
    assert key in first.content.decode()
    assert ApiToken.objects.get(name="rapportage").key_hash == hash_token(key)
    assert ApiToken.objects.count() == 2
    assert [e.detail for e in entries(action="token_created")] == [
        {"user": "anouk", "name": "rapportage"},
        {"user": "anouk", "name": "koppeling"},
    ]
    assert key not in json.dumps([e.detail for e in AuditEntry.objects.all()])
    assert admin_client.get("/admin/inbox/apitoken/").content.decode().count(key) == 0


def test_credentials_set_by_the_command_are_audited_by_name_only(teams):
    call_command(
        "add_account",
        "facebook",
        "--page-id",
        "1000",
        "--page-token",
        "very-secret-token",
        "--app-secret",
        "s3cr3t",
    )
    call_command("add_account", "facebook", "--page-id", "1000", "--page-token", "another-secret-token")

    changed = entries(action="credentials_changed")
    assert [e.detail for e in changed] == [{"keys": ["app_secret", "page_token"]}, {"keys": ["page_token"]}]
    assert [e.via for e in changed] == ["command", "command"]
    dumped = json.dumps([(e.detail, e.object_repr) for e in AuditEntry.objects.all()])
    assert "secret-token" not in dumped and "s3cr3t" not in dumped


def test_entries_are_never_changed_or_deleted_through_the_app(make_user):
    entry = AuditEntry.objects.create(action="login", actor="x")

    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(actor="y")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()


def test_on_postgresql_the_database_refuses_too(db):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite has the model's guards only")
    entry = AuditEntry.objects.create(action="login", actor="x")

    for sql in (
        "UPDATE audit_auditentry SET actor = 'y' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).actor == "x"


def test_the_admin_shows_the_log_read_only(admin_client):
    entry = AuditEntry.objects.create(action="login", actor="someone")

    assert admin_client.get("/admin/audit/auditentry/").status_code == 200
    change = admin_client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin_client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert User.objects.count() == 1
