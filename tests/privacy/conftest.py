"""A citizen who left traces everywhere: messages and replies, raw payloads, a note elsewhere, an
escalation, a case with a phone call, a monitoring hit, a webhook delivery, triage, notifications."""

import json

import pytest
from django.apps import apps
from django.db import connection

from cases.services import case_contact_log
from channels.models import WebhookDelivery
from inbox.models import Conversation, Role
from inbox.services.case_links import conversation_case_register
from inbox.services.claims import conversation_claim
from inbox.services.monitoring import monitoring_hits_record
from inbox.services.outbox import reply_queue
from inbox.services.teamwork import conversation_escalate, note_add
from tests.conftest import incoming

HANDLE = "anna_vd_utrecht"
NAME = "Anna van Dijk"
USER_ID = "98765432"
NEEDLES = (HANDLE, NAME, USER_ID)


def anna(**overrides):
    values = {
        "author_id": USER_ID,
        "author_handle": HANDLE,
        "author_name": NAME,
        "raw": {
            "id": overrides.get("platform_id", "x"),
            "author": {"username": HANDLE, "name": NAME, "id": USER_ID},
        },
    }
    values.update(overrides)
    return incoming(**values)


@pytest.fixture
def traces(make_user, deliver, account):
    agent = make_user(Role.AGENT, username="anouk")
    deliver(
        anna(platform_id="a-1", text="Er ligt afval bij mij voor de deur, bel me op 06-12345678"),
        anna(platform_id="a-2", in_reply_to="a-1", thread_key="a-1", text="Nog steeds niet opgehaald!"),
    )
    deliver(incoming(platform_id="b-1", author_id="other-1", author_handle="kees", text="Lantaarnpaal kapot"))
    mine = Conversation.objects.get(thread_key="a-1")
    other = Conversation.objects.get(thread_key="b-1")
    conversation_claim(conversation_id=mine.pk, user=agent)
    reply_queue(
        conversation_id=mine.pk,
        user=agent,
        text=f"Beste {NAME}, wij komen het ophalen.",
        confirmed_personal_data=True,
    )
    case = conversation_case_register(
        conversation_id=mine.pk, user=agent, category="afval", description=f"Afval voor de deur bij {NAME}"
    )
    case_contact_log(case_id=case.pk, user=agent, channel="phone", text=f"{NAME} belde: nog niet opgehaald")
    note_add(conversation_id=other.pk, user=agent, text=f"Lijkt op de melding van @{HANDLE}")
    conversation_escalate(conversation_id=other.pk, user=agent, question=f"Moeten we {NAME} terugbellen?")
    monitoring_hits_record(
        account_id=account.pk, query="#afval030", items=[anna(platform_id="hit-9", text="#afval030 overal")]
    )
    WebhookDelivery.objects.create(
        platform="facebook",
        digest="d" * 64,
        body=json.dumps({"entry": [{"from": {"id": USER_ID, "name": NAME}}]}),
    )
    return {"conversation": mine, "other": other, "case": case, "agent": agent}


def database_hits(needles=NEEDLES) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every column of every table holding a needle, read with SQL."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for column in columns:
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "
                        f"WHERE LOWER(CAST({connection.ops.quote_name(column)} AS TEXT)) LIKE %s",
                        [f"%{needle.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append((table, column, needle))
    return found


__all__ = ["apps", "database_hits", "HANDLE", "NAME", "USER_ID"]
