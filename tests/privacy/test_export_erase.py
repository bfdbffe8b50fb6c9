"""contact_export and contact_erase, on the command line and in the admin screen: the export holds
everything, the erasure leaves no trace in any column of any table, and both are audited."""

import json

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from cases.models import Case, ManualContact
from inbox.models import Contact, Conversation, Message, Role

from .conftest import HANDLE, NAME, USER_ID, database_hits


def test_the_export_holds_everything_about_them(traces, capsys):
    call_command("contact_export", f"@{HANDLE}", "--json")
    data = json.loads(capsys.readouterr().out)

    assert data["contact"]["handle"] == HANDLE
    [conversation] = data["conversations"]
    texts = [m["text"] for m in conversation["messages"]]
    assert texts == [
        "Er ligt afval bij mij voor de deur, bel me op 06-12345678",
        "Nog steeds niet opgehaald!",
        f"Beste {NAME}, wij komen het ophalen.",
    ]
    assert conversation["messages"][0]["raw"]["author"]["username"] == HANDLE
    assert [c["number"] for c in data["cases"]] == [traces["case"].number]
    assert data["cases"][0]["contacts"][0]["text"].startswith(NAME)
    assert {e["kind"] for e in data["notes_elsewhere"]} == {"note", "escalated"}
    assert [h["text"] for h in data["monitoring_hits"]] == ["#afval030 overal"]
    assert len(data["webhook_deliveries"]) == 1
    assert conversation["triage"]["text"].startswith("Er ligt afval")
    entry = AuditEntry.objects.get(action="contact_exported")
    assert (entry.object_repr, entry.via, entry.detail["messages"]) == (
        f"contact #{data['contact']['id']}",
        "command",
        3,
    )


def test_an_erasure_leaves_the_handle_nowhere_in_the_database(traces, capsys):
    assert {needle for _, _, needle in database_hits()} == {HANDLE, NAME, USER_ID}  # the test can see them
    contact = Contact.objects.get(handle=HANDLE)
    messages = Message.objects.count()

    call_command("contact_erase", HANDLE, "--reason", f"Verwijderverzoek 2026-117 van @{HANDLE} per brief")

    assert database_hits() == []
    # What the figures and the case register need stays.
    assert Message.objects.count() == messages
    assert Conversation.objects.filter(contact=contact).count() == 1
    case = Case.objects.get(pk=traces["case"].pk)
    assert (case.number, case.category, case.contact_handle, case.contact_name) == (
        traces["case"].number,
        "afval",
        "",
        "",
    )
    assert ManualContact.objects.get().text == "[verwijderd]"
    assert Conversation.objects.get(pk=traces["other"].pk).messages.get().text == "Lantaarnpaal kapot"
    entry = AuditEntry.objects.get(action="contact_erased")
    assert entry.object_repr == f"contact #{contact.pk}"
    assert entry.detail["reason"] == "Verwijderverzoek 2026-117 van @[verwijderd] per brief"
    assert entry.detail["cases"] == [case.number]
    assert "Erased contact" in capsys.readouterr().out


def test_the_commands_say_when_nobody_or_several_match(traces, make_user, deliver, teams):
    from inbox.models import Account
    from tests.conftest import incoming

    other = Account.objects.create(platform="x", handle="GemeenteX", team=teams["kcc"])
    deliver(incoming(platform_id="x-1", author_id="555", author_handle=HANDLE), to=other)

    with pytest.raises(CommandError, match="No contact"):
        call_command("contact_export", "@niemand")
    with pytest.raises(CommandError, match="More than one contact"):
        call_command("contact_erase", HANDLE, "--reason", "x")
    contact = Contact.objects.get(platform="x")
    call_command("contact_erase", str(contact.pk), "--reason", "verzoek")
    assert Contact.objects.filter(handle=HANDLE).count() == 1


def test_admins_export_and_erase_in_the_screen(client, traces):
    admin = traces["agent"].__class__.objects.create_user(
        "ruud", password="x", is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    contact = Contact.objects.get(handle=HANDLE)

    found = client.get("/privacy/", {"q": HANDLE})
    page = client.get(f"/privacy/contacts/{contact.pk}/")
    download = client.get(f"/privacy/contacts/{contact.pk}/export.json")
    refused = client.post(f"/privacy/contacts/{contact.pk}/erase/", {"reason": "verzoek"})
    erased = client.post(f"/privacy/contacts/{contact.pk}/erase/", {"reason": "Verzoek 12", "confirm": "1"})

    assert f"/privacy/contacts/{contact.pk}/" in found.content.decode()
    assert "Wissen (verwijderverzoek)" in page.content.decode()
    assert download["Content-Disposition"] == f'attachment; filename="inzage-contact-{contact.pk}.json"'
    assert json.loads(download.content)["contact"]["name"] == NAME
    assert refused.status_code == 422  # not confirmed: nothing erased
    assert erased.status_code == 302
    assert database_hits() == []
    assert [(e.action, e.actor, e.via) for e in AuditEntry.objects.filter(action__startswith="contact_")] == [
        ("contact_erased", "ruud", "web"),
        ("contact_exported", "ruud", "web"),
    ]


def test_only_admins_have_the_screen(client, make_user, traces):
    client.force_login(make_user(Role.MANAGER))
    contact = Contact.objects.get(handle=HANDLE)

    assert client.get("/privacy/").status_code == 403
    assert client.get(f"/privacy/contacts/{contact.pk}/export.json").status_code == 403
    assert (
        client.post(f"/privacy/contacts/{contact.pk}/erase/", {"reason": "x", "confirm": "1"}).status_code
        == 403
    )
    assert Contact.objects.get(pk=contact.pk).handle == HANDLE
