"""Print a day's backlog figures: `backlog [--date YYYY-MM-DD] [--json]`."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...selectors import backlog_figures


class Command(BaseCommand):
    help = "The day's backlog: received, answered, closed, open at the end of the day by state and team, overdue."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, Europe/Amsterdam)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from None
        figures = backlog_figures(day)
        if options["json"]:
            self.stdout.write(json.dumps(figures, sort_keys=True))
            return
        self.stdout.write(f"Backlog {figures['date']}")
        for key in (
            "received",
            "conversations_started",
            "answered",
            "replies_sent",
            "closed",
            "backlog_at_end",
            "overdue_at_end",
        ):
            self.stdout.write(f"  {key.replace('_', ' '):<24}{figures[key]}")
        self.stdout.write("  open at end of day by state:")
        for state, n in figures["open_at_end"].items():
            self.stdout.write(f"    {state:<22}{n}")
        self.stdout.write("  backlog at end of day by team:")
        for team, n in sorted(figures["backlog_at_end_by_team"].items()):
            self.stdout.write(f"    {team:<22}{n}")
