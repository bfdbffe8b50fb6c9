"""The teamwork screens through Django's test client: typing markers, outdated replies, clusters."""

from django.urls import reverse

from inbox.models import Event, Message, Role
from inbox.services.teamwork import conversation_escalate
from tests.conftest import incoming


def test_typing_marker_is_shown_to_others_not_to_the_writer(client, conversation, agent, other_agent):
    url = reverse("teamwork:typing", args=[conversation.pk])
    client.force_login(agent)
    assert client.post(url).status_code == 204
    assert "typt een antwoord" not in client.get(url).content.decode()

    client.force_login(other_agent)
    assert "Agent typt een antwoord…" in client.get(url).content.decode()
    assert not Event.objects.exclude(kind=Event.Kind.CREATED).exists()  # no audit noise


def test_outdated_reply_is_refused_with_the_text_kept(client, conversation, agent, deliver):
    seen = conversation.messages.get().pk
    deliver(incoming(platform_id="later", thread_key="first", in_reply_to="first", text="Nog iets"))
    client.force_login(agent)

    response = client.post(
        reverse("inbox:reply", args=[conversation.pk]), {"text": "Mijn antwoord", "last_seen": seen}
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "De inwoner schreef opnieuw terwijl u typte." in body
    assert ">Mijn antwoord</textarea>" in body
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    # The page now shows the new message; the guard still holds what the writer had seen, and one
    # explicit confirmation sends the reply.
    assert f'name="last_seen" value="{seen}"' in body
    assert 'id="reply-newer" role="status">' in body
    resend = client.post(
        reverse("inbox:reply", args=[conversation.pk]), {"text": "Mijn antwoord", "last_seen": seen}
    )
    assert resend.status_code == 409
    confirmed = client.post(
        reverse("inbox:reply", args=[conversation.pk]),
        {"text": "Mijn antwoord", "last_seen": seen, "confirm_newer": "1"},
    )
    assert confirmed.status_code == 302
    assert Message.objects.get(direction=Message.Direction.OUTBOUND).text == "Mijn antwoord"


def test_api_refuses_an_outdated_reply_with_409(client, conversation, agent, deliver):
    seen = conversation.messages.get().pk
    deliver(incoming(platform_id="later", thread_key="first", in_reply_to="first", text="Nog iets"))
    client.force_login(agent)

    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/reply",
        {"text": "Antwoord", "last_seen_message_id": seen},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["detail"].startswith("The citizen wrote again")
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


def test_clusters_show_only_what_the_user_may_answer(client, deliver, make_user, agent, teams):
    for n in range(3):
        deliver(incoming(platform_id=f"tree-{n}", author_id=f"c{n}", text="Boom omgevallen op de Biltstraat"))
    client.force_login(agent)
    clusters = client.get(reverse("teamwork:clusters")).context["clusters"]
    assert [len(c.ids) for c in clusters] == [3]

    wijk = make_user(Role.WIJKBUREAU, team="oost", username="fatima")
    client.force_login(wijk)
    assert client.get(reverse("teamwork:clusters")).context["clusters"] == []


def test_escalated_conversation_is_not_handed_out_by_take_next(client, conversation, agent, make_user):
    make_user(Role.ADVISER, team="comms", username="daan")
    conversation_escalate(conversation_id=conversation.pk, user=agent, question="Vraag")  # nobody on duty
    client.force_login(make_user(Role.AGENT, username="bram"))

    response = client.post(reverse("inbox:take_next"))

    assert response["Location"] == reverse("inbox:queue")
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_escalate_hand_back_and_forward_through_the_api(client, conversation, agent, make_user, teams):
    from inbox.models import DutyShift
    from inbox.workflow import State

    daan = make_user(Role.ADVISER, team="comms", username="daan")
    now = conversation.created_at
    DutyShift.objects.create(
        adviser=daan, starts_at=now.replace(year=now.year - 1), ends_at=now.replace(year=now.year + 1)
    )
    base = f"/api/v1/conversations/{conversation.pk}"
    client.force_login(agent)

    escalated = client.post(
        f"{base}/escalate", {"question": "Wat zeggen we?"}, content_type="application/json"
    )
    assert (escalated.status_code, escalated.json()["state"], escalated.json()["assignee"]) == (
        200,
        "escalated",
        "daan",
    )

    client.force_login(daan)
    back = client.post(
        f"{base}/hand-back", {"advice": "Verwijs naar de website."}, content_type="application/json"
    )
    assert (back.status_code, back.json()["state"], back.json()["assignee"]) == (200, "open", "agent")

    client.force_login(agent)
    note = client.post(f"{base}/notes", {"text": "Eerst bellen."}, content_type="application/json")
    assert (note.status_code, note.json()["kind"], note.json()["data"]) == (
        201,
        "note",
        {"note": "Eerst bellen."},
    )
    unknown = client.post(
        f"{base}/forward", {"team": "nergens", "note": "x"}, content_type="application/json"
    )
    assert (unknown.status_code, unknown.json()["detail"]) == (422, "Choose a wijkbureau.")
    forwarded = client.post(
        f"{base}/forward", {"team": "wijkbureau-oost", "note": "Wijkvraag"}, content_type="application/json"
    )
    assert (forwarded.status_code, forwarded.json()["data"]["team"]) == (200, "wijkbureau-oost")
    conversation.refresh_from_db()
    assert (conversation.team, conversation.assignee, conversation.state) == (teams["oost"], None, State.OPEN)
