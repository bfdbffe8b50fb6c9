"""X's weighted character count (shared with the reply box's counter through counting.RULES)."""

import pytest

from channels.x.counting import x_length
from inbox.platforms import reply_rules

# text, weighted length: the same table is checked in the browser (tests/browser/test_x_channel.py).
CASES = [
    ("", 0),
    ("Dank voor uw melding.", 21),
    ("a" * 280, 280),
    ("https://www.utrecht.nl/wonen-en-leven/afval/grofvuil", 23),
    ("Zie https://utrecht.nl/afval.", 28),
    ("Zie utrecht.nl/afval, daar staat het.", 44),
    ("mail naar info@utrecht.nl", 25),
    ("😀", 2),
    ("👩‍👩‍👧", 2),
    ("👍🏽", 2),
    ("🇳🇱", 2),
    ("日本語", 6),
    ("café", 4),
    ("cafe\u0301", 4),
    ("Ω and — and …", 14),
]


@pytest.mark.parametrize(("text", "length"), CASES)
def test_x_weighted_length(text, length):
    assert x_length(text) == length


def test_x_rules_are_registered_for_the_inbox():
    rules = reply_rules("x")
    assert rules.max_length == 280
    assert rules.count("日本") == 4
    assert rules.client_rules["url"] == 23
