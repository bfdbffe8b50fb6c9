"""An answered, closed conversation becomes one klantcontact in Open Klant: against the fake Open Klant
over real HTTP, every request and response checked against the official spec."""

import datetime as dt

import pytest

from cases.models import Category
from inbox.services.lifecycle import conversation_close
from klantcontacten.models import Klantcontact, KlantcontactEvent
from klantcontacten.services import PUSH_TASK
from klantcontacten.tasks import klantcontact_push


def _close(conversation, user):
    conversation_close(conversation_id=conversation.pk, user=user)
    return Klantcontact.objects.get(conversation_id=conversation.pk)


def test_closing_an_answered_conversation_queues_its_klantcontact_after_commit(
    openklant, answered, agent, published_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversation_close(conversation_id=answered.pk, user=agent)

    klantcontact = Klantcontact.objects.get(conversation_id=answered.pk)
    assert klantcontact.state == "pending"
    assert klantcontact.referentienummer == f"9{klantcontact.pk:09d}"
    assert (PUSH_TASK, (klantcontact.pk,)) in published_tasks
    assert openklant.requests == []  # nothing is sent before the task runs
    assert list(klantcontact.events.values_list("kind", "actor")) == [("queued", agent.pk)]


def test_the_task_registers_klantcontact_betrokkene_adres_and_actor(openklant, answered, agent):
    klantcontact = _close(answered, agent)

    assert klantcontact_push.apply(args=(klantcontact.pk,)).get() == "created", openklant.violations

    assert openklant.violations == []
    klantcontact.refresh_from_db()
    [(uuid, stored)] = openklant.store.klantcontacten.items()
    assert (klantcontact.state, klantcontact.remote_uuid, klantcontact.pushed_version) == ("synced", uuid, 1)
    first = answered.messages.order_by("created_at").first()
    assert {k: v for k, v in stored.items() if k != "order"} == {
        "nummer": None,
        "referentienummer": klantcontact.referentienummer,
        "kanaal": "Sandbox",
        "onderwerp": Category(answered.triage.suggested["category"]).label,  # the category triage suggested
        "inhoud": "Er ligt een omgevallen boom op het fietspad.",
        "reactie": "Dank u, we sturen iemand langs.",
        "indicatieContactGelukt": True,
        "hoofdOnderwerpType": "",
        "verdereActieOndernomen": False,
        "taal": "nld",
        "vertrouwelijk": False,
        "plaatsgevondenOp": first.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "metadata": {"bron": "webcare", "gesprek": str(answered.pk)},
    }
    [betrokkene] = openklant.store.betrokkenen.values()
    assert (betrokkene["klantcontact"], betrokkene["rol"], betrokkene["initiator"]) == (uuid, "klant", True)
    assert betrokkene["contactnaam"] == {
        "voorletters": "B.",
        "voornaam": "Burger",
        "voorvoegselAchternaam": "",
        "achternaam": "Een",
    }
    [adres] = openklant.store.digitale_adressen.values()
    assert {k: adres[k] for k in ("betrokkene", "adres", "soortDigitaalAdres", "omschrijving")} == {
        "betrokkene": betrokkene["uuid"],
        "adres": "@burger1",
        "soortDigitaalAdres": "overig",
        "omschrijving": "Sandbox",
    }
    [actor] = openklant.store.actoren.values()
    assert {k: actor[k] for k in ("naam", "soortActor", "indicatieActief", "actoridentificator")} == {
        "naam": "Agent",
        "soortActor": "medewerker",
        "indicatieActief": True,
        "actoridentificator": {
            "codeObjecttype": "mdw",
            "codeRegister": "webcare",
            "codeSoortObjectId": "gebruikersnaam",
            "objectId": "agent",
        },
    }
    [link] = openklant.store.actorklantcontacten.values()
    assert (link["actor"], link["klantcontact"]) == (actor["uuid"], uuid)
    assert openklant.store.onderwerpobjecten == {}  # no case, no onderwerpobject
    assert [
        (r["method"], r["path"].removeprefix("/klantinteracties/api/v1")) for r in openklant.requests
    ] == [
        ("GET", "/klantcontacten"),  # looked up by referentienummer first
        ("POST", "/maak-klantcontact"),
        ("GET", f"/klantcontacten/{uuid}"),
        ("POST", "/digitaleadressen"),
        ("GET", "/actoren"),
        ("POST", "/actoren"),
        ("POST", "/actorklantcontacten"),
    ]
    assert all(r["headers"]["Authorization"] == f"Token {openklant.token}" for r in openklant.requests)
    assert list(klantcontact.events.values_list("kind", flat=True)) == ["queued", "registered"]
    # A second delivery of the task does nothing.
    assert klantcontact_push.apply(args=(klantcontact.pk,)).get() == "skipped"
    assert len(openklant.requests) == 7


def test_a_direct_message_is_confidential(openklant, deliver, agent):
    from inbox.models import Conversation
    from inbox.services.claims import conversation_claim
    from inbox.services.outbox import reply_queue
    from tests.conftest import incoming

    deliver(incoming(platform_id="dm-1", thread_key="dm:burger1", kind="dm", is_private=True))
    conversation = Conversation.objects.get(thread_key="dm:burger1")
    conversation_claim(conversation_id=conversation.pk, user=agent)
    reply_queue(conversation_id=conversation.pk, user=agent, text="Wij nemen contact op.")
    klantcontact = _close(conversation, agent)

    assert klantcontact_push.apply(args=(klantcontact.pk,)).get() == "created"
    [stored] = openklant.store.klantcontacten.values()
    assert stored["vertrouwelijk"] is True


def test_a_conversation_closed_without_an_answer_is_no_klantcontact(openklant, conversation, agent):
    conversation_close(conversation_id=conversation.pk, user=agent)

    assert not Klantcontact.objects.exists()
    assert not KlantcontactEvent.objects.exists()


def test_without_klantinteracties_api_url_nothing_is_recorded(settings, answered, agent):
    settings.KLANTINTERACTIES_API_URL = ""

    conversation_close(conversation_id=answered.pk, user=agent)

    assert not Klantcontact.objects.exists()


@pytest.mark.parametrize("prefix", ["9", "70"])
def test_the_referentienummer_is_ten_digits_with_the_prefix(settings, openklant, answered, agent, prefix):
    settings.KLANTINTERACTIES_REFERENTIE_PREFIX = prefix
    klantcontact = _close(answered, agent)

    assert klantcontact.referentienummer == prefix + str(klantcontact.pk).zfill(10 - len(prefix))
    assert len(klantcontact.referentienummer) == 10
