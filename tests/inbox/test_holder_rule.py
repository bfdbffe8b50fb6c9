"""The holder rule as a whole table: role × who holds the conversation → may act, and that the
services that act all ask it (an agent is refused, an admin may step in, a manager never acts)."""

import itertools

import pytest

from inbox.models import Conversation, Event, Role
from inbox.permissions import HOLDER_RULE, Holder, holder_allows, holder_q, require_holder
from inbox.services.base import AlreadyClaimed, NotAllowed
from inbox.services.case_links import conversation_case_register
from inbox.services.claims import conversation_claim, conversation_release
from inbox.services.lifecycle import conversation_close
from inbox.services.outbox import reply_queue
from inbox.services.teamwork import conversation_escalate, conversation_forward
from tests.conftest import incoming

EXPECTED = {
    # (role, holder): may act
    **{(role, h): True for role in ("agent", "adviser", "wijkbureau") for h in ("nobody", "you")},
    **{(role, "someone_else"): False for role in ("agent", "adviser", "wijkbureau")},
    **{("admin", h): True for h in ("nobody", "you", "someone_else")},
    **{("manager", h): False for h in ("nobody", "you", "someone_else")},
}


def test_the_table_is_exactly_as_decided():
    assert {(role, h): HOLDER_RULE[role][h] for role in HOLDER_RULE for h in HOLDER_RULE[role]} == EXPECTED
    assert set(HOLDER_RULE) == set(Role.values)


@pytest.mark.parametrize("role,holder", list(itertools.product(Role.values, Holder.values)))
def test_holder_allows_follows_the_table(role, holder, make_user, conversation):
    user = make_user(role)
    if holder != "nobody":
        holding = user if holder == "you" else make_user(Role.AGENT)
        Conversation.objects.filter(pk=conversation.pk).update(assignee=holding)
        conversation.refresh_from_db()
    assert holder_allows(user, conversation) is EXPECTED[(role, holder)]
    if EXPECTED[(role, holder)]:
        require_holder(user, conversation, refusal="%(name)s has it")
    else:
        with pytest.raises(AlreadyClaimed if holder == "someone_else" and role != "manager" else NotAllowed):
            require_holder(user, conversation, refusal="%(name)s has it")


def test_a_user_without_a_role_may_not_act(conversation, django_user_model):
    nobody = django_user_model.objects.create_user(username="passer-by")
    assert holder_allows(nobody, conversation) is False
    with pytest.raises(NotAllowed):
        conversation_close(conversation_id=conversation.pk, user=nobody)


ACTIONS = {
    "reply": lambda c, u: reply_queue(conversation_id=c.pk, user=u, text="Antwoord"),
    "close": lambda c, u: conversation_close(conversation_id=c.pk, user=u),
    "release": lambda c, u: conversation_release(conversation_id=c.pk, user=u),
    "escalate": lambda c, u: conversation_escalate(conversation_id=c.pk, user=u, question="Mag dit?"),
    "forward": lambda c, u, team=None: conversation_forward(
        conversation_id=c.pk, user=u, team_id=team.pk, note="Voor jullie"
    ),
    "register a case": lambda c, u: conversation_case_register(
        conversation_id=c.pk, user=u, category="verlichting", description="Lamp kapot"
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_acting_service_refuses_an_agent_while_a_colleague_holds_it(
    action, conversation, agent, other_agent, teams
):
    conversation_claim(conversation_id=conversation.pk, user=other_agent)
    events = Event.objects.count()
    call = ACTIONS[action]
    with pytest.raises(AlreadyClaimed):
        call(conversation, agent, teams["oost"]) if action == "forward" else call(conversation, agent)
    assert Event.objects.count() == events
    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.state, conversation.team) == (
        other_agent,
        "open",
        teams["kcc"],
    )


def test_an_admin_may_step_in_but_not_claim_over_a_colleague(conversation, other_agent, make_user):
    admin = make_user(Role.ADMIN)
    conversation_claim(conversation_id=conversation.pk, user=other_agent)
    with pytest.raises(AlreadyClaimed):
        conversation_claim(conversation_id=conversation.pk, user=admin)
    conversation_close(conversation_id=conversation.pk, user=admin)
    conversation.refresh_from_db()
    assert conversation.state == "closed"
    assert conversation.events.last().actor == admin


@pytest.mark.parametrize("role", Role.values)
def test_the_holder_filter_agrees_with_the_rule_row_by_row(role, make_user, deliver):
    user, colleague = make_user(role), make_user(Role.AGENT)
    for key, holder in (("free", None), ("mine", user), ("theirs", colleague)):
        deliver(incoming(platform_id=key, thread_key=key))
        Conversation.objects.filter(thread_key=key).update(assignee=holder)
    filtered = set(Conversation.objects.filter(holder_q(user)).values_list("thread_key", flat=True))
    assert filtered == {c.thread_key for c in Conversation.objects.all() if holder_allows(user, c)}
