"""Print a day's backlog figures: `backlog [--date YYYY-MM-DD] [--team SLUG] [--account HANDLE] [--json]`."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...selectors import Scope, day_figures


class Command(BaseCommand):
    help = (
        "A day's backlog: intake, answered, closed, open at the start and end of the day by state and team, "
        "overdue, response times. The same figures as the dashboard and GET /api/v1/backlog."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, Europe/Amsterdam)")
        parser.add_argument("--team", default="", help="only this team (slug)")
        parser.add_argument("--account", default="", help="only this account (handle)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from None
        figures = day_figures(day, Scope(team=options["team"], account=options["account"]))
        if options["json"]:
            self.stdout.write(json.dumps(figures, sort_keys=True))
            return
        end = figures["open_at_end"]
        response = figures["first_response_working_minutes"]
        lines = [
            f"Backlog {figures['date']} ({figures['scope']}){'' if figures['complete'] else ', so far'}",
            f"  received              {figures['intake']['messages']} messages, "
            f"{figures['intake']['conversations']} new conversations",
            f"  answered              {figures['answered']} ({figures['replies_sent']} replies sent)",
            f"  closed                {figures['closed']}",
            f"  backlog at start      {figures['open_at_start']['backlog']}",
            f"  backlog at end        {end['backlog']} ({end['overdue']} overdue)",
            f"  first response        median {response['median']} / p90 {response['p90']} working minutes",
            "  open at end by state  " + ", ".join(f"{k} {v}" for k, v in end["by_state"].items()),
            "  backlog by team       " + ", ".join(f"{k} {v}" for k, v in end["backlog_by_team"].items()),
        ]
        self.stdout.write("\n".join(lines))
