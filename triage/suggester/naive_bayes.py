"""The suggester before issue #16, kept as the baseline that `triage_train --compare` measures the
linear model against: a multinomial naive Bayes over counts with recall-first word lists.

Counts add up, so extra examples fold into a copy (`with_examples`).
"""

import json
import math
from collections import Counter
from collections.abc import Iterable

from . import rules
from .model import CATEGORIES, TYPES, WIJKEN, Example, Suggestion
from .text import features

NO_WIJK = ""
# The classifier heads; urgent and escalate are "yes"/"no" heads next to their word lists.
HEADS = {
    "type": TYPES,
    "category": CATEGORIES,
    "wijk": [NO_WIJK, *WIJKEN],
    "urgent": ["no", "yes"],
    "escalate": ["no", "yes"],
}
# Deliberately low: a missed urgent report or escalation costs far more than a false alarm.
URGENT_THRESHOLD = 0.25
ESCALATE_THRESHOLD = 0.25
ALPHA = 0.3
# Without a known place the wijk head must be very sure: a wrong wijk sends work to the wrong office.
WIJK_MODEL_THRESHOLD = 0.99
WORD_LIST_WEIGHT = 2


def _head_value(head: str, labels: dict) -> str | None:
    if head not in labels:
        return None
    value = labels[head]
    if head in ("urgent", "escalate"):
        return "yes" if value else "no"
    if head == "wijk":
        value = value or NO_WIJK
    return value if value in HEADS[head] else None


class NaiveBayesSuggester:
    def __init__(self, counts: dict | None = None, places: dict | None = None):
        # counts[head][label] = {"docs": n, "tokens": {feature: n}, "total": n}
        self.counts = counts or {head: {} for head in HEADS}
        self.places = places or {}

    # --- building ---------------------------------------------------------------------------

    def add(self, example: Example, weight: int = 1) -> None:
        tokens = Counter(features(example.text, to=example.to))
        for head in HEADS:
            label = _head_value(head, example.labels)
            if label is None:
                continue
            slot = self.counts[head].setdefault(label, {"docs": 0, "total": 0, "tokens": {}})
            slot["docs"] += weight
            for token, n in tokens.items():
                slot["tokens"][token] = slot["tokens"].get(token, 0) + n * weight
                slot["total"] += n * weight
        wijk = example.labels.get("wijk")
        if example.location and wijk in WIJKEN:
            # The first part of a location ("Oudegracht, bij de Weesbrug") is the place's name.
            for part in example.location.replace("/", ",").split(","):
                key = rules.place_key(part)
                if len(key) >= 4 and not set(key.split()) <= rules.GENERIC_PLACE_WORDS:
                    self.places.setdefault(key, wijk)

    @classmethod
    def train(cls, examples: Iterable[Example]) -> "NaiveBayesSuggester":
        suggester = cls()
        for example in examples:
            suggester.add(example)
        for text, labels in rules.word_examples():
            suggester.add(Example(text=text, labels=labels), weight=WORD_LIST_WEIGHT)
        return suggester

    def with_examples(self, examples: Iterable[Example], weight: int = 2) -> "NaiveBayesSuggester":
        """A copy that has also learnt `examples` (the agents' decisions count double)."""
        copy = NaiveBayesSuggester(json.loads(json.dumps(self.counts)), dict(self.places))
        for example in examples:
            copy.add(example, weight=weight)
        return copy

    # --- predicting -------------------------------------------------------------------------

    def place_words(self) -> frozenset[str]:
        if not hasattr(self, "_place_words"):
            keys = [*self.places, *rules.hand_places()]
            words = {word for key in keys for word in key.split()} - rules.GENERIC_PLACE_WORDS
            # Their stems too, as features() makes them.
            words |= {w[:6] + "~" for w in words if len(w) > 7} | {"~" + w[-5:] for w in words if len(w) > 7}
            self._place_words = frozenset(words)
        return self._place_words

    def probabilities(self, head: str, tokens: list[str]) -> dict[str, float]:
        slots = self.counts.get(head) or {}
        if not slots:
            return {}
        vocabulary = set()
        for slot in slots.values():
            vocabulary.update(slot["tokens"])
        size = len(vocabulary) + 1
        docs = sum(slot["docs"] for slot in slots.values())
        scores = {}
        for label, slot in slots.items():
            score = math.log((slot["docs"] + 1) / (docs + len(slots)))
            denominator = slot["total"] + ALPHA * size
            for token in tokens:
                if token in vocabulary:
                    score += math.log((slot["tokens"].get(token, 0) + ALPHA) / denominator)
            scores[label] = score
        top = max(scores.values())
        exp = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(exp.values())
        return {label: value / total for label, value in exp.items()}

    def suggest(self, text: str, *, to: str | None = None) -> Suggestion:
        tokens = features(text, to=to)
        # Street names say where, not how bad: one urgent report on a street must not make every
        # later message about that street urgent.
        content = [token for token in tokens if token not in self.place_words()]
        probs = {
            head: self.probabilities(head, content if head in ("urgent", "escalate") else tokens)
            for head in HEADS
        }

        def best(head: str, default: str) -> str:
            return max(probs[head], key=probs[head].get) if probs[head] else default

        urgent_words = rules.urgent_hits(text)
        escalate_words = rules.escalate_hits(text)
        p_urgent = probs["urgent"].get("yes", 0.0)
        p_escalate = probs["escalate"].get("yes", 0.0)
        # A danger word alone is not enough for a message the model reads as a sigh or a thank-you.
        kind = best("type", "vraag")
        urgent = p_urgent >= URGENT_THRESHOLD or (
            bool(urgent_words) and kind not in ("spam", "compliment", "verzuchting")
        )
        escalate = p_escalate >= ESCALATE_THRESHOLD or (bool(escalate_words) and kind != "spam")
        if urgent:
            kind = "melding"  # an urgent message is always a report
        wijk = rules.wijk_for_places(text, rules.hand_places()) or rules.wijk_for_places(text, self.places)
        if wijk is None and probs["wijk"]:
            guess = best("wijk", NO_WIJK)
            if guess != NO_WIJK and probs["wijk"][guess] >= WIJK_MODEL_THRESHOLD:
                wijk = guess
        category = "overig" if kind == "spam" else best("category", "overig")
        return Suggestion(
            type=kind,
            category=category,
            urgent=urgent,
            escalate=escalate,
            wijk=wijk,
            reasons={
                "p_urgent": round(p_urgent, 3),
                "p_escalate": round(p_escalate, 3),
                "urgent_words": urgent_words[:5],
                "escalate_words": escalate_words[:5],
            },
        )
