"""What goes into the klantcontact: the subject, the texts within Open Klant's limits, the case as
onderwerpobject, names and agents. Against the fake Open Klant, which checks every maxLength."""

import pytest

from cases.models import Case
from inbox.services.case_links import conversation_case_register
from inbox.services.lifecycle import conversation_close, conversation_reopen
from klantcontacten.models import Klantcontact
from klantcontacten.openklant.bodies import clip, contactnaam
from klantcontacten.tasks import klantcontact_push
from tests.conftest import incoming


def _close_and_push(conversation, user):
    conversation_close(conversation_id=conversation.pk, user=user)
    klantcontact = Klantcontact.objects.get(conversation_id=conversation.pk)
    assert klantcontact_push.apply(args=(klantcontact.pk,)).get() in ("created", "updated")
    return klantcontact


def _only(table):
    [row] = table.values()
    return row


def test_long_texts_are_clipped_to_open_klants_limits(openklant, deliver, agent, answered):
    long_question = "Waarom " + "lang " * 400 + "einde?"
    deliver(incoming(platform_id="long", thread_key="first", text=long_question))
    from inbox.services.outbox import reply_queue

    for n in range(20):
        reply_queue(conversation_id=answered.pk, user=agent, text=f"Antwoord {n}: " + "uitleg " * 35)

    _close_and_push(answered, agent)

    stored = _only(openklant.store.klantcontacten)
    assert len(stored["inhoud"]) <= 1000 and stored["inhoud"].endswith("…")
    assert len(stored["reactie"]) <= 4000 and stored["reactie"].endswith("…")
    assert stored["reactie"].startswith("Dank u, we sturen iemand langs.\n\nAntwoord 0:")
    assert openklant.violations == []


def test_without_a_category_the_subject_is_the_first_words(openklant, answered, agent):
    answered.triage.delete()
    answered.refresh_from_db()

    _close_and_push(answered, agent)

    assert (
        _only(openklant.store.klantcontacten)["onderwerp"] == "Er ligt een omgevallen boom op het fietspad."
    )


def test_a_local_case_is_the_onderwerpobject_by_its_number(openklant, answered, agent):
    case = conversation_case_register(
        conversation_id=answered.pk, user=agent, category="groen", description="Boom omgevallen"
    )

    _close_and_push(answered, agent)

    stored = _only(openklant.store.klantcontacten)
    assert stored["onderwerp"] == "Groen"  # the case's category
    assert _only(openklant.store.onderwerpobjecten)["identificator"] == {
        "objectId": case.number,
        "codeObjecttype": "zaak",
        "codeRegister": "webcare",
        "codeSoortObjectId": "identificatie",
    }


def test_a_zaak_in_open_zaak_is_the_onderwerpobject_by_its_uuid_once_known(
    openklant, answered, agent, settings
):
    settings.CASES_BACKEND = "zgw"
    case = conversation_case_register(
        conversation_id=answered.pk, user=agent, category="groen", description="Boom omgevallen"
    )
    _close_and_push(answered, agent)
    onderwerpobject = _only(openklant.store.onderwerpobjecten)
    assert onderwerpobject["identificator"] == {
        "objectId": case.number,  # not registered in Open Zaak yet: its identificatie there
        "codeObjecttype": "zaak",
        "codeRegister": "openzaak",
        "codeSoortObjectId": "identificatie",
    }
    zaak_uuid = "1f0b2a6e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
    Case.objects.filter(pk=case.pk).update(
        sync_state="synced", backend_reference=f"https://openzaak.example.nl/zaken/api/v1/zaken/{zaak_uuid}"
    )
    conversation_reopen(conversation_id=answered.pk, user=agent)

    _close_and_push(answered, agent)

    assert _only(openklant.store.onderwerpobjecten)["identificator"] == {
        "objectId": zaak_uuid,
        "codeObjecttype": "zaak",
        "codeRegister": "openzaak",
        "codeSoortObjectId": "uuid",
    }
    [patch] = openklant.calls("PATCH", "/onderwerpobjecten")
    assert patch["path"].endswith(onderwerpobject["uuid"])
    assert openklant.violations == []


def test_an_agent_with_an_email_address_is_the_actor_kiss_knows(openklant, answered, agent):
    agent.email = "anouk.devries@utrecht.nl"
    agent.first_name, agent.last_name = "Anouk", "de Vries"
    agent.save()
    openklant.store.add_actor(
        {
            "naam": "Anouk de Vries",
            "soortActor": "medewerker",
            "actoridentificator": {
                "objectId": "anouk.devries@utrecht.nl",
                "codeObjecttype": "mdw",
                "codeRegister": "msei",
                "codeSoortObjectId": "email",
            },
        }
    )

    _close_and_push(answered, agent)

    [actor] = openklant.store.actoren.values()  # found, not made again
    [link] = openklant.store.actorklantcontacten.values()
    assert link["actor"] == actor["uuid"]


def test_the_kanaal_comes_from_the_configured_codes(openklant, answered, agent, settings):
    settings.KLANTINTERACTIES_KANALEN = {"sandbox": "webcare-test"}

    _close_and_push(answered, agent)

    assert _only(openklant.store.klantcontacten)["kanaal"] == "webcare-test"


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        (
            "Anne van der Linden",
            {
                "voorletters": "A.",
                "voornaam": "Anne",
                "voorvoegselAchternaam": "van der",
                "achternaam": "Linden",
            },
        ),
        (
            "Sanne 🚲",
            {"voorletters": "", "voornaam": "Sanne 🚲", "voorvoegselAchternaam": "", "achternaam": ""},
        ),
        ("", None),
    ],
)
def test_contactnaam_is_split_or_kept_whole_as_the_name_they_use(display, expected):
    assert contactnaam(display) == expected


def test_clip_cuts_at_a_word_and_marks_it():
    assert clip("kort", 10) == "kort"
    assert clip("een twee drie vier vijf", 16) == "een twee drie…"
    assert len(clip("x" * 50, 10)) == 10
