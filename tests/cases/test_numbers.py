import json

import pytest

from cases.numbers import find_numbers, format_number, parse_number
from tests.conftest import SHARED, require


def test_format_is_zaak_year_and_seven_digits():
    assert format_number(2026, 1234) == "ZAAK-2026-0001234"


def test_format_follows_the_settings(settings):
    settings.CASES_NUMBER_PREFIX = "MELD"
    settings.CASES_NUMBER_DIGITS = 5
    assert format_number(2027, 42) == "MELD-2027-00042"
    assert find_numbers("mijn melding meld 2027 00042") == ["MELD-2027-00042"]


@pytest.mark.parametrize(
    "text",
    [
        "ZAAK-2026-0001234",
        "zaak-2026-0001234",
        "zaaknummer 2026-0001234",
        "zaaknummer: 2026-0001234 — nog steeds",
        "zaaknr ZAAK-2026-0001234: na 6 weken",
        "zaak 2026 0001234?",
        "zaak nr ZAAK – 2026 – 0001234.",
        "ZAAK2026/0001234",
        "Mijn zaaknummer is ZAAK 2026 0001234.",
        "(kenmerk ZAAK-2026-0001234)",
        "Any update on case ZAAK-2026-0001234?",
        "@GemeenteUtrecht Nav melding ZAAK—2026—0001234: de ratten",
    ],
)
def test_every_way_of_writing_reads_as_the_canonical_number(text):
    assert find_numbers(text) == ["ZAAK-2026-0001234"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "bel 030-2860000 of 06 12345678",
        "2026-0001234",  # a bare number in running text is not enough
        "ZAAK-2026-001234",  # six digits
        "ZAAK-2026-00012345",  # eight digits
        "postcode 3512 AB, huisnummer 2026",
        "zaak\x00 2026 0001234 <script>",
    ],
)
def test_things_that_are_not_case_numbers(text):
    assert find_numbers(text) == []


def test_several_numbers_in_order_without_repeats():
    text = "ZAAK-2026-0000002 en zaak 2026 0000001, nogmaals ZAAK-2026-0000002"
    assert find_numbers(text) == ["ZAAK-2026-0000002", "ZAAK-2026-0000001"]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("ZAAK-2026-0001234", "ZAAK-2026-0001234"),
        ("  zaak 2026 0001234 ", "ZAAK-2026-0001234"),
        ("2026-0001234", "ZAAK-2026-0001234"),
        ("2026 0001234", "ZAAK-2026-0001234"),
        ("2026/0001234", "ZAAK-2026-0001234"),
        ("1234", None),
        ("", None),
        ("lantaarnpaal", None),
    ],
)
def test_search_box_input(typed, number):
    assert parse_number(typed) == number


def test_the_corpus_case_references_are_all_found():
    path = SHARED / "corpus" / "messages.jsonl"
    require(path.exists(), f"the shared corpus is missing at {path}")
    checked = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        expected = [item["case_ref"]] if item.get("case_ref") else []
        assert find_numbers(item["text"]) == expected, item["id"]
        checked += 1
    assert checked == 240
