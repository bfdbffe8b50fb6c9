"""Scores for a suggester on labelled examples: accuracy and macro-F1, recall and precision, and per
class precision, recall and a confusion matrix for the table output."""

from .model import FIELDS, Example

FLAGS = ("urgent", "escalate")


def predict_pairs(suggester, examples: list[Example]) -> dict[str, list[tuple]]:
    """(gold, guess) per field for every example that carries that label (an agent's decision may
    carry only some); pairs of several runs can be added up."""
    pairs: dict[str, list] = {name: [] for name in FIELDS}
    for example in examples:
        guess = suggester.suggest(example.text, to=example.to).as_dict()
        for name, values in pairs.items():
            if name not in example.labels:
                continue
            gold = example.labels[name]
            if name in FLAGS:
                values.append((bool(gold), bool(guess[name])))
            else:
                values.append((gold or None, guess[name] or None))
    return pairs


def _class_scores(pairs: list[tuple], label) -> tuple[int, int, int]:
    tp = sum(1 for gold, guess in pairs if gold == label and guess == label)
    fp = sum(1 for gold, guess in pairs if gold != label and guess == label)
    fn = sum(1 for gold, guess in pairs if gold == label and guess != label)
    return tp, fp, fn


def labels_of(pairs: list[tuple]) -> list:
    return sorted(
        {gold for gold, _ in pairs} | {guess for _, guess in pairs}, key=lambda v: "" if v is None else str(v)
    )


def _macro_f1(pairs: list[tuple]) -> float:
    scores = []
    for label in labels_of(pairs):
        tp, fp, fn = _class_scores(pairs, label)
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


def _flag(pairs: list[tuple[bool, bool]]) -> dict:
    tp, fp, fn = _class_scores(pairs, True)
    return {
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
    }


def score(pairs: dict[str, list[tuple]]) -> dict:
    """The figures `triage_eval --json` prints (its shape is an interface: keep it)."""
    result: dict = {"n": max(len(values) for values in pairs.values())}
    for name in ("type", "category", "wijk"):
        values = pairs[name]
        accuracy = sum(1 for gold, guess in values if gold == guess) / len(values) if values else 0.0
        result[name] = {"accuracy": round(accuracy, 4), "macro_f1": round(_macro_f1(values), 4)}
    for name in FLAGS:
        result[name] = _flag(pairs[name])
    return result


def evaluate(suggester, examples: list[Example]) -> dict:
    return score(predict_pairs(suggester, examples))


def per_class(pairs: list[tuple]) -> list[dict]:
    """Precision, recall and support of each label, in label order."""
    rows = []
    for label in labels_of(pairs):
        tp, fp, fn = _class_scores(pairs, label)
        rows.append(
            {
                "label": label,
                "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
                "support": tp + fn,
            }
        )
    return rows


def confusion(pairs: list[tuple]) -> tuple[list, list[list[int]]]:
    """Labels and the matrix: row = gold label, column = guess."""
    labels = labels_of(pairs)
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for gold, guess in pairs:
        matrix[index[gold]][index[guess]] += 1
    return labels, matrix


def headline(result: dict) -> str:
    """The figures the goals are set on, in one line."""
    return (
        f"type macro-F1 {result['type']['macro_f1']:.3f}, "
        f"category accuracy {result['category']['accuracy']:.3f}, "
        f"wijk accuracy {result['wijk']['accuracy']:.3f}, "
        f"urgent recall {result['urgent']['recall']:.3f} precision {result['urgent']['precision']:.3f}, "
        f"escalate recall {result['escalate']['recall']:.3f} precision {result['escalate']['precision']:.3f}"
    )
