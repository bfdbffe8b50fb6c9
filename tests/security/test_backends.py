"""The session's user is read with their roles and teams: one query where there were three, the same
answers as Django's ModelBackend gives."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.permissions import roles, visible_teams
from security.backends import RolesModelBackend
from tests.conftest import PASSWORD


@pytest.mark.parametrize(("role", "team"), [("agent", "kcc"), ("wijkbureau", "oost"), ("admin", "kcc")])
def test_the_user_comes_with_the_roles_and_teams_django_would_read(make_user, teams, role, team):
    user = make_user(role, team)
    teams["west"].members.add(user)

    with CaptureQueriesContext(connection) as queries:
        found = RolesModelBackend().get_user(str(user.pk))  # as the session holds it
        found_roles, found_teams = roles(found), visible_teams(found)
    plain = ModelBackend().get_user(user.pk)

    assert found == plain and found.get_username() == plain.get_username()
    assert found_roles == roles(plain)
    assert found_teams == visible_teams(plain)
    if role == "wijkbureau":
        assert sorted(found_teams) == sorted([teams[team].pk, teams["west"].pk])
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3 - (role != "wijkbureau"))


def test_no_user_for_an_unknown_or_inactive_id_or_one_that_is_no_id(make_user):
    user = make_user("agent")
    user.is_active = False
    user.save()

    assert RolesModelBackend().get_user(user.pk) is None
    assert RolesModelBackend().get_user(user.pk + 1000) is None
    assert RolesModelBackend().get_user("not a number") is None


def test_a_logged_in_agent_reaches_the_queue_through_it(client, make_user):
    agent = make_user("agent")
    response = client.post(
        "/accounts/login/",
        {"login_view-current_step": "auth", "auth-username": agent.get_username(), "auth-password": PASSWORD},
    )
    assert response.status_code == 302

    assert client.session["_auth_user_backend"] == "security.backends.RolesModelBackend"
    assert client.get("/queue/").status_code == 200


@pytest.mark.parametrize(
    "stored",
    [
        None,
        {"enabled": False, "keys": {"next": "n", "close": "q"}},
        {"enabled": True, "keys": ["not", "a", "dict"]},
    ],
    ids=["none saved", "off, keys of their own", "keys malformed"],
)
def test_the_user_comes_with_the_shortcuts_a_query_would_read(make_user, stored):
    from inbox.models import ShortcutPreference
    from inbox.shortcuts import shortcut_settings

    user = make_user("agent")
    if stored:
        ShortcutPreference.objects.create(user=user, **stored)

    found = RolesModelBackend().get_user(user.pk)
    with CaptureQueriesContext(connection) as queries:
        held = shortcut_settings(found)

    assert held == shortcut_settings(ModelBackend().get_user(user.pk))
    assert held.enabled == (stored or {"enabled": True})["enabled"]
    assert len(queries) == (0 if connection.vendor == "postgresql" else 1)


def test_opening_a_conversation_with_nothing_unread_writes_nothing(client, make_user, conversation):
    from inbox.models import Notification

    agent = make_user("agent")
    seen = conversation.created_at
    event = conversation.events.first()
    Notification.objects.create(
        user=agent, conversation=conversation, event=event, text="Gelezen", read_at=seen
    )
    client.force_login(agent)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/conversations/{conversation.pk}/").status_code == 200

    writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "inbox_notification"')]
    assert len(writes) == (0 if connection.vendor == "postgresql" else 1)
    assert Notification.objects.get().read_at == seen  # left as it was

    Notification.objects.create(user=agent, conversation=conversation, event=event, text="Nieuw")
    assert client.get(f"/conversations/{conversation.pk}/").status_code == 200
    assert not Notification.objects.filter(read_at__isnull=True).exists()  # this one marked read
