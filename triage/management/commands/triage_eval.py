"""Score the shipped triage suggester on a labelled file, without touching the database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from triage.suggester import store
from triage.suggester.evaluate import confusion, per_class, predict_pairs, score
from triage.suggester.model import example_from_corpus


def _label(value) -> str:
    return "—" if value is None else str(value)


class Command(BaseCommand):
    help = (
        "Score the triage suggester (the shipped model, built from the repository's training files) "
        "on FILE.jsonl in the format of the shared corpus. Reads no database and writes nothing "
        "but a missing model file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="labelled messages, one JSON object per line")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        path = Path(options["file"])
        examples = []
        try:
            with path.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                        if not isinstance(row, dict) or not isinstance(row.get("labels"), dict):
                            raise ValueError("no labels object")
                    except ValueError as exc:
                        raise CommandError(f"{path}:{number}: not a labelled message ({exc})") from exc
                    examples.append(example_from_corpus(row))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        if not examples:
            raise CommandError(f"{path} holds no labelled messages")
        pairs = predict_pairs(store.shipped(), examples)
        result = score(pairs)
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"{result['n']} messages")
        for field in ("type", "category", "wijk"):
            self.stdout.write(
                f"{field:9} accuracy {result[field]['accuracy']:.3f}  macro-F1 {result[field]['macro_f1']:.3f}"
            )
        for field in ("urgent", "escalate"):
            self.stdout.write(
                f"{field:9} recall   {result[field]['recall']:.3f}  precision {result[field]['precision']:.3f}"
            )
        for field in ("type", "category", "wijk", "urgent", "escalate"):
            self._details(field, pairs[field])

    def _details(self, field: str, pairs: list[tuple]) -> None:
        self.stdout.write("")
        self.stdout.write(f"{field}: per class")
        self.stdout.write(f"  {'label':18} {'precision':>9} {'recall':>7} {'n':>5}")
        for row in per_class(pairs):
            self.stdout.write(
                f"  {_label(row['label']):18} {row['precision']:9.3f} {row['recall']:7.3f} {row['support']:5d}"
            )
        labels, matrix = confusion(pairs)
        names = [_label(label)[:6] for label in labels]
        self.stdout.write(f"{field}: confusion (row = label, column = suggestion)")
        self.stdout.write("  " + " " * 18 + " ".join(f"{name:>6}" for name in names))
        for label, counts in zip(labels, matrix, strict=True):
            self.stdout.write(f"  {_label(label):18}" + " ".join(f"{n:6d}" for n in counts))
