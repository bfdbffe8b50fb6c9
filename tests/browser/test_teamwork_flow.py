"""Escalation to the adviser on duty, forwarding to a wijkbureau, calamity clusters and collisions,
each with the people involved in their own browser contexts."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Conversation, DutyShift, Event, Message, Role
from inbox.workflow import State
from tests.browser.conftest import login
from tests.conftest import incoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_TIMEOUT = 15_000


def test_agent_escalates_and_the_adviser_on_duty_answers(
    new_page, live_server, make_user, deliver, eager_celery
):
    make_user(Role.AGENT, username="anouk")
    daan = make_user(Role.ADVISER, team="comms", username="daan")
    now = timezone.now()
    DutyShift.objects.create(
        adviser=daan, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8)
    )
    deliver(incoming(platform_id="pol-1", text="Waarom stemde de wethouder tegen het nieuwe parkeerbeleid?"))
    conversation = Conversation.objects.get(thread_key="pol-1")
    url = f"{live_server.url}/conversations/{conversation.pk}/"

    agent_page, adviser_page = new_page(), new_page()
    login(agent_page, live_server, "anouk")
    login(adviser_page, live_server, "daan")
    expect(adviser_page.get_by_test_id("on-duty")).to_have_text("Van dienst: Daan")
    expect(adviser_page.get_by_test_id("unread-count")).to_have_count(0)

    agent_page.goto(url)
    agent_page.locator('[data-shortcut="escalate"]').click()
    question = "Politiek gevoelig: mogen wij iets zeggen over het stemgedrag?"
    agent_page.get_by_label("Uw vraag aan de adviseur").fill(question)
    agent_page.get_by_role("button", name="Escaleren", exact=True).click()
    expect(agent_page.locator("#flash")).to_have_text("Geëscaleerd naar Daan, de adviseur van dienst.")
    expect(agent_page.get_by_test_id("state")).to_have_text("Geëscaleerd")
    expect(agent_page.get_by_test_id("assignee")).to_have_text("Daan werkt hieraan.")
    expect(agent_page.get_by_test_id("escalation-question")).to_contain_text(question)

    # The adviser's top bar shows the notification without a reload; the escalations view lists it.
    expect(adviser_page.get_by_test_id("unread-count")).to_have_text("1", timeout=LIVE_TIMEOUT)
    adviser_page.get_by_role("link", name="Escalaties").click()
    row = adviser_page.locator(f'tr[data-conversation="{conversation.pk}"]')
    expect(row).to_contain_text(question)
    expect(row).to_contain_text("Anouk")
    row.get_by_role("link").click()
    expect(adviser_page).to_have_url(re.compile(rf"/conversations/{conversation.pk}/$"))
    expect(adviser_page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")

    answer = "De gemeenteraad besluit over het parkeerbeleid; het stemgedrag staat in de raadsnotulen."
    adviser_page.locator("#id_text").fill(answer)
    adviser_page.get_by_role("button", name="Antwoord versturen").click()
    expect(adviser_page.get_by_test_id("send-status")).to_have_text("Verzonden", timeout=LIVE_TIMEOUT)
    expect(adviser_page.get_by_test_id("state")).to_have_text("Beantwoord")

    # The agent's page follows by itself.
    expect(agent_page.get_by_test_id("state")).to_have_text("Beantwoord", timeout=LIVE_TIMEOUT)
    expect(agent_page.locator(".thread .msg.out .text")).to_have_text(answer)
    sent = Message.objects.get(conversation=conversation, direction=Message.Direction.OUTBOUND)
    assert (sent.sent_by, sent.send_status) == (daan, Message.SendStatus.SENT)


def test_adviser_hands_back_with_advice_as_an_internal_note(new_page, live_server, make_user, deliver):
    make_user(Role.AGENT, username="anouk")
    daan = make_user(Role.ADVISER, team="comms", username="daan")
    now = timezone.now()
    DutyShift.objects.create(
        adviser=daan, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8)
    )
    deliver(incoming(platform_id="pers-1", text="Journalist hier: klopt het dat het zwembad dichtgaat?"))
    conversation = Conversation.objects.get(thread_key="pers-1")
    url = f"{live_server.url}/conversations/{conversation.pk}/"
    agent_page, adviser_page = new_page(), new_page()
    login(agent_page, live_server, "anouk")
    login(adviser_page, live_server, "daan")

    agent_page.goto(url)
    agent_page.locator('[data-shortcut="escalate"]').click()
    agent_page.get_by_label("Uw vraag aan de adviseur").fill("Persvraag, wat antwoorden we?")
    agent_page.get_by_role("button", name="Escaleren", exact=True).click()
    expect(agent_page.get_by_test_id("state")).to_have_text("Geëscaleerd")

    adviser_page.goto(url)
    advice = "Verwijs naar het persbericht van vanmorgen; geen verdere uitspraken."
    adviser_page.get_by_label("Uw advies (intern; beantwoord de inwoner hierboven om zelf te reageren)").fill(
        advice
    )
    adviser_page.get_by_role("button", name="Teruggeven", exact=True).click()
    expect(adviser_page.locator("#flash")).to_have_text("Met uw advies teruggegeven aan de medewerker.")

    expect(agent_page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.", timeout=LIVE_TIMEOUT)
    expect(agent_page.get_by_test_id("state")).to_have_text("In behandeling")
    note = agent_page.get_by_test_id("internal-note")
    expect(note).to_contain_text("Intern, niet voor de inwoner")
    expect(note).to_contain_text(advice)
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


def test_forward_to_a_wijkbureau_only_that_wijkbureau_sees_it(new_page, live_server, make_user, deliver):
    make_user(Role.AGENT, username="anouk")
    make_user(Role.WIJKBUREAU, team="oost", username="fatima")
    make_user(Role.WIJKBUREAU, team="west", username="joost")
    deliver(incoming(platform_id="wijk-1", text="Het speeltuintje in het Oosterpark is al weken kapot."))
    conversation = Conversation.objects.get(thread_key="wijk-1")
    url = f"{live_server.url}/conversations/{conversation.pk}/"
    agent_page, oost_page, west_page = new_page(), new_page(), new_page()
    login(agent_page, live_server, "anouk")
    login(oost_page, live_server, "fatima")
    login(west_page, live_server, "joost")
    expect(oost_page.locator("#queue-live tr[data-conversation]")).to_have_count(0)

    agent_page.goto(url)
    agent_page.locator('[data-shortcut="forward"]').click()
    agent_page.get_by_label("Wijkbureau", exact=True).select_option(label="Wijkbureau Oost")
    agent_page.get_by_label("Notitie voor het wijkbureau").fill(
        "Speeltoestel Oosterpark, kunnen jullie dit oppakken?"
    )
    agent_page.get_by_role("button", name="Doorsturen", exact=True).click()
    expect(agent_page.locator("#flash")).to_have_text("Doorgestuurd naar Wijkbureau Oost.")

    # Fatima's queue shows it by itself; she opens it, sees the note and takes it.
    row = oost_page.locator(f'#queue-live tr[data-conversation="{conversation.pk}"]')
    expect(row).to_contain_text("Speeltuintje", timeout=LIVE_TIMEOUT, ignore_case=True)
    row.get_by_role("link").click()
    expect(oost_page.get_by_test_id("forward-note")).to_contain_text("Speeltoestel Oosterpark")
    oost_page.get_by_role("button", name="Oppakken", exact=True).click()
    expect(oost_page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")

    # Joost (Wijkbureau West) sees nothing of it, not in the queue and not by its address.
    west_page.reload()
    expect(west_page.locator("#queue-live .empty")).to_be_visible()
    response = west_page.goto(url)
    assert response.status == 404
    assert Event.objects.filter(conversation=conversation, kind=Event.Kind.FORWARDED).count() == 1


def test_bulk_answer_of_a_calamity_cluster(page, live_server, make_user, deliver, eager_celery):
    make_user(Role.AGENT, username="anouk")
    texts = [
        "Er ligt een omgevallen boom op de Amsterdamsestraatweg",
        "Omgevallen boom Amsterdamsestraatweg, niemand kan erlangs",
        "Boom omgevallen op de Amsterdamsestraatweg!! #storm",
        "Grote boom omgevallen Amsterdamsestraatweg, fietspad dicht",
    ]
    deliver(*(incoming(platform_id=f"tree-{n}", author_id=f"c{n}", text=t) for n, t in enumerate(texts)))
    deliver(incoming(platform_id="other-1", author_id="x", text="Wanneer wordt het grofvuil opgehaald?"))
    tree_ids = sorted(
        Conversation.objects.filter(thread_key__startswith="tree-").values_list("pk", flat=True)
    )

    login(page, live_server, "anouk")
    cluster = page.get_by_test_id("clusters").locator("li")
    expect(cluster).to_have_count(1)
    expect(cluster).to_contain_text("4 gesprekken")
    cluster.get_by_role("link").click()
    expect(page.get_by_test_id("cluster-member")).to_have_count(4)
    answer = "Dank voor uw melding. Onze mensen zijn onderweg om de boom te verwijderen."
    page.get_by_label("Eén antwoord voor allemaal").fill(answer)
    page.get_by_role("button", name="Allemaal beantwoorden").click()

    expect(page).to_have_url(re.compile(r"/queue/$"))
    expect(page.locator("#flash")).to_have_text("4 gesprekken beantwoord.")
    expect(page.locator("#queue-live tr[data-conversation]")).to_have_count(1)
    replies = Message.objects.filter(direction=Message.Direction.OUTBOUND).order_by("conversation_id")
    assert [(m.conversation_id, m.text, m.send_status) for m in replies] == [
        (pk, answer, Message.SendStatus.SENT) for pk in tree_ids
    ]
    assert [m.in_reply_to_platform_id for m in replies] == [f"tree-{n}" for n in range(4)]
    assert set(Conversation.objects.filter(pk__in=tree_ids).values_list("state", flat=True)) == {State.CLOSED}


def test_others_see_who_is_typing_and_an_outdated_reply_is_refused(new_page, live_server, make_user, deliver):
    make_user(Role.AGENT, username="anouk")
    make_user(Role.AGENT, username="bram")
    deliver(incoming(platform_id="typ-1", text="Mijn container is niet geleegd."))
    conversation = Conversation.objects.get(thread_key="typ-1")
    url = f"{live_server.url}/conversations/{conversation.pk}/"
    page_a, page_b = new_page(), new_page()
    login(page_a, live_server, "anouk")
    login(page_b, live_server, "bram")
    page_a.goto(url)
    page_b.goto(url)
    page_a.get_by_role("button", name="Oppakken", exact=True).click()
    expect(page_a.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")

    page_a.locator("#id_text").press_sequentially("Wij sturen")
    expect(page_b.get_by_test_id("typing")).to_have_text("Anouk typt een antwoord…", timeout=LIVE_TIMEOUT)
    expect(page_a.get_by_test_id("typing")).to_have_text("")

    # The citizen writes again while Anouk types; once her page shows it, one confirmation lets it go.
    page_a.route(re.compile(r"/conversations/\d+/\?v="), lambda route: route.abort())
    deliver(incoming(platform_id="typ-2", thread_key="typ-1", in_reply_to="typ-1", text="Hij staat nog vol!"))
    page_a.locator("#id_text").press_sequentially(" vandaag nog iemand.")
    page_a.get_by_role("button", name="Antwoord versturen").click()
    expect(page_a.locator("#reply-form").get_by_role("alert")).to_have_text(
        "De inwoner schreef opnieuw terwijl u typte. Lees eerst het nieuwe bericht; uw tekst is bewaard en niet verstuurd."
    )
    expect(page_a.locator("#id_text")).to_have_value("Wij sturen vandaag nog iemand.")
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()

    page_a.unroute(re.compile(r"/conversations/\d+/\?v="))
    expect(page_a.locator(".thread .msg.in")).to_have_count(2, timeout=LIVE_TIMEOUT)
    expect(page_a.locator(".thread .msg.in.new-since-typing")).to_contain_text("Hij staat nog vol!")
    page_a.get_by_test_id("confirm-newer").check()
    page_a.get_by_role("button", name="Antwoord versturen").click()
    expect(page_a.locator(".thread .msg.out")).to_have_count(1)
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 1
