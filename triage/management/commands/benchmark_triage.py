"""Measure how long the triage suggester takes per message (the issue's budget is 5 ms)."""

import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from triage.suggester import store
from triage.suggester.model import TRAIN_DIR, load_examples


class Command(BaseCommand):
    help = (
        "Load the shipped triage model once and time suggestions for labelled messages (default: the "
        "training files), printing the load time and the mean, median and 95th percentile per message."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(TRAIN_DIR), help="JSON lines file or folder of them")
        parser.add_argument("--rounds", type=int, default=3, help="times to go through the messages")

    def handle(self, *args, **options):
        started = time.perf_counter()
        model = store.shipped()
        loaded = time.perf_counter() - started
        examples = load_examples(Path(options["file"]))
        model.suggest("warm-up")
        timings = []
        for _ in range(max(1, options["rounds"])):
            for example in examples:
                started = time.perf_counter()
                model.suggest(example.text, to=example.to)
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        self.stdout.write(f"model loaded in {loaded * 1000:.0f} ms")
        self.stdout.write(
            f"{len(timings)} suggestions: mean {statistics.mean(timings):.2f} ms, "
            f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms"
        )
