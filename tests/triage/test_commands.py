import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from tests.conftest import SHARED, require
from triage.suggester.model import MODEL_FILE, TRAIN_FILE

CORPUS = SHARED / "corpus" / "messages.jsonl"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def in_train_split(message_id: str) -> bool:
    """The fixed split: 70% by a stable hash of the id went into data/train.jsonl."""
    return int(hashlib.sha256(message_id.encode()).hexdigest(), 16) % 100 < 70


@pytest.fixture
def held_out(tmp_path):
    require(CORPUS.exists(), f"shared corpus missing at {CORPUS}")
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / "held_out.jsonl"
    path.write_text(
        "".join(json.dumps(r) + "\n" for r in rows if not in_train_split(r["id"])), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize("command", ["triage_eval", "triage_train"])
def test_commands_have_help(command):
    parser = load_command_class("triage", command).create_parser("manage.py", command)
    assert parser.format_help().startswith("usage: manage.py")


def test_training_file_is_the_train_split_of_the_corpus():
    require(CORPUS.exists(), f"shared corpus missing at {CORPUS}")
    corpus_ids = [json.loads(line)["id"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    train_ids = [json.loads(line)["id"] for line in TRAIN_FILE.read_text(encoding="utf-8").splitlines()]
    assert train_ids == [i for i in corpus_ids if in_train_split(i)]
    assert len(train_ids) == 168


def test_eval_on_the_held_out_split(held_out):
    # No `db` fixture: pytest-django makes any database access here an error.
    result = json.loads(run("triage_eval", str(held_out), "--json"))
    assert result == {
        "n": 72,
        "type": {"accuracy": 0.5833, "macro_f1": 0.3384},
        "category": {"accuracy": 0.5278, "macro_f1": 0.4961},
        "wijk": {"accuracy": 0.875, "macro_f1": 0.8955},
        "urgent": {"recall": 1.0, "precision": 0.4},
        "escalate": {"recall": 1.0, "precision": 0.6},
    }


def test_eval_prints_a_table_without_json(held_out):
    out = run("triage_eval", str(held_out))
    assert out.splitlines()[0] == "72 messages"
    assert "urgent    recall   1.000  precision 0.400" in out


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
    output = tmp_path / "model.json"
    out = run("triage_train", "--output", str(output))
    assert out == f"Trained on 168 examples; wrote {output}\n"
    assert json.loads(output.read_text(encoding="utf-8")) == json.loads(
        MODEL_FILE.read_text(encoding="utf-8")
    )


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
