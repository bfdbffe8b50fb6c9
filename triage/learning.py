"""Learning from the agents: the model in use (loaded once per process), their decisions as weighted
training examples, and the nightly retraining that keeps a new model only if it measures no worse.

A retraining is judged by cross-validation on the same folds for both contenders: the repository's
examples plus the agents' decisions, split in five. The model in use is re-trained per fold on what
it was trained on (the decisions up to its last one); the candidate on every decision. Each is
scored on the held-out part, so a new decision counts for the candidate only where it helps on
messages neither saw. The candidate is kept when none of the headline figures drops.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import transaction

from .models import ConversationTriage, TriageDecision, TriageModel
from .suggester import store
from .suggester.crossval import cross_validate
from .suggester.evaluate import headline
from .suggester.linear import LinearSuggester
from .suggester.model import TRAIN_DIR, Example, load_examples

logger = logging.getLogger(__name__)
# A decision an agent had to correct teaches more than one they only confirmed.
CORRECTED_WEIGHT = 2.0
CONFIRMED_WEIGHT = 1.0
# The figures that may not drop, as (field, measure).
GUARDED = [
    ("type", "macro_f1"),
    ("category", "accuracy"),
    ("wijk", "accuracy"),
    ("urgent", "recall"),
    ("urgent", "precision"),
    ("escalate", "recall"),
    ("escalate", "precision"),
]

_lock = threading.Lock()
_cache: dict = {}


# --- The model in use ---------------------------------------------------------------------------


def shipped_suggester() -> LinearSuggester:
    """The model built from the repository's files, loaded (or built) once per process."""
    with _lock:
        if "shipped" not in _cache:
            _cache["shipped"] = store.shipped()
        return _cache["shipped"]


def _newest_kept_id() -> int:
    fingerprint = shipped_suggester().meta["fingerprint"]
    row = TriageModel.objects.filter(kept=True, fingerprint=fingerprint).values_list("pk", flat=True).first()
    return row or 0


def current_suggester() -> LinearSuggester:
    """The newest kept retrained model, else the shipped one. The database is asked at most every
    TRIAGE_MODEL_CHECK_SECONDS whether a newer model was kept; loading happens once per model."""
    now = time.monotonic()
    with _lock:
        fresh = now - _cache.get("checked", -1e9) < settings.TRIAGE_MODEL_CHECK_SECONDS
        if fresh and "current" in _cache:
            return _cache["current"]
    model_id = _newest_kept_id()
    with _lock:
        if _cache.get("current_id") != model_id or "current" not in _cache:
            if model_id:
                data = TriageModel.objects.values_list("data", flat=True).get(pk=model_id)
                _cache["current"] = LinearSuggester.from_bytes(bytes(data))
            else:
                _cache["current"] = _cache.get("shipped") or store.shipped()
            _cache["current_id"] = model_id
        _cache["checked"] = now
        return _cache["current"]


def forget_loaded_models() -> None:
    """Make the next suggestion look again (tests, and after a deployment's rebuild)."""
    with _lock:
        _cache.clear()


# --- Decisions as examples ----------------------------------------------------------------------


def decision_examples(*, up_to: int | None = None) -> tuple[list[Example], int]:
    """Each triaged conversation with a decision as one example carrying only the decided fields,
    weighted up where an agent corrected the suggestion. Returns them and the last decision id."""
    decisions = TriageDecision.objects.all()
    if up_to is not None:
        decisions = decisions.filter(pk__lte=up_to)
    last = 0
    by_triage: dict[int, dict] = {}
    for triage_id, field, value, corrected, pk in decisions.order_by("pk").values_list(
        "triage_id", "field", "value", "corrected", "pk"
    ):
        labels = by_triage.setdefault(triage_id, {"labels": {}, "corrected": False})
        labels["labels"][field] = value  # the latest decision on a field wins
        labels["corrected"] |= corrected
        last = pk
    texts = dict(ConversationTriage.objects.filter(pk__in=by_triage).values_list("pk", "text"))
    tos = dict(ConversationTriage.objects.filter(pk__in=by_triage).values_list("pk", "to"))
    examples = [
        Example(
            text=texts[triage_id],
            to=tos[triage_id] or None,
            labels=found["labels"],
            weight=CORRECTED_WEIGHT if found["corrected"] else CONFIRMED_WEIGHT,
        )
        for triage_id, found in sorted(by_triage.items())
    ]
    return examples, last


# --- The nightly retraining ---------------------------------------------------------------------


def _drops(candidate: dict, previous: dict) -> list[str]:
    return [
        f"{field} {measure} {previous[field][measure]:.4f} → {candidate[field][measure]:.4f}"
        for field, measure in GUARDED
        if candidate[field][measure] < previous[field][measure]
    ]


def triage_model_retrain() -> TriageModel | None:
    """Retrain on the repository's examples plus every decision; keep the new model only if its
    cross-validated figures do not drop below the model in use. None when there is nothing new."""
    in_use = TriageModel.objects.filter(kept=True, fingerprint=store.fingerprint()).first()
    previous_last = in_use.last_decision_id if in_use else 0
    decisions, last = decision_examples()
    if last <= previous_last:
        logger.info("Triage retraining: no new decisions since %s; nothing to do", previous_last)
        return None
    base = load_examples(TRAIN_DIR)
    known, _ = decision_examples(up_to=previous_last) if previous_last else ([], 0)
    known_texts = {(e.text, e.to) for e in known}
    everything = base + decisions
    # Both contenders are scored on the same five folds of `everything`; the model in use does not
    # learn from decisions it had not seen (those after its last one).
    unseen = {id(e) for e in decisions if (e.text, e.to) not in known_texts}

    def previous_recipe(examples: list[Example]) -> LinearSuggester:
        return LinearSuggester.train([e for e in examples if id(e) not in unseen])

    previous = cross_validate(everything, previous_recipe)
    candidate = cross_validate(everything, LinearSuggester.train)
    drops = _drops(candidate, previous)
    row = TriageModel(
        fingerprint=store.fingerprint(),
        examples=len(everything),
        decisions=len(decisions),
        last_decision_id=last,
        figures=candidate,
        previous_figures=previous,
        kept=not drops,
        reason=("dropped: " + "; ".join(drops)) if drops else "no figure dropped",
    )
    if row.kept:
        model = LinearSuggester.train(
            everything,
            meta={"fingerprint": row.fingerprint, "decisions": len(decisions), "last_decision_id": last},
        )
        model.meta["cv"] = candidate
        row.data = model.to_bytes()
    with transaction.atomic():
        row.save()
    logger.info(
        "Triage retraining on %s examples (%s from agents): %s. New: %s. In use: %s",
        len(everything),
        len(decisions),
        "kept" if row.kept else "not kept, " + row.reason,
        headline(candidate),
        headline(previous),
    )
    return row
