import numpy as np
import pytest

from triage.suggester import linear, rules, store
from triage.suggester.crossval import cross_validate, fold_keys
from triage.suggester.model import TRAIN_DIR, TYPES, Example, load_examples
from triage.suggester.text import features, normalise


@pytest.fixture(scope="module")
def shipped():
    return store.shipped()


def test_the_shipped_model_is_built_from_the_training_files(shipped):
    assert shipped.meta["fingerprint"] == store.fingerprint()
    assert shipped.meta["examples"] == len(load_examples(TRAIN_DIR)) >= 1000


def test_training_is_deterministic():
    # A small slice keeps it quick; the same examples give the very same weights and thresholds.
    examples = load_examples(TRAIN_DIR)[::4]
    first, second = linear.LinearSuggester.train(examples), linear.LinearSuggester.train(examples)
    for name, head in first.heads.items():
        assert np.array_equal(head.coef, second.heads[name].coef)
        assert head.threshold == second.heads[name].threshold


def test_the_training_data_covers_every_type_and_category_and_both_flags():
    examples = load_examples(TRAIN_DIR)
    labels = [e.labels for e in examples]
    assert {label["type"] for label in labels} == set(TYPES)
    assert len({label["category"] for label in labels}) == 12
    assert sum(label["urgent"] for label in labels) >= 80
    assert sum(label["escalate"] for label in labels) >= 80
    assert all(label["type"] == "melding" for label in labels if label["urgent"])
    assert all(label["case"] == (label["type"] == "melding") for label in labels)


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
    assert suggestion.type == "vraag"


def test_every_suggestion_says_why_and_how_sure(shipped):
    suggestion = shipped.suggest("Container bij de Zamenhofdreef zit al dagen propvol, zakken ernaast")
    reasons = suggestion.reasons
    assert (suggestion.type, suggestion.category, suggestion.wijk) == ("melding", "afval", "Overvecht")
    assert "container" in reasons["category_words"]
    assert reasons["type_words"]
    assert reasons["wijk_words"] == ["zamenhofdreef"]
    assert set(reasons["confidence"]) == {"type", "category", "urgent", "escalate"}
    assert all(0.0 <= p <= 1.0 for p in reasons["confidence"].values())
    assert reasons["uncertain"] == []


def test_a_message_it_cannot_read_is_uncertain(shipped):
    reasons = shipped.suggest("Wanneer komt er iemand kijken?").reasons
    assert "category" in reasons["uncertain"]
    assert reasons["confidence"]["category"] < linear.UNCERTAIN_BELOW["category"]


def test_wijk_comes_from_the_place_named(shipped):
    assert shipped.suggest("Lantaarnpaal kapot op de Zamenhofdreef").wijk == "Overvecht"
    assert shipped.suggest("Lantaarnpaal kapot in Oog in Al").wijk == "West"
    assert shipped.suggest("Lantaarnpaal kapot bij ons in de straat").wijk is None


@pytest.mark.parametrize("text", ["", "😀😀😀", "\x00\ufffd<script>alert(1)</script>", "a" * 20000])
def test_odd_input_gives_a_suggestion_not_a_crash(shipped, text):
    suggestion = shipped.suggest(text)
    assert suggestion.type in set(TYPES)


def test_weighted_examples_added_later_change_the_suggestion():
    base = load_examples(TRAIN_DIR)[::3]
    text = "De blauwe bakken van het kringloopplein Zonnevelt zijn weer dicht"
    before = linear.LinearSuggester.train(base).suggest(text).category
    taught = [Example(text=text, labels={"category": "evenementen"}, weight=3.0)]
    assert before != "evenementen"
    assert linear.LinearSuggester.train(base + taught).suggest(text).category == "evenementen"


def test_a_decision_on_one_field_teaches_only_that_field():
    base = load_examples(TRAIN_DIR)[::3]
    model = linear.LinearSuggester.train(
        base + [Example(text="iets heel anders", labels={"category": "afval"})]
    )
    # The type head was fitted on the base examples alone: one row fewer than the category head.
    assert model.meta["examples"] == len(base) + 1


def test_wijk_places_match_whole_words_only():
    places = rules.hand_places()
    assert rules.wijk_for_places("iets in de Domweg", places) is None
    assert rules.wijk_for_places("bij de Dom", places) == "Binnenstad"


def test_a_street_name_alone_raises_no_flag(shipped):
    for text in (
        "Lantaarnpaal bij de Tigrisdreef doet het al een week niet",
        "Lantaarnpaal kapot op de Zamenhofdreef",
    ):
        suggestion = shipped.suggest(text)
        assert (suggestion.urgent, suggestion.escalate, suggestion.wijk) == (False, False, "Overvecht")


def test_flag_thresholds_reach_the_recall_target_on_out_of_fold_scores(shipped):
    for name in ("urgent", "escalate"):
        head = shipped.heads[name]
        assert head.oof["recall"] >= linear.RECALL_TARGET[name]
        assert 0.0 < head.threshold <= linear.MAX_THRESHOLD


def test_recall_threshold_is_just_under_the_needed_positive():
    probabilities = np.array([0.9, 0.8, 0.3, 0.2, 0.1, 0.05])
    y = np.array([1, 1, 1, 0, 1, 0])
    assert linear.recall_threshold(probabilities, y, 0.75) == pytest.approx(0.3 * 0.999)
    assert linear.recall_threshold(probabilities, y, 1.0) == pytest.approx(0.1 * 0.999)


def test_cross_validation_scores_every_example_once():
    examples = load_examples(TRAIN_DIR)[::5]
    result = cross_validate(examples, linear.LinearSuggester.train)
    assert result["n"] == len(examples)
    assert set(result) == {"n", "type", "category", "wijk", "urgent", "escalate"}
    assert len(fold_keys(examples, 5)) == len(examples)


def test_a_place_that_spans_wijken_names_none(shipped):
    assert shipped.suggest("File op de Waterlinieweg. Weer. Elke. Dag.").wijk is None
    assert shipped.suggest("Kapotte lamp aan de Vaartsche Rijn").wijk is None


def test_the_featurizer_s_own_rows_are_scikit_learn_s(shipped):
    # `transform_many` skips scikit-learn's checks for speed: the same matrix all the same.
    texts = [e.text for e in load_examples(TRAIN_DIR)[::11]] + [
        "",
        "!!! ?? 🙄 www.example.com zaaknummer 2026-0001234",
    ]
    for to in (None, "gemeente"):
        docs = [(shipped.places.masked(text), to) for text in texts]
        ours, theirs = shipped.featurizer.transform_many(docs), shipped.featurizer.transform(docs)
        assert ours.shape == theirs.shape
        assert (ours.indptr.tolist(), ours.indices.tolist()) == (
            theirs.indptr.tolist(),
            theirs.indices.tolist(),
        )
        assert abs(ours - theirs).max() < 1e-12  # scikit-learn normalises with numpy: the last bit may differ
    assert shipped.featurizer.transform_many([]).shape == (0, shipped.featurizer.size())


def test_suggesting_for_many_texts_at_once_gives_each_the_suggestion_it_gets_alone(shipped):
    # Ingest suggests for a poll page's new conversations together: the same figures, reasons and
    # words for each text as one at a time, whatever else is in the batch.
    texts = [e.text for e in load_examples(TRAIN_DIR)[::7]] + ["", "Lantaarnpaal kapot op de Zamenhofdreef"]
    for to in (None, "gemeente"):
        alone = [shipped.suggest(text, to=to) for text in texts]
        assert shipped.suggest_many(texts, to=to) == alone
        assert shipped.suggest_many(texts[::-1][:25], to=to) == alone[::-1][:25]
    assert shipped.suggest_many([]) == []
