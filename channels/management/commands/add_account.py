"""Connect a platform account: `add_account sandbox --handle NAME [--team TEAM]`."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inbox.models import Account, Team


def team_for(value: str) -> Team:
    team = Team.objects.filter(slug=value).first() or Team.objects.filter(name__iexact=value).first()
    if team is None:
        if value != "kcc":
            raise CommandError(
                f"No team {value!r}. Known: {', '.join(Team.objects.values_list('slug', flat=True))}"
            )
        team = Team.objects.create(name="KCC", slug="kcc", kind=Team.Kind.KCC)
    return team


class Command(BaseCommand):
    help = "Add (or reconnect) a channel account. Credentials are encrypted at rest and never printed."

    def add_arguments(self, parser):
        platforms = parser.add_subparsers(dest="platform", required=True, metavar="PLATFORM")
        sandbox = platforms.add_parser("sandbox", help="the simulator that produces demo messages")
        sandbox.add_argument("--handle", required=True)
        sandbox.add_argument("--display-name", default="")
        sandbox.add_argument("--team", default="kcc", help="team slug or name (default: kcc)")
        sandbox.add_argument("--rate", type=float, default=2.0, help="messages per minute (default 2)")
        sandbox.add_argument("--initial", type=int, default=3, help="messages on the first poll (default 3)")
        sandbox.add_argument("--interval", type=int, default=15, help="poll interval in seconds (default 15)")

    @transaction.atomic
    def handle(self, *args, **options):
        platform = options["platform"]
        handle = options["handle"].lstrip("@")
        if not handle:
            raise CommandError("--handle may not be empty.")
        defaults = {
            "display_name": options["display_name"] or handle,
            "team": team_for(options["team"]),
            "poll_interval_seconds": max(1, options["interval"]),
            "config": {"rate_per_minute": options["rate"], "initial": options["initial"]},
            "enabled": True,
            "poll_status": Account.PollStatus.NEVER,
            "poll_error": "",
            "next_poll_at": None,
        }
        account, created = Account.objects.update_or_create(
            platform=platform, handle=handle, defaults=defaults
        )
        verb = "Added" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {account} (team {account.team.slug}, id {account.pk}).")
        )
