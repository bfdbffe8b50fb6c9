"""The triage suggester: linear heads (support vector machines) over word and character n-grams (scikit-learn),
with probabilities calibrated on out-of-fold scores and flag thresholds chosen for recall.

Each head (type, category, urgent, escalate) is fitted on the examples that carry its label, so an
agent's decision on one field teaches that field only. Five-fold cross-validation inside the
training set gives every example an out-of-fold score; those scores calibrate the probabilities
(a logistic regression on them for type and category, Platt scaling for the flags) and set the flag thresholds: the
highest one that still catches `RECALL_TARGET` of the urgent (escalate) examples. Nothing outside
the training examples is looked at. The wijk comes from a gazetteer, as before.
"""

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import joblib
import numpy as np
from scipy.special import expit, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from . import rules
from .features import PLACE_MASK, Featurizer, top_words
from .model import CATEGORIES, TYPES, Example, Suggestion
from .text import padded

FORMAT = 2
FOLDS = 5
SEED = 16
# Cross-validated recall the flag thresholds aim for: above the 0.95 goal, so the goal holds on
# messages the model never saw. A missed urgent report costs far more than a false alarm.
RECALL_TARGET = {"urgent": 0.97, "escalate": 0.97}
# A flag never needs more than even odds: a threshold above this would trade recall for precision.
MAX_THRESHOLD = 0.5
# Below this calibrated probability the guess is more often wrong than right: the panel says
# "Onzeker" and routing does not act on it.
UNCERTAIN_BELOW = {"type": 0.5, "category": 0.5}
# Regularisation per head (inverse strength), picked by cross-validation on the training set.
C = {"type": 2.0, "category": 1.0, "urgent": 1.0, "escalate": 1.0}
HEADS = {"type": TYPES, "category": CATEGORIES, "urgent": [False, True], "escalate": [False, True]}


@dataclass
class Head:
    """One fitted head: weights, the calibration of its scores, and for a flag its threshold."""

    name: str
    classes: list
    coef: np.ndarray  # (classes, features); one row for a flag
    intercept: np.ndarray
    platt: tuple[float, float] = (1.0, 0.0)  # flag calibration: p = expit(a * score + b)
    threshold: float = 0.5
    oof: dict = field(default_factory=dict)  # out-of-fold figures from training, for the report

    @property
    def is_flag(self) -> bool:
        return self.name in ("urgent", "escalate")

    def scores(self, X) -> np.ndarray:
        if getattr(self, "_coef_t", None) is None or self._coef_t.shape[0] != self.coef.shape[1]:
            self._coef_t = np.ascontiguousarray(
                self.coef.T
            )  # a copy per call would cost more than the product
        return np.asarray(X @ self._coef_t) + self.intercept

    def probabilities(self, X) -> np.ndarray:
        """Calibrated: for a flag the probability of yes per row, else one row per message."""
        scores = self.scores(X)
        if self.is_flag:
            a, b = self.platt
            return expit(a * scores[:, 0] + b)
        return softmax(scores, axis=1)

    def weights_for(self, index: int) -> np.ndarray:
        """Each feature's pull towards class `index` (against the average class); worked out once per
        class, since every suggestion's explanation reads it."""
        if self.is_flag:
            return self.coef[0]
        if getattr(self, "_weights_of", None) is not self.coef:
            self._weights_of, self._weights = self.coef, {}
        if index not in self._weights:
            self._weights[index] = self.coef[index] - self.coef.mean(axis=0)
        return self._weights[index]


def _labels(examples: list[Example], head: str) -> tuple[list[int], list]:
    rows, values = [], []
    for i, example in enumerate(examples):
        if head not in example.labels:
            continue
        value = example.labels[head]
        value = bool(value) if head in ("urgent", "escalate") else value
        if value in HEADS[head]:
            rows.append(i)
            values.append(value)
    return rows, values


def _fit(X, y, weights, head: str) -> LinearSVC:
    # A linear SVM (one against the rest) fits in a tenth of a second; its margins are calibrated
    # afterwards, so it gives probabilities as a logistic regression would, at a fraction of the time.
    model = LinearSVC(C=C[head], class_weight="balanced", max_iter=5000, random_state=SEED)
    return model.fit(X, y, sample_weight=weights)


def _scores(model, X) -> np.ndarray:
    scores = model.decision_function(X)
    return scores.reshape(-1, 1) if scores.ndim == 1 else scores


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    calibrator = LogisticRegression(C=1e4, solver="lbfgs").fit(scores.reshape(-1, 1), y)
    return float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0])


def recall_threshold(probabilities: np.ndarray, y: np.ndarray, target: float) -> float:
    """The highest threshold whose recall on these (out-of-fold) probabilities is at least `target`."""
    positives = np.sort(probabilities[y == 1])[::-1]
    if len(positives) == 0:
        return MAX_THRESHOLD
    needed = max(1, math.ceil(target * len(positives)))
    # Just under the needed-th most probable positive, so that it is caught as well.
    return min(MAX_THRESHOLD, float(positives[needed - 1]) * 0.999)


def _train_head(head: str, X, y_values: list, weights: np.ndarray) -> Head:
    classes = HEADS[head]
    present = [c for c in classes if c in set(y_values)]
    y = np.array([present.index(v) for v in y_values])
    counts = np.bincount(y, minlength=len(present))
    folds = min(FOLDS, int(counts.min())) if len(present) > 1 else 0
    if len(present) < 2:
        # Nothing to tell apart (an agents-only training set, say): a constant head.
        coef = np.zeros((1 if head in ("urgent", "escalate") else len(classes), X.shape[1]))
        intercept = np.zeros(coef.shape[0])
        if head in ("urgent", "escalate"):
            intercept[0] = 10.0 if present == [True] else -10.0
        else:
            intercept[classes.index(present[0])] = 10.0 if present else 0.0
        return Head(head, classes, coef, intercept)
    oof = np.zeros((len(y), 1 if len(present) == 2 else len(present)))
    if folds >= 2:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        for train, test in splitter.split(np.zeros(len(y)), y):
            model = _fit(X[train], y[train], weights[train], head)
            oof[test] = _scores(model, X[test])
    model = _fit(X, y, weights, head)
    if len(present) == 2:
        full_coef, full_intercept = model.coef_, model.intercept_
    else:
        full_coef = np.zeros((len(classes), X.shape[1]))
        full_intercept = np.full(len(classes), -30.0)  # a class never seen is never chosen
        for i, label in enumerate(present):
            full_coef[classes.index(label)] = model.coef_[i]
            full_intercept[classes.index(label)] = model.intercept_[i]
    result = Head(head, classes, full_coef, full_intercept)
    if folds < 2:
        return result
    if head in ("urgent", "escalate"):
        if present != [False, True]:
            return result
        result.platt = _platt(oof[:, 0], y)
        probabilities = expit(result.platt[0] * oof[:, 0] + result.platt[1])
        result.threshold = recall_threshold(probabilities, y, RECALL_TARGET[head])
        flagged = probabilities >= result.threshold
        caught = int((flagged & (y == 1)).sum())
        result.oof = {
            "recall": round(caught / max(1, int((y == 1).sum())), 4),
            "precision": round(caught / max(1, int(flagged.sum())), 4),
        }
    else:
        # A small multinomial logistic regression on the out-of-fold margins calibrates them (and
        # corrects each class's bias, which one-against-the-rest margins get wrong on short texts).
        # It is linear too, so it folds into the head: one softmax over the features.
        calibrator = LogisticRegression(C=1.0, max_iter=2000).fit(oof, y)
        W = np.zeros((len(classes), oof.shape[1]))
        b = np.full(len(classes), -30.0)
        for i, label in enumerate(present):
            W[classes.index(label)] = calibrator.coef_[i]
            b[classes.index(label)] = calibrator.intercept_[i]
        margins = np.array([full_coef[classes.index(label)] for label in present])
        result.coef = W @ margins
        result.intercept = W @ np.array([full_intercept[classes.index(label)] for label in present]) + b
        probabilities = calibrator.predict_proba(oof)
        guess, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
        sure = confidence >= UNCERTAIN_BELOW[head]
        result.oof = {
            "accuracy": round(float((guess == y).mean()), 4),
            "uncertain_share": round(float(1 - sure.mean()), 4),
            "accuracy_when_sure": round(float((guess == y)[sure].mean()), 4) if sure.any() else 0.0,
        }
    return result


class Places:
    """Place names → wijk: the hand-made gazetteer plus the locations of the training examples."""

    def __init__(self, learnt: dict[str, str]):
        self.learnt, self.hand = learnt, rules.hand_places()
        known = {**learnt, **self.hand}
        keys = sorted(known, key=len, reverse=True)
        self._pattern = re.compile(" (" + "|".join(re.escape(k) for k in keys) + ")(?= )") if keys else None

    @classmethod
    def from_examples(cls, examples: list[Example]) -> "Places":
        learnt: dict[str, str] = {}
        for example in examples:
            wijk = example.labels.get("wijk")
            if not example.location or not wijk:
                continue
            for part in example.location.replace("/", ",").split(","):
                key = rules.place_key(part)
                if len(key) >= 4 and not set(key.split()) <= rules.GENERIC_PLACE_WORDS:
                    learnt.setdefault(key, wijk)
        return cls(dict(sorted(learnt.items())))

    def wijk(self, text: str) -> tuple[str | None, str]:
        """The wijk of the longest place named (the hand-made list first), and that place; none when a
        place that spans wijken (the Waterlinieweg) is named at least as fully."""
        haystack = padded(text)
        for places in (self.hand, self.learnt):
            best = max((key for key in places if f" {key} " in haystack), key=len, default="")
            if best:
                return places[best], best
        return None, ""

    def masked(self, text: str) -> str:
        """The text with every known place name replaced by one word: a street says where, not how
        urgent, so one urgent report on a street must not make the next message there urgent."""
        if self._pattern is None:
            return text
        return self._pattern.sub(" " + PLACE_MASK, padded(text)).strip()


class LinearSuggester:
    def __init__(self, featurizer: Featurizer, heads: dict[str, Head], places: Places, meta: dict):
        self.featurizer, self.heads, self.places, self.meta = featurizer, heads, places, meta

    @classmethod
    def train(cls, examples: list[Example], *, meta: dict | None = None) -> "LinearSuggester":
        places = Places.from_examples(examples)
        featurizer = Featurizer()
        X = featurizer.fit_transform([(places.masked(e.text), e.to) for e in examples])
        weights = np.array([e.weight for e in examples], dtype=float)
        heads = {}
        for head in HEADS:
            rows, values = _labels(examples, head)
            if rows:
                heads[head] = _train_head(head, X[rows], values, weights[rows])
        return cls(featurizer, heads, places, {"format": FORMAT, "examples": len(examples), **(meta or {})})

    def suggest(self, text: str, *, to: str | None = None) -> Suggestion:
        return self.suggest_many([text], to=to)[0]

    def suggest_many(self, texts: Sequence[str], *, to: str | None = None) -> list[Suggestion]:
        """One suggestion per text, as `suggest` gives it: each head scores all the texts in one
        product (row by row the same arithmetic, so the same figures as one at a time)."""
        # A long Facebook post says what it is about early on.
        texts = [str(text or "")[:5000] for text in texts]
        if not texts:
            return []
        masked = [self.places.masked(text) for text in texts]
        X = self.featurizer.transform_many([(m, to) for m in masked])
        probabilities = {name: head.probabilities(X) for name, head in self.heads.items()}
        return [
            self._suggestion(text, X[i], self.featurizer.word_features(masked[i]), probabilities, i)
            for i, text in enumerate(texts)
        ]

    def _suggestion(self, text: str, row, words: list, probabilities: dict, i: int) -> Suggestion:
        reasons: dict = {"confidence": {}, "uncertain": []}
        picked = {}
        for name in ("type", "category"):
            head = self.heads.get(name)
            if head is None:
                picked[name] = HEADS[name][0]
                continue
            p = probabilities[name][i]
            index = int(p.argmax())
            picked[name] = head.classes[index]
            reasons["confidence"][name] = round(float(p[index]), 3)
            reasons[f"{name}_words"] = top_words(words, row, head.weights_for(index))
            if p[index] < UNCERTAIN_BELOW[name]:
                reasons["uncertain"].append(name)
        flags = {}
        for name in ("urgent", "escalate"):
            head = self.heads.get(name)
            p = float(probabilities[name][i]) if head is not None else 0.0
            flags[name] = head is not None and p >= head.threshold
            reasons[f"p_{name}"] = round(p, 3)
            reasons["confidence"][name] = round(p if flags[name] else 1 - p, 3)
            if flags[name]:
                # The hits in the word list first: the words an agent recognises as the alarm.
                found = rules_hits(name, text) + top_words(words, row, head.weights_for(0))
                reasons[f"{name}_words"] = list(dict.fromkeys(found))[:5]
            else:
                reasons[f"{name}_words"] = []
        if flags["urgent"] and picked["type"] != "melding":
            picked["type"] = "melding"  # an urgent message is always a report
            reasons["uncertain"] = [f for f in reasons["uncertain"] if f != "type"]
        if picked["type"] == "spam":
            picked["category"] = "overig"
        wijk, place = self.places.wijk(text)
        reasons["wijk_words"] = [place] if place else []
        return Suggestion(
            type=picked["type"],
            category=picked["category"],
            urgent=flags["urgent"],
            escalate=flags["escalate"],
            wijk=wijk,
            reasons=reasons,
        )

    # --- storing ----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "LinearSuggester":
        # Only ever our own artefact (built from the repository, or by the nightly task into our
        # own database): never bytes from outside.
        model = joblib.load(io.BytesIO(data))
        if not isinstance(model, cls) or model.meta.get("format") != FORMAT:
            raise ValueError("not a triage model of this version")
        return model


def rules_hits(name: str, text: str) -> list[str]:
    return (rules.urgent_hits(text) if name == "urgent" else rules.escalate_hits(text))[:5]
