"""Score the shipped triage suggester on a labelled file, without touching the database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from triage.suggester.evaluate import evaluate
from triage.suggester.model import MODEL_FILE, Suggester, example_from_corpus


class Command(BaseCommand):
    help = (
        "Score the triage suggester (the shipped model file and word lists) on FILE.jsonl in the "
        "format of the shared corpus. Reads no database and writes nothing."
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
        result = evaluate(Suggester.from_file(MODEL_FILE), examples)
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
