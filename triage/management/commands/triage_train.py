"""Rebuild the triage model file from the labelled examples kept in the repository."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from triage.suggester.model import MODEL_FILE, TRAIN_FILE, Suggester, load_examples


class Command(BaseCommand):
    help = (
        "Rebuild triage/suggester/data/model.json from triage/suggester/data/train.jsonl and the "
        "word lists. The agents' decisions are added at run time and need no rebuild."
    )

    def add_arguments(self, parser):
        parser.add_argument("--train", default=str(TRAIN_FILE), help="labelled examples (JSON lines)")
        parser.add_argument("--output", default=str(MODEL_FILE), help="where to write the model")

    def handle(self, *args, **options):
        try:
            examples = load_examples(Path(options["train"]))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {options['train']}: {exc}") from exc
        suggester = Suggester.train(examples)
        Path(options["output"]).write_text(suggester.to_json() + "\n", encoding="utf-8")
        self.stdout.write(f"Trained on {len(examples)} examples; wrote {options['output']}")
