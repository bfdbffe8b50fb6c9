import json

import pytest

from triage.suggester import rules
from triage.suggester.model import MODEL_FILE, TRAIN_FILE, Example, Suggester, load_examples
from triage.suggester.text import features, normalise


@pytest.fixture(scope="module")
def shipped():
    return Suggester.from_file(MODEL_FILE)


def test_the_model_file_is_what_the_training_examples_build():
    rebuilt = Suggester.train(load_examples(TRAIN_FILE))
    assert json.loads(rebuilt.to_json()) == json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def test_normalise_drops_accents_case_and_mentions():
    assert normalise("@GemeenteUtrecht Café ÉÉN").split() == ["cafe", "een"]
    assert features("Wanneer 2 containers?", to="@WijkbureauOost") == [
        "wanneer",
        "containers",
        "contai~",
        "~iners",
        "<to:wijkbureauoost>",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "@Stadswerken030 Boom omgewaaid op de Maliebaan, ligt dwars over het fietspad!",
        "Ik ruik een sterke gaslucht bij de speeltuin",
        "Tunnel staat helemaal onder water, auto vast",
        "Putdeksel ligt naast de put, open gat midden op de rijbaan",
    ],
)
def test_danger_is_suggested_urgent_and_a_report(shipped, text):
    suggestion = shipped.suggest(text)
    assert (suggestion.urgent, suggestion.type) == (True, "melding")
    assert suggestion.reasons["urgent_words"]


@pytest.mark.parametrize(
    "text",
    [
        "Goedemiddag, ik ben verslaggever bij het Dagblad. Kan ik een reactie krijgen van de wethouder?",
        "Als die bomen gekapt worden kom ik persoonlijk bij de wethouder thuis langs. Laatste waarschuwing.",
        "Klopt het dat er een noodopvang komt in het oude kantoor?",
    ],
)
def test_press_politics_and_threats_are_suggested_for_escalation(shipped, text):
    assert shipped.suggest(text).escalate is True


def test_plain_questions_raise_no_flags(shipped):
    suggestion = shipped.suggest("Hoe laat is het Stadskantoor open op zaterdag voor een paspoort?")
    assert (suggestion.urgent, suggestion.escalate, suggestion.category) == (False, False, "dienstverlening")


def test_wijk_comes_from_the_place_named(shipped):
    assert shipped.suggest("Lantaarnpaal kapot op de Zamenhofdreef").wijk == "Overvecht"
    assert shipped.suggest("Lantaarnpaal kapot in Oog in Al").wijk == "West"
    assert shipped.suggest("Lantaarnpaal kapot bij ons in de straat").wijk is None


@pytest.mark.parametrize("text", ["", "😀😀😀", "\x00\ufffd<script>alert(1)</script>", "a" * 20000])
def test_odd_input_gives_a_suggestion_not_a_crash(shipped, text):
    suggestion = shipped.suggest(text)
    assert suggestion.type in {"vraag", "melding", "klacht", "compliment", "verzuchting", "spam", "overig"}


def test_examples_added_later_change_the_suggestion(shipped):
    text = "De blauwe bakken van het kringloopplein Zonnevelt zijn weer dicht"
    before = shipped.suggest(text).category
    learnt = shipped.with_examples([Example(text=text, labels={"category": "evenementen"}) for _ in range(3)])
    assert before != "evenementen"
    assert learnt.suggest(text).category == "evenementen"
    assert shipped.suggest(text).category == before  # the shipped model itself is untouched


def test_wijk_places_match_whole_words_only():
    places = rules.hand_places()
    assert rules.wijk_for_places("iets in de Domstraat", places) is None
    assert rules.wijk_for_places("bij de Dom", places) == "Binnenstad"


def test_a_street_name_alone_raises_no_flag(shipped):
    # Training holds an urgent report on the Zamenhofdreef and an escalation about the Tigrisdreef.
    for text in (
        "Lantaarnpaal bij de Tigrisdreef doet het al een week niet",
        "Lantaarnpaal kapot op de Zamenhofdreef",
    ):
        suggestion = shipped.suggest(text)
        assert (suggestion.urgent, suggestion.escalate, suggestion.wijk) == (False, False, "Overvecht")
