"""Connect a platform account: `add_account sandbox --handle NAME [--team TEAM]`."""

from django.core.management.base import BaseCommand, CommandError

from inbox.services import ServiceError, account_connect


class Command(BaseCommand):
    help = "Add (or reconnect) a channel account. Credentials are encrypted at rest and never printed."

    def add_arguments(self, parser):
        platforms = parser.add_subparsers(dest="platform", required=True, metavar="PLATFORM")
        sandbox = platforms.add_parser("sandbox", help="the simulator that produces demo messages")
        sandbox.add_argument("--handle", required=True)
        sandbox.add_argument("--display-name")
        sandbox.add_argument("--team", help="team slug or name (default for a new account: kcc)")
        sandbox.add_argument("--rate", type=float, help="messages per minute (default 2)")
        sandbox.add_argument("--initial", type=int, help="messages on the first poll (default 3)")
        sandbox.add_argument("--interval", type=int, help="poll interval in seconds (default 15)")

    def handle(self, *args, **options):
        handle = options["handle"].lstrip("@")
        if not handle:
            raise CommandError("--handle may not be empty.")
        config = {"rate_per_minute": options["rate"], "initial": options["initial"]}
        try:
            account, created = account_connect(
                platform=options["platform"],
                handle=handle,
                team_slug=options["team"],
                display_name=options["display_name"],
                poll_interval_seconds=options["interval"],
                config={key: value for key, value in config.items() if value is not None},
                default_config={"rate_per_minute": 2.0, "initial": 3},
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        verb = "Added" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {account} (team {account.team.slug}, id {account.pk}).")
        )
