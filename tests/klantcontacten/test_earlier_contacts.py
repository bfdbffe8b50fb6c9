""" "Eerder contact": the citizen's klantcontacten from Open Klant by their handle as digitaal adres,
cached briefly, and a quiet "not available" when Open Klant is down."""

from inbox.services.lifecycle import conversation_close
from klantcontacten.models import Klantcontact
from klantcontacten.selectors import earlier_contacts
from klantcontacten.tasks import klantcontact_push

PATH = "/klantcontacten"


def test_the_citizens_contacts_from_kiss_newest_first(openklant):
    openklant.store.kiss_contact(handle="@burger1", kanaal="Telefoon", onderwerp="Grofvuil", days_ago=5)
    openklant.store.kiss_contact(handle="@Burger1", kanaal="Balie", onderwerp="Paspoort", days_ago=1)
    openklant.store.kiss_contact(handle="@burger10", kanaal="Telefoon", onderwerp="Iemand anders", days_ago=2)

    found = earlier_contacts(address="@burger1")

    assert found.available
    assert [(c.kanaal, c.onderwerp) for c in found.contacts] == [
        ("Balie", "Paspoort"),
        ("Telefoon", "Grofvuil"),
    ]
    assert found.contacts[1].inhoud == "Grofvuil: gebeld."
    [request] = openklant.calls("GET", PATH)
    assert request["query"] == {
        "hadBetrokkene__digitaaladres__adres__icontains": "@burger1",
        "expand": "hadBetrokkenen,hadBetrokkenen.digitaleAdressen,gingOverOnderwerpobjecten",
        "pageSize": "50",
    }
    assert openklant.violations == []


def test_a_confidential_contact_shows_only_that_it_happened(openklant):
    openklant.store.kiss_contact(
        handle="@burger1",
        kanaal="Telefoon",
        onderwerp="Schuldhulp",
        days_ago=1,
        vertrouwelijk=True,
    )

    [contact] = earlier_contacts(address="@burger1").contacts

    assert (contact.kanaal, contact.onderwerp, contact.inhoud, contact.confidential) == (
        "Telefoon",
        "",
        "",
        True,
    )


def test_this_conversations_own_klantcontact_is_left_out_but_earlier_ones_are_shown(
    openklant, answered, agent
):
    conversation_close(conversation_id=answered.pk, user=agent)
    klantcontact_push.apply(args=(Klantcontact.objects.get().pk,))

    assert earlier_contacts(address="@burger1", conversation_id=answered.pk).contacts == ()
    [ours] = earlier_contacts(address="@burger1", conversation_id=answered.pk + 1).contacts
    assert (ours.conversation_id, ours.kanaal) == (answered.pk, "Sandbox")


def test_it_is_cached_briefly(openklant, settings):
    openklant.store.kiss_contact(handle="@burger1", kanaal="Telefoon", onderwerp="Grofvuil", days_ago=5)

    earlier_contacts(address="@burger1")
    earlier_contacts(address="@burger1")

    assert len(openklant.calls("GET", PATH)) == 1


def test_open_klant_down_is_a_quiet_not_available_remembered_for_a_while(openklant):
    openklant.stop()

    found = earlier_contacts(address="@burger1")

    assert (found.available, found.contacts, found.configured) == (False, (), True)
    openklant.requests.clear()
    assert earlier_contacts(address="@burger1").available is False  # not asked again at once


def test_a_refusal_is_not_available_too(openklant, settings):
    settings.KLANTINTERACTIES_API_TOKEN = "wrong"

    assert earlier_contacts(address="@burger1").available is False


def test_without_open_klant_configured_there_is_nothing_to_ask(settings):
    settings.KLANTINTERACTIES_API_URL = ""

    found = earlier_contacts(address="@burger1")

    assert (found.available, found.configured) == (False, False)
