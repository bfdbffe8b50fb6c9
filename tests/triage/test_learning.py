"""The agents' decisions as training examples, and the nightly retraining that keeps a model only if
its cross-validated figures do not drop."""

import logging

import pytest

from tests.conftest import incoming
from triage import learning
from triage.models import TriageModel
from triage.services import triage_decide
from triage.suggester import store
from triage.tasks import retrain

TEXT = "De blauwe bakken van het kringloopplein Zonnevelt zijn weer dicht"


@pytest.fixture(autouse=True)
def _forget_models(settings):
    settings.TRIAGE_MODEL_CHECK_SECONDS = 0
    learning.forget_loaded_models()
    yield
    learning.forget_loaded_models()


@pytest.fixture
def small_training(monkeypatch):
    """A fifth of the training files, so that each retraining takes seconds, not a minute."""
    examples = store.load_examples(store.TRAIN_DIR)[::5]
    monkeypatch.setattr(learning, "load_examples", lambda path: examples)
    return examples


def decided(deliver, agent, n: int, **values):
    for i in range(n):
        item = incoming(text=f"{TEXT} ({i})", author_id=f"burger-{i}")
        deliver(item)
        from inbox.models import Conversation

        conversation = Conversation.objects.get(thread_key=item.thread_key)
        for field, value in values.items():
            triage_decide(conversation_id=conversation.pk, user=agent, field=field, value=value)


def test_decisions_become_weighted_examples_with_only_the_decided_fields(deliver, agent):
    decided(deliver, agent, 1, category="evenementen")
    item = incoming(text="Bedankt voor het snelle opruimen!")
    deliver(item)
    from inbox.models import Conversation

    confirmed = Conversation.objects.get(thread_key=item.thread_key)
    triage_decide(
        conversation_id=confirmed.pk, user=agent, field="type", value=confirmed.triage.suggested["type"]
    )
    examples, last = learning.decision_examples()
    assert [(e.labels, e.weight) for e in examples] == [
        ({"category": "evenementen"}, learning.CORRECTED_WEIGHT),
        ({"type": confirmed.triage.suggested["type"]}, learning.CONFIRMED_WEIGHT),
    ]
    assert last == confirmed.triage.decisions.get().pk


def test_without_new_decisions_the_retraining_does_nothing(db, caplog):
    with caplog.at_level(logging.INFO, logger="triage.learning"):
        assert retrain() is None
    assert TriageModel.objects.count() == 0
    assert "no new decisions" in caplog.text


def test_a_retraining_that_measures_no_worse_is_kept_and_used(
    deliver, agent, small_training, monkeypatch, caplog
):
    decided(deliver, agent, 6, category="evenementen")
    monkeypatch.setattr(learning, "_drops", lambda candidate, previous: [])
    with caplog.at_level(logging.INFO, logger="triage.learning"):
        model_id = retrain()
    row = TriageModel.objects.get()
    assert (row.pk, row.kept, row.decisions, row.examples) == (model_id, True, 6, len(small_training) + 6)
    assert row.fingerprint == store.fingerprint()
    assert (
        set(row.figures)
        == set(row.previous_figures)
        == {"n", "type", "category", "wijk", "urgent", "escalate"}
    )
    assert "kept" in caplog.text
    assert learning.current_suggester().suggest(TEXT).category == "evenementen"
    assert retrain() is None  # run twice: nothing new, nothing done


def test_a_retraining_whose_figures_drop_is_logged_and_not_used(deliver, agent, small_training, monkeypatch):
    decided(deliver, agent, 3, category="evenementen")
    monkeypatch.setattr(learning, "_drops", lambda candidate, previous: ["urgent recall 0.9700 → 0.9000"])
    retrain()
    row = TriageModel.objects.get()
    assert (row.kept, row.reason, row.data) == (False, "dropped: urgent recall 0.9700 → 0.9000", None)
    assert learning.current_suggester() is learning.shipped_suggester()


def test_drops_names_every_guarded_figure_that_fell():
    same = {"type": {"macro_f1": 0.8}, "category": {"accuracy": 0.8}, "wijk": {"accuracy": 0.9},
            "urgent": {"recall": 0.97, "precision": 0.5}, "escalate": {"recall": 0.97, "precision": 0.6}}  # fmt: skip
    worse = {**same, "escalate": {"recall": 0.96, "precision": 0.7}}
    assert learning._drops(same, same) == []
    assert learning._drops(worse, same) == ["escalate recall 0.9700 → 0.9600"]


def test_a_kept_model_of_other_training_files_is_not_used(db):
    TriageModel.objects.create(kept=True, fingerprint="old-data", data=b"whatever")
    assert learning.current_suggester() is learning.shipped_suggester()
