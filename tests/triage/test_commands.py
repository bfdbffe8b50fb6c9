import json
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from tests.conftest import SHARED, require
from triage.suggester import store
from triage.suggester.model import TRAIN_DIR, load_examples
from triage.suggester.text import normalise

CORPUS = SHARED / "corpus" / "messages.jsonl"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def corpus():
    require(CORPUS.exists(), f"shared corpus missing at {CORPUS}")
    return CORPUS


@pytest.mark.parametrize("command", ["triage_eval", "triage_train"])
def test_commands_have_help(command):
    parser = load_command_class("triage", command).create_parser("manage.py", command)
    assert parser.format_help().startswith("usage: manage.py")


def test_the_shared_corpus_is_never_trained_on(corpus):
    # It is the evaluation set: not one of its messages (by text or id) is among the training files.
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    training = load_examples(TRAIN_DIR)
    assert {normalise(r["text"]) for r in rows}.isdisjoint({normalise(e.text) for e in training})
    ids = {
        json.loads(line)["id"] for path in TRAIN_DIR.glob("*.jsonl") for line in path.open(encoding="utf-8")
    }
    assert ids.isdisjoint({r["id"] for r in rows})
    assert not (TRAIN_DIR.parent / "train.jsonl").exists()


def test_eval_on_the_shared_corpus_keeps_its_json_shape(corpus):
    # No `db` fixture: pytest-django makes any database access here an error.
    result = json.loads(run("triage_eval", str(corpus), "--json"))
    assert list(result) == ["n", "type", "category", "wijk", "urgent", "escalate"]
    assert result["n"] == 240
    assert set(result["type"]) == set(result["category"]) == set(result["wijk"]) == {"accuracy", "macro_f1"}
    assert set(result["urgent"]) == set(result["escalate"]) == {"recall", "precision"}


def test_eval_prints_a_table_with_classes_and_confusion_without_json(corpus):
    out = run("triage_eval", str(corpus))
    lines = out.splitlines()
    assert lines[0] == "240 messages"
    assert lines[4].startswith("urgent    recall   ")
    assert "type: per class" in lines
    assert "category: confusion (row = label, column = suggestion)" in lines
    per_class = lines[lines.index("type: per class") + 1 :][:9]
    assert per_class[0].split() == ["label", "precision", "recall", "n"]
    assert [line.split()[0] for line in per_class[1:8]] == sorted(
        ["compliment", "klacht", "melding", "overig", "spam", "vraag", "verzuchting"]
    )


@pytest.mark.parametrize(
    "content,message",
    [
        ("", "holds no labelled messages"),
        ("{not json\n", ":1: not a labelled message"),
        ('{"text": "no labels"}\n', ":1: not a labelled message"),
        ("[1, 2]\n", ":1: not a labelled message"),
    ],
)
def test_eval_refuses_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("triage_eval", str(path))


def test_eval_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("triage_eval", str(tmp_path / "nope.jsonl"))


def test_train_rebuilds_the_shipped_model(tmp_path):
    output = tmp_path / "model.joblib"
    out = run("triage_train", "--output", str(output))
    examples = len(load_examples(TRAIN_DIR))
    assert out.splitlines()[0] == f"Trained on {examples} examples; wrote {output}"
    assert out.splitlines()[1].startswith("5-fold cross-validation, linear: type macro-F1 ")
    rebuilt = store.read(output)
    assert rebuilt.meta["fingerprint"] == store.fingerprint()
    assert rebuilt.meta["cv"] == store.shipped().meta["cv"]
    assert run("triage_train", "--output", str(output), "--if-stale") == f"{output} is up to date\n"


def test_seed_demo_adds_canned_answers_and_routing_rules_once(db, settings):
    from triage.models import CannedAnswer, RoutingRule

    settings.DEBUG = True
    run("seed_demo", "--no-poll")
    run("seed_demo", "--no-poll")
    assert CannedAnswer.objects.count() == 8
    assert list(RoutingRule.objects.values_list("position", "team__slug")) == [
        (5, "kcc"),
        (10, "wijkbureau-oost"),
        (20, "wijkbureau-overvecht"),
    ]
    assert all("{naam}" in text for text in CannedAnswer.objects.values_list("text", flat=True))
