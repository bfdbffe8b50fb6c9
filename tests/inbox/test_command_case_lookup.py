import json
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from inbox.services.case_links import conversation_case_register


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_help():
    parser = load_command_class("inbox", "case_lookup").create_parser("manage.py", "case_lookup")
    assert parser.format_help().startswith("usage: manage.py case_lookup")


def test_lookup_as_json_is_the_api_shape(conversation, agent):
    case = conversation_case_register(
        conversation_id=conversation.pk, user=agent, category="groen", description="Boom", location="Zandweg"
    )
    data = json.loads(run("case_lookup", f"zaak {case.year} {case.sequence:07d}", "--json"))
    assert data["number"] == case.number
    assert (data["status"], data["category"], data["location"]) == ("registered", "groen", "Zandweg")
    assert [c["id"] for c in data["conversations"]] == [conversation.pk]
    assert [e["kind"] for e in data["timeline"]] == ["registered"]


def test_lookup_as_text(conversation, agent):
    case = conversation_case_register(
        conversation_id=conversation.pk, user=agent, category="groen", description="Boom", location="Zandweg"
    )
    out = run("case_lookup", case.number)
    assert out.splitlines()[0] == f"{case.number}  Geregistreerd  (registered)"
    assert f"    #{conversation.pk} sandbox GemeenteTest Burger Een new" in out.splitlines()


def test_unknown_number_is_an_error(db):
    with pytest.raises(CommandError, match="No case with number 'ZAAK-2026-0000404'"):
        run("case_lookup", "ZAAK-2026-0000404")
