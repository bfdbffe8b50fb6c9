"""K-fold cross-validation of a way of training a suggester, on the training examples only.

Every example is suggested for once, by a model trained without it; the figures are those of all
these out-of-fold suggestions together, in the shape `triage_eval --json` prints.
"""

from collections import Counter
from collections.abc import Callable

import numpy as np
from sklearn.model_selection import StratifiedKFold

from .evaluate import predict_pairs, score
from .model import FIELDS, Example

FOLDS = 5
SEED = 16


def fold_keys(examples: list[Example], folds: int) -> list[str]:
    """What the folds are stratified by: the flags and the type, coarser where a group is too small."""
    for key in (
        lambda e: f"{e.labels.get('urgent')}-{e.labels.get('escalate')}-{e.labels.get('type')}",
        lambda e: f"{e.labels.get('urgent')}-{e.labels.get('escalate')}",
        lambda e: str(e.labels.get("type")),
    ):
        keys = [key(e) for e in examples]
        if min(Counter(keys).values()) >= folds:
            return keys
    return ["all"] * len(examples)


def cross_validate_pairs(
    examples: list[Example],
    train: Callable[[list[Example]], object],
    *,
    extra: list[Example] = (),
    folds: int = FOLDS,
) -> dict[str, list[tuple]]:
    """Out-of-fold (gold, guess) pairs. `extra` examples (the agents' decisions) are added to every
    training part and never scored."""
    keys = fold_keys(examples, folds)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    pairs: dict[str, list] = {name: [] for name in FIELDS}
    for train_rows, test_rows in splitter.split(np.zeros(len(examples)), keys):
        model = train([examples[i] for i in train_rows] + list(extra))
        fold = predict_pairs(model, [examples[i] for i in test_rows])
        for name in FIELDS:
            pairs[name] += fold[name]
    return pairs


def cross_validate(examples: list[Example], train, *, extra: list[Example] = (), folds: int = FOLDS) -> dict:
    return score(cross_validate_pairs(examples, train, extra=extra, folds=folds))
