"""The bulk answer of a cluster: a text per thread, and no identical posts where the platform refuses
them (X does)."""

import dataclasses

import pytest
from django.urls import reverse

from inbox.models import Conversation, Event, Message
from inbox.platforms import register_reply_rules, reply_rules
from inbox.services.base import ServiceError
from inbox.services.bulk import IdenticalReplies, cluster_answer
from tests.conftest import incoming


@pytest.fixture
def trees(deliver):
    deliver(
        *(
            incoming(platform_id=f"boom-{n}", author_id=f"c{n}", text="Boom omgevallen op de Biltstraat")
            for n in range(3)
        )
    )
    return list(Conversation.objects.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def refuses_duplicates():
    """The test account's platform behaves like X: it refuses a post identical to a recent one."""
    rules = reply_rules("sandbox")
    register_reply_rules("sandbox", dataclasses.replace(rules, refuses_duplicates=True))
    yield
    register_reply_rules("sandbox", rules)


def outbound():
    return list(
        Message.objects.filter(direction=Message.Direction.OUTBOUND)
        .order_by("conversation_id")
        .values_list("conversation_id", "text")
    )


def test_each_thread_may_get_a_text_of_its_own(client, agent, trees):
    a, b, c = trees
    client.force_login(agent)
    response = client.post(
        reverse("teamwork:cluster"),
        {
            "ids": trees,
            "all": trees,
            "text": "Wij komen de boom weghalen.",
            f"text_{b}": "Dank, Burger Twee!",
        },
    )
    assert response.status_code == 302
    assert outbound() == [
        (a, "Wij komen de boom weghalen."),
        (b, "Dank, Burger Twee!"),
        (c, "Wij komen de boom weghalen."),
    ]


def test_the_page_warns_that_x_refuses_identical_posts(client, agent, trees):
    client.force_login(agent)
    body = client.get(reverse("teamwork:cluster"), {"ids": ",".join(map(str, trees))}).content.decode()
    assert "X weigert identieke berichten van één account" in body
    assert body.count("Eigen tekst voor dit gesprek") == 3


def test_identical_texts_are_refused_before_anything_is_sent(client, agent, trees, refuses_duplicates):
    a, b, c = trees
    events_before = Event.objects.count()
    client.force_login(agent)

    response = client.post(
        reverse("teamwork:cluster"),
        {
            "ids": trees,
            "all": trees,
            "text": "Wij komen eraan.",
            f"text_{c}": "Wij komen eraan, Burger Drie.",
        },
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert (
        f"Sandbox weigert identieke berichten: geef deze gesprekken elk een eigen tekst (#{a}, #{b})." in body
    )
    # Their own fields come back filled with the common answer, ready to vary; c keeps its own.
    assert f'name="text_{a}" rows="3" data-max-length="280" dir="auto">Wij komen eraan.</textarea>' in body
    assert (
        f'name="text_{c}" rows="3" data-max-length="280" dir="auto">Wij komen eraan, Burger Drie.</textarea>'
        in body
    )
    assert outbound() == []
    assert Event.objects.count() == events_before
    assert set(Conversation.objects.values_list("state", flat=True)) == {"new"}

    response = client.post(
        reverse("teamwork:cluster"),
        {
            "ids": trees,
            "all": trees,
            "text": "Wij komen eraan.",
            f"text_{a}": "Wij komen eraan, Burger Een.",
            f"text_{c}": "Wij komen eraan, Burger Drie.",
        },
    )
    assert response.status_code == 302
    assert [text for _pk, text in outbound()] == [
        "Wij komen eraan, Burger Een.",
        "Wij komen eraan.",
        "Wij komen eraan, Burger Drie.",
    ]


def test_the_service_refuses_identical_texts_whitespace_and_case_alike(agent, trees, refuses_duplicates):
    a, b, c = trees
    with pytest.raises(IdenticalReplies) as refused:
        cluster_answer(
            conversation_ids=trees,
            user=agent,
            text="Wij komen eraan.",
            texts={a: "wij  komen ERAAN.", c: "Iets anders."},
            close=True,
        )
    assert isinstance(refused.value, ServiceError)
    assert refused.value.conversation_ids == [a, b]
    assert outbound() == []


def test_a_cluster_without_any_text_is_refused_and_nothing_is_sent(client, agent, trees):
    client.force_login(agent)
    response = client.post(reverse("teamwork:cluster"), {"ids": trees, "all": trees, "text": "  "})
    assert response.status_code == 422
    assert outbound() == []
