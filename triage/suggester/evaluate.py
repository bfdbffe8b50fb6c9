"""Scores for the suggester on labelled examples: accuracy and macro-F1, recall and precision."""

from .model import Example, Suggester


def _macro_f1(pairs: list[tuple]) -> float:
    labels = {gold for gold, _ in pairs} | {guess for _, guess in pairs}
    scores = []
    for label in sorted(labels, key=str):
        tp = sum(1 for gold, guess in pairs if gold == label and guess == label)
        fp = sum(1 for gold, guess in pairs if gold != label and guess == label)
        fn = sum(1 for gold, guess in pairs if gold == label and guess != label)
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


def _flag(pairs: list[tuple[bool, bool]]) -> dict:
    tp = sum(1 for gold, guess in pairs if gold and guess)
    positives = sum(1 for gold, _ in pairs if gold)
    flagged = sum(1 for _, guess in pairs if guess)
    return {
        "recall": round(tp / positives, 4) if positives else 1.0,
        "precision": round(tp / flagged, 4) if flagged else 1.0,
    }


def evaluate(suggester: Suggester, examples: list[Example]) -> dict:
    pairs: dict[str, list] = {field: [] for field in ("type", "category", "wijk", "urgent", "escalate")}
    for example in examples:
        guess = suggester.suggest(example.text, to=example.to).as_dict()
        for field, values in pairs.items():
            gold = example.labels.get(field)
            if field in ("urgent", "escalate"):
                values.append((bool(gold), bool(guess[field])))
            else:
                values.append((gold or None, guess[field] or None))
    result: dict = {"n": len(examples)}
    for field in ("type", "category", "wijk"):
        values = pairs[field]
        accuracy = sum(1 for gold, guess in values if gold == guess) / len(values) if values else 0.0
        result[field] = {"accuracy": round(accuracy, 4), "macro_f1": round(_macro_f1(values), 4)}
    for field in ("urgent", "escalate"):
        result[field] = _flag(pairs[field])
    return result
