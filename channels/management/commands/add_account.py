"""Connect a platform account: `add_account sandbox --handle NAME [--team TEAM]`, `add_account x ...`,
`add_account facebook --page-id ID --page-token TOKEN [--app-secret S] [--verify-token V] [--team TEAM]`.
"""

from django.core.management.base import BaseCommand, CommandError

from inbox.models import Account
from inbox.services.accounts import account_connect
from inbox.services.base import ServiceError


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

        x = platforms.add_parser(
            "x",
            help="an X (Twitter) account: mentions, DMs and monitoring queries in, replies out",
            description="Connect (or reconnect) an X account. Credentials are encrypted at rest and never shown.",
        )
        x.add_argument("--handle", required=True, help="the account's @handle")
        x.add_argument("--user-id", required=True, help="the account's numeric X user id")
        x.add_argument("--bearer-token", required=True, help="app-only bearer token (reads mentions, search)")
        x.add_argument("--consumer-key", required=True, help="API key of the X app (OAuth 1.0a)")
        x.add_argument("--consumer-secret", required=True, help="API key secret of the X app")
        x.add_argument("--access-token", required=True, help="the account's access token (posting, DMs)")
        x.add_argument("--access-token-secret", required=True, help="the account's access token secret")
        x.add_argument("--team", help="team slug or name (default for a new account: kcc)")
        x.add_argument("--display-name")
        x.add_argument(
            "--monitor",
            nargs="+",
            metavar="QUERY",
            help="recent-search queries for the monitoring view, e.g. '#gladheid030' "
            "'\"gemeente utrecht\" -is:retweet' (replaces the account's queries)",
        )
        x.add_argument("--interval", type=int, help="poll interval in seconds (default 60)")

        # --- facebook ---
        facebook = platforms.add_parser(
            "facebook", help="a Facebook page (comments, visitor posts, Messenger)"
        )
        facebook.add_argument("--page-id", required=True, help="the page's numeric id")
        facebook.add_argument("--page-token", required=True, help="a page access token (stored encrypted)")
        facebook.add_argument(
            "--app-secret", help="the app secret, to check webhook signatures (stored encrypted)"
        )
        facebook.add_argument(
            "--verify-token", help="the token Facebook sends when verifying the webhook URL"
        )
        facebook.add_argument("--team", help="team slug or name (default for a new account: kcc)")
        facebook.add_argument("--display-name", help="the page's name as shown in the inbox")
        facebook.add_argument("--interval", type=int, help="poll interval in seconds (default 60)")

    def handle(self, *args, **options):
        if options["platform"] == "facebook":
            return self.handle_facebook(options)
        handle = options["handle"].strip().lstrip("@")
        if not handle:
            raise CommandError("--handle may not be empty.")
        if options["platform"] == "x":
            return self.connect_x(handle, options)
        config = {"rate_per_minute": options["rate"], "initial": options["initial"]}
        try:
            account, created = account_connect(
                audit_via="command",
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

    def connect_x(self, handle: str, options: dict) -> None:
        user_id = options["user_id"].strip()
        if not user_id.isdigit():
            raise CommandError("--user-id must be the numeric X user id (not the @handle).")
        keys = ["bearer_token", "consumer_key", "consumer_secret", "access_token", "access_token_secret"]
        credentials = {key: options[key].strip() for key in keys}
        empty = [f"--{key.replace('_', '-')}" for key, value in credentials.items() if not value]
        if empty:
            raise CommandError(f"Empty: {', '.join(empty)}.")
        config = {"user_id": user_id}
        if options["monitor"] is not None:
            config["monitor"] = [query.strip() for query in options["monitor"] if query.strip()]
        interval = options["interval"]
        if interval is None and not Account.objects.filter(platform="x", handle=handle).exists():
            interval = 60  # X's mention limits (see README) allow a poll a minute, not every few seconds
        try:
            account, created = account_connect(
                audit_via="command",
                platform="x",
                handle=handle,
                team_slug=options["team"],
                display_name=options["display_name"],
                poll_interval_seconds=interval,
                credentials=credentials,
                config=config,
                default_config={"monitor": []},
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        verb = "Added" if created else "Updated"
        queries = len(account.config.get("monitor", []))
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {account} (team {account.team.slug}, id {account.pk}, "
                f"{queries} monitoring quer{'y' if queries == 1 else 'ies'}). Credentials stored encrypted."
            )
        )

    def handle_facebook(self, options):
        page_id = options["page_id"].strip()
        if not page_id.isdigit():
            raise CommandError("--page-id must be the page's numeric id.")
        if not options["page_token"].strip():
            raise CommandError("--page-token may not be empty.")
        existing = Account.objects.filter(platform="facebook", handle=page_id).first()
        credentials = dict(existing.credentials) if existing else {}
        credentials["page_token"] = options["page_token"].strip()
        for option in ("app_secret", "verify_token"):
            if options[option]:
                credentials[option] = options[option].strip()
        try:
            account, created = account_connect(
                audit_via="command",
                platform="facebook",
                handle=page_id,
                team_slug=options["team"],
                display_name=options["display_name"],
                poll_interval_seconds=options["interval"] or (60 if existing is None else None),
                credentials=credentials,
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        verb = "Added" if created else "Updated"
        # Secrets are never echoed: only which ones are stored.
        stored = ", ".join(sorted(credentials))
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {account} (team {account.team.slug}, id {account.pk}; stored: {stored})."
            )
        )
        if "app_secret" not in credentials or "verify_token" not in credentials:
            self.stdout.write("No webhook yet: give --app-secret and --verify-token to receive it.")
