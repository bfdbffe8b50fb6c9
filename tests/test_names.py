"""Display names split for registers: only what looks like a name, never a whole name as surname."""

import pytest

from webcare.names import PersonName, split_name


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Marieke de Vries", PersonName("Marieke", "M.", "de", "Vries")),
        ("Anna van der Berg", PersonName("Anna", "A.", "van der", "Berg")),
        ("Anna Maria Van Den Heuvel", PersonName("Anna Maria", "A.M.", "van den", "Heuvel")),
        ("Kees Jansen", PersonName("Kees", "K.", "", "Jansen")),
        ("Jan-Willem 't Hart", PersonName("Jan-Willem", "J.", "'t", "Hart")),
        ("Karim El Amrani", PersonName("Karim", "K.", "el", "Amrani")),
        ("Al Pacino", PersonName("Al", "A.", "", "Pacino")),
        ("Van Morrison", PersonName("Van", "V.", "", "Morrison")),
        ("Ruud", PersonName("Ruud", "R.", "", "")),
        ("de Vries", PersonName("", "", "de", "Vries")),
        ("  Kees   Jansen ", PersonName("Kees", "K.", "", "Jansen")),
        ("Zoë Súilleabháin", PersonName("Zoë", "Z.", "", "Súilleabháin")),
        ("Ilse d'Ancona", PersonName("Ilse", "I.", "", "d'Ancona")),
    ],
)
def test_names_are_split_into_first_names_prefix_and_surname(display, expected):
    assert split_name(display) == expected


@pytest.mark.parametrize(
    "display", ["", "   ", "marieke030", "@marieke", "Jan 🚲", "Gemeente 030", "#gladheid030", "J_Jansen"]
)
def test_what_is_not_a_name_is_not_split(display):
    name = split_name(display)

    assert name == PersonName()
    assert not name.is_split
