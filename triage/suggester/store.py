"""The shipped model file: built from the training files in the repository (`make`, or
`manage.py triage_train`), never committed, and rebuilt in the process if it is missing or was
built from other training files or code (so a fresh clone, a bare `pytest` or a container works).
"""

import hashlib
import logging
import os
from pathlib import Path

import sklearn

from . import features, linear, rules, text
from .crossval import cross_validate
from .model import DATA_DIR, TRAIN_DIR, load_examples

logger = logging.getLogger(__name__)
MODEL_FILE = DATA_DIR / "model.joblib"


def fingerprint(train_dir: Path = TRAIN_DIR) -> str:
    """What a built model depends on: the training files, the code that reads them, scikit-learn."""
    digest = hashlib.sha256(f"format {linear.FORMAT} sklearn {sklearn.__version__}".encode())
    for path in sorted(train_dir.glob("*.jsonl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for module in (features, linear, rules, text):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def build(train_dir: Path = TRAIN_DIR, *, with_cv: bool = True) -> linear.LinearSuggester:
    """Train on the repository's examples; with_cv adds their 5-fold cross-validated figures."""
    examples = load_examples(train_dir)
    meta = {"fingerprint": fingerprint(train_dir), "decisions": 0, "last_decision_id": 0}
    if with_cv:
        meta["cv"] = cross_validate(examples, linear.LinearSuggester.train)
    return linear.LinearSuggester.train(examples, meta=meta)


def write(model: linear.LinearSuggester, path: Path = MODEL_FILE) -> None:
    """Written aside and renamed, so that another process never reads half a file."""
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(model.to_bytes())
    os.replace(partial, path)


def read(path: Path = MODEL_FILE) -> linear.LinearSuggester | None:
    """The model in `path` if it exists and was built from the current training files and code."""
    try:
        model = linear.LinearSuggester.from_bytes(path.read_bytes())
    except (OSError, ValueError, EOFError, AttributeError, ImportError) as exc:
        logger.info("No usable triage model at %s (%s)", path, exc)
        return None
    return model if model.meta.get("fingerprint") == fingerprint() else None


def shipped(path: Path = MODEL_FILE) -> linear.LinearSuggester:
    """The shipped model; trained here (and written back where that is allowed) when it is stale."""
    model = read(path)
    if model is not None:
        return model
    logger.warning("Triage model %s is missing or stale: training it now from %s", path, TRAIN_DIR)
    model = build(with_cv=True)
    try:
        write(model, path)
    except OSError as exc:  # a read-only code directory (a container's runtime user)
        logger.warning("Could not write %s (%s); using the model in memory", path, exc)
    return model
