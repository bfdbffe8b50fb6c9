"""What every suggester shares: the labels it chooses from, a labelled example, a suggestion, and
reading examples in the shared corpus format."""

import json
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
# The team's labelled messages (see its README): the only thing the shipped model is trained on.
TRAIN_DIR = DATA_DIR / "train"

TYPES = ["vraag", "melding", "klacht", "compliment", "verzuchting", "spam", "overig"]
CATEGORIES = [
    "afval", "gladheid", "verlichting", "wegen", "groen", "verkeer_parkeren", "overlast",
    "water_riool", "dienstverlening", "evenementen", "beleid_politiek", "overig",
]  # fmt: skip
WIJKEN = [
    "Binnenstad", "Oost", "Noordoost", "Noordwest", "Overvecht", "West", "Zuidwest", "Zuid",
    "Leidsche Rijn", "Vleuten-De Meern",
]  # fmt: skip
FIELDS = ("type", "category", "urgent", "escalate", "wijk")


@dataclass(frozen=True)
class Example:
    """One labelled message: text, addressed account, and any of the labels (an agent's decision may
    hold only some). `weight` counts it more than once in training."""

    text: str
    to: str | None = None
    labels: dict = field(default_factory=dict)
    location: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Suggestion:
    type: str
    category: str
    urgent: bool
    escalate: bool
    wijk: str | None
    # Why: confidences, the words behind each field, and the fields too uncertain to guess.
    reasons: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "type": self.type,
            "category": self.category,
            "urgent": self.urgent,
            "escalate": self.escalate,
            "wijk": self.wijk,
        }


def example_from_corpus(row: dict) -> Example:
    """An example from a line in the shared corpus format."""
    return Example(
        text=str(row.get("text") or ""),
        to=row.get("to"),
        labels=dict(row.get("labels") or {}),
        location=row.get("location"),
    )


def load_examples(path: Path) -> list[Example]:
    """Examples from one JSON-lines file, or from every `*.jsonl` in a folder (in name order)."""
    paths = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    examples = []
    for one in paths:
        with one.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    examples.append(example_from_corpus(json.loads(line)))
    return examples
