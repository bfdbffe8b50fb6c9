"""Placeholders are filled when the reply is sent, from the conversation as it is then; a reply with
a placeholder left is refused and nothing is stored; registering a case puts its number in once."""

import pytest

from inbox.models import Message
from inbox.placeholders import reply_with_case_number
from inbox.services.base import ReplyInvalid
from inbox.services.case_links import conversation_case_register
from inbox.services.outbox import reply_queue

CANNED = "Beste {naam}, wij hebben uw melding geregistreerd onder zaaknummer {zaaknummer}. Groet, {voornaam_medewerker}"


def test_a_case_number_placeholder_before_the_case_exists_is_refused(conversation, agent):
    with pytest.raises(ReplyInvalid, match=r"\{zaaknummer\}"):
        reply_queue(conversation_id=conversation.pk, user=agent, text=CANNED)
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert conversation.events.count() == 1


def test_placeholders_are_filled_at_send_time_once_the_case_is_registered(conversation, agent):
    case = conversation_case_register(
        conversation_id=conversation.pk, user=agent, category="verlichting", description="Lamp kapot"
    )
    message = reply_queue(conversation_id=conversation.pk, user=agent, text=CANNED)
    assert message.text == (
        f"Beste Burger Een, wij hebben uw melding geregistreerd onder zaaknummer {case.number}. Groet, Agent"
    )


def test_an_unknown_placeholder_is_never_sent(conversation, agent):
    with pytest.raises(ReplyInvalid, match=r"\{straat\}"):
        reply_queue(conversation_id=conversation.pk, user=agent, text="U woont aan de {straat}?")
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


NOTICE = "Dank voor uw melding. Wij hebben deze geregistreerd onder zaaknummer ZAAK-2026-0000001."


@pytest.mark.parametrize(
    "typed,cursor,expected",
    [
        ("", None, NOTICE),
        ("Zaaknummer {zaaknummer}, dank u.", None, "Zaaknummer ZAAK-2026-0000001, dank u."),
        ("Al geregistreerd: ZAAK-2026-0000001.", 3, "Al geregistreerd: ZAAK-2026-0000001."),
        ("Beste Anna,\n\nGroet, Anouk", 12, f"Beste Anna,\n\n{NOTICE}\n\nGroet, Anouk"),
        ("Beste Anna,", None, f"Beste Anna,\n\n{NOTICE}"),
        ("Beste Anna,", 999, f"Beste Anna,\n\n{NOTICE}"),
    ],
)
def test_registering_puts_the_number_in_once_at_the_cursor(typed, cursor, expected):
    assert reply_with_case_number(typed, number="ZAAK-2026-0000001", notice=NOTICE, cursor=cursor) == expected
