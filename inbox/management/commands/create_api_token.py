"""Create a bearer token for scripts: `create_api_token USERNAME [--name NAME]`. Shown once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...services.api_tokens import api_token_issue


class Command(BaseCommand):
    help = "Create an API bearer token for a user; the token is printed once and stored only as a hash."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="script")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        _token, key = api_token_issue(user=user, name=options["name"], via="command")
        self.stdout.write(key)
