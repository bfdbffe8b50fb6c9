"""The conversation page asks the holder rule whether this user may act, as the services do."""

from django.urls import reverse

from inbox.models import Role
from inbox.services.claims import conversation_claim


def _page(client, user, conversation) -> str:
    client.force_login(user)
    response = client.get(reverse("inbox:conversation", args=[conversation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _controls(body: str, conversation) -> dict[str, bool]:
    return {
        "reply_form": 'id="reply-form"' in body,
        "reply_blocked": 'id="reply-blocked"' in body,
        "claim": reverse("inbox:claim", args=[conversation.pk]) in body,
        "release": reverse("inbox:release", args=[conversation.pk]) in body,
        "close": reverse("inbox:close", args=[conversation.pk]) in body,
    }


def test_an_agent_sees_who_holds_it_and_no_controls_to_act(client, agent, other_agent, conversation):
    conversation_claim(conversation_id=conversation.pk, user=other_agent)

    body = _page(client, agent, conversation)

    assert _controls(body, conversation) == {
        "reply_form": False,
        "reply_blocked": True,
        "claim": False,
        "release": False,
        "close": False,
    }
    assert "Collega werkt aan dit gesprek; alleen die kan antwoorden." in body


def test_the_holder_may_reply_release_and_close(client, other_agent, conversation):
    conversation_claim(conversation_id=conversation.pk, user=other_agent)

    assert _controls(_page(client, other_agent, conversation), conversation) == {
        "reply_form": True,
        "reply_blocked": False,
        "claim": False,
        "release": True,
        "close": True,
    }


def test_nobody_holds_it_so_an_agent_may_claim_reply_and_close(client, agent, conversation):
    assert _controls(_page(client, agent, conversation), conversation) == {
        "reply_form": True,
        "reply_blocked": False,
        "claim": True,
        "release": False,
        "close": True,
    }


def test_a_functional_admin_may_step_in_for_a_colleague(client, make_user, other_agent, conversation):
    conversation_claim(conversation_id=conversation.pk, user=other_agent)

    assert _controls(_page(client, make_user(Role.ADMIN), conversation), conversation) == {
        "reply_form": True,
        "reply_blocked": False,
        "claim": False,
        "release": True,
        "close": True,
    }
