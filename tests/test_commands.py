import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from inbox.deadlines import AMSTERDAM
from inbox.models import Account, Conversation, DutyShift, Message
from inbox.selectors.teamwork import adviser_on_duty
from inbox.services.claims import conversation_claim
from inbox.services.lifecycle import conversation_close
from inbox.services.outbox import reply_queue
from tests.conftest import incoming


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "command", ["add_account", "poll", "send_pending", "seed_demo", "backlog", "create_api_token"]
)
def test_every_command_has_help(command):
    from django.core.management import load_command_class

    app = {"add_account": "channels", "poll": "channels", "send_pending": "channels", "backlog": "reports"}.get(
        command, "inbox"
    )
    parser = load_command_class(app, command).create_parser("manage.py", command)
    assert parser.format_help().startswith("usage: manage.py " + command)


def test_add_account_sandbox_creates_then_updates(teams):
    assert "Added" in run("add_account", "sandbox", "--handle", "@WijkOost", "--team", "wijkbureau-oost")
    assert "Updated" in run("add_account", "sandbox", "--handle", "WijkOost", "--rate", "5")

    account = Account.objects.get(handle="WijkOost")
    assert account.team == teams["oost"]
    assert account.config["rate_per_minute"] == 5


def test_add_account_with_unknown_team_says_which_exist(teams):
    with pytest.raises(CommandError, match="kcc"):
        run("add_account", "sandbox", "--handle", "X", "--team", "nope")
    assert not Account.objects.exists()


def test_poll_once_and_send_pending(account, agent, monkeypatch):
    assert "ok: 3 new" in run("poll", "--once", "--account", "GemeenteTest")
    conversation = Conversation.objects.first()
    reply_queue(conversation_id=conversation.pk, user=agent, text="Bedankt voor uw bericht.")

    assert run("send_pending").strip() == "1 sent"
    assert Message.objects.get(direction="out").send_status == "sent"
    assert run("send_pending").strip() == "nothing queued"


def test_poll_unknown_account_is_an_error(db):
    with pytest.raises(CommandError, match="No account"):
        run("poll", "--once", "--account", "nobody")


def test_seed_demo_refuses_without_debug(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_users_teams_and_a_filled_queue(settings, db, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-42")

    output = run("seed_demo")

    assert "demo-pass-42" in output
    for username in ("agent", "adviser", "wijk", "wijk2", "manager", "admin"):
        assert User.objects.get(username=username).check_password("demo-pass-42")
    assert User.objects.get(username="wijk").teams.get().slug == "wijkbureau-oost"
    assert User.objects.get(username="wijk2").teams.get().slug == "wijkbureau-overvecht"
    assert adviser_on_duty().username == "adviser"
    assert Message.objects.count() == 8
    run("seed_demo")  # idempotent
    assert User.objects.count() == 6
    assert DutyShift.objects.count() == 1


def test_create_api_token_prints_a_working_token(agent, client):
    token = run("create_api_token", "agent").strip()
    assert client.get("/api/v1/conversations", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


def test_backlog_matches_hand_computed_figures(deliver, agent, monkeypatch):
    """Monday 30 Nov 2026: three messages, one answered, one closed, one left over; Tuesday changes nothing."""
    with time_machine.travel(at("2026-11-30 09:00"), tick=False):
        deliver(incoming(platform_id="a", created_at=at("2026-11-30 09:00")))
        deliver(incoming(platform_id="b", created_at=at("2026-11-30 09:00")))
        deliver(incoming(platform_id="c", created_at=at("2026-11-30 09:00")))
    a, b, c = (Conversation.objects.get(thread_key=k) for k in "abc")
    with time_machine.travel(at("2026-11-30 10:00"), tick=False):
        reply_queue(conversation_id=a.pk, user=agent, text="Antwoord")
        conversation_claim(conversation_id=b.pk, user=agent)
    with time_machine.travel(at("2026-11-30 11:00"), tick=False):
        conversation_close(conversation_id=b.pk, user=agent)
    with time_machine.travel(at("2026-12-01 09:00"), tick=False):
        conversation_close(conversation_id=c.pk, user=agent)

    with time_machine.travel(at("2026-12-02 09:00"), tick=False):
        figures = json.loads(run("backlog", "--date", "2026-11-30", "--json"))
        text = run("backlog", "--date", "2026-11-30")

    assert figures["intake"]["messages"] == 3
    assert (figures["answered"], figures["replies_sent"], figures["closed"]) == (0, 0, 1)  # reply queued, not sent
    assert figures["open_at_end"]["by_state"] == {"answered": 1, "new": 1}
    assert (figures["open_at_end"]["backlog"], figures["open_at_end"]["overdue"]) == (1, 1)  # c: due 17:00
    assert figures["open_at_end"]["backlog_by_team"] == {"kcc": 1}
    assert "received              3 messages" in text


def test_backlog_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("backlog", "--date", "30-11-2026")


def test_add_account_x_stores_credentials_encrypted_and_never_prints_them(teams):
    from django.db import connection

    out = run(
        "add_account", "x", "--handle", "@GemeenteUtrecht", "--user-id", "1500000000000000001",
        "--bearer-token", "BEARER-SECRET", "--consumer-key", "CK-SECRET", "--consumer-secret", "CS-SECRET",
        "--access-token", "AT-SECRET", "--access-token-secret", "ATS-SECRET",
        "--team", "wijkbureau-oost", "--monitor", "#gladheid030", '"gemeente utrecht" -is:retweet',
    )  # fmt: skip

    assert "SECRET" not in out
    assert out.startswith("Added X GemeenteUtrecht (team wijkbureau-oost")
    account = Account.objects.get(platform="x")
    assert account.credentials["bearer_token"] == "BEARER-SECRET"
    assert account.config == {
        "user_id": "1500000000000000001",
        "monitor": ["#gladheid030", '"gemeente utrecht" -is:retweet'],
    }
    assert account.poll_interval_seconds == 60
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM inbox_account WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert "SECRET" not in stored


def test_add_account_x_again_reconnects_and_keeps_what_is_not_given(teams):
    args = [
        "add_account", "x", "--handle", "GemeenteUtrecht", "--user-id", "1500000000000000001",
        "--bearer-token", "B", "--consumer-key", "K", "--consumer-secret", "S",
        "--access-token", "A", "--access-token-secret", "T",
    ]  # fmt: skip
    run(*args, "--monitor", "#gladheid030", "--interval", "120")
    Account.objects.filter(platform="x").update(poll_status="needs_reconnect", poll_warning="gap")

    assert run(*args).startswith("Updated")

    account = Account.objects.get(platform="x")
    assert (account.poll_status, account.poll_warning) == ("never", "")
    assert (account.config["monitor"], account.poll_interval_seconds) == (["#gladheid030"], 120)


def test_add_account_x_refuses_a_handle_as_user_id(teams):
    with pytest.raises(CommandError, match="numeric"):
        run(
            "add_account", "x", "--handle", "G", "--user-id", "@G", "--bearer-token", "B",
            "--consumer-key", "K", "--consumer-secret", "S", "--access-token", "A", "--access-token-secret", "T",
        )  # fmt: skip
    assert not Account.objects.exists()
