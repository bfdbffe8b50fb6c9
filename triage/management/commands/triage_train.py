"""Rebuild the triage model file from the labelled examples kept in the repository."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from triage.suggester import store
from triage.suggester.crossval import cross_validate
from triage.suggester.evaluate import headline
from triage.suggester.model import TRAIN_DIR, load_examples
from triage.suggester.naive_bayes import NaiveBayesSuggester


class Command(BaseCommand):
    help = (
        "Rebuild triage/suggester/data/model.joblib from the labelled messages in "
        "triage/suggester/data/train/ and print their 5-fold cross-validated figures. The agents' "
        "decisions are learnt by the nightly retraining, not here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(store.MODEL_FILE), help="where to write the model")
        parser.add_argument(
            "--if-stale", action="store_true", help="do nothing when the file was built from the same data"
        )
        parser.add_argument(
            "--compare", action="store_true", help="also cross-validate the old naive Bayes suggester"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")

    def handle(self, *args, **options):
        output = Path(options["output"])
        if options["if_stale"] and store.read(output) is not None:
            self.stdout.write(f"{output} is up to date")
            return
        try:
            model = store.build()
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot train from {TRAIN_DIR}: {exc}") from exc
        store.write(model, output)
        figures = {"linear": model.meta["cv"]}
        if options["compare"]:
            figures["naive_bayes"] = cross_validate(load_examples(TRAIN_DIR), NaiveBayesSuggester.train)
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(f"Trained on {model.meta['examples']} examples; wrote {output}")
        for name, result in figures.items():
            self.stdout.write(f"5-fold cross-validation, {name}: {headline(result)}")
