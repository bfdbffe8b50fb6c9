"""Seed demo data: teams, role groups, demo users and a sandbox account that fills the queue."""

import datetime as dt
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from inbox.models import DutyShift, Role, Team
from triage.seed import seed_triage

TEAMS = [
    ("KCC", "kcc", Team.Kind.KCC),
    ("Communicatieadviseurs", "communicatie", Team.Kind.COMMS),
    ("Wijkbureau Oost", "wijkbureau-oost", Team.Kind.WIJKBUREAU),
    ("Wijkbureau Overvecht", "wijkbureau-overvecht", Team.Kind.WIJKBUREAU),
    ("Wijkbureau Leidsche Rijn", "wijkbureau-leidsche-rijn", Team.Kind.WIJKBUREAU),
]

# username, first name, last name, role, team slug
USERS = [
    ("agent", "Anouk", "Visser", Role.AGENT, "kcc"),
    ("adviser", "Daan", "Mulder", Role.ADVISER, "communicatie"),
    ("wijk", "Fatima", "Bouzid", Role.WIJKBUREAU, "wijkbureau-oost"),
    ("wijk2", "Joost", "van Dijk", Role.WIJKBUREAU, "wijkbureau-overvecht"),
    ("manager", "Ellen", "de Groot", Role.MANAGER, "kcc"),
    ("admin", "Ruud", "Kok", Role.ADMIN, "kcc"),
]

SANDBOX_HANDLE = "GemeenteSandbox"


class Command(BaseCommand):
    help = "Create teams, the role groups, demo users and a sandbox account. Refuses with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="seed even when DEBUG is off")
        parser.add_argument("--no-poll", action="store_true", help="do not poll the sandbox account now")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG is off: this looks like production. Use --force to seed anyway.")
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        with transaction.atomic():
            teams = {}
            for name, slug, kind in TEAMS:
                teams[slug], _ = Team.objects.update_or_create(
                    slug=slug, defaults={"name": name, "kind": kind}
                )
            groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
            user_model = get_user_model()
            for username, first, last, role, team_slug in USERS:
                user, _ = user_model.objects.get_or_create(username=username)
                user.first_name, user.last_name = first, last
                user.email = f"{username}@example.org"
                user.is_staff = role == Role.ADMIN
                user.is_superuser = role == Role.ADMIN
                user.set_password(password)
                user.save()
                user.groups.set([groups[role]])
                teams[team_slug].members.add(user)
            seed_triage(teams)  # canned answers and routing rules
            _demo_duty_shift(user_model.objects.get(username="adviser"))
        call_command(
            "add_account",
            "sandbox",
            "--handle",
            SANDBOX_HANDLE,
            "--display-name",
            "Gemeente (sandbox)",
            "--initial",
            "8",
            stdout=self.stdout,
        )
        if not options["no_poll"]:
            call_command("poll", "--once", "--account", SANDBOX_HANDLE, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo users: " + ", ".join(u[0] for u in USERS)))
        self.stdout.write(self.style.SUCCESS(f"Password:   {password}"))


def _demo_duty_shift(adviser) -> None:
    """The demo adviser is on duty from now until the same time tomorrow (one shift, however often seeded)."""
    now = timezone.now()
    DutyShift.objects.update_or_create(
        adviser=adviser,
        note="demo",
        defaults={"starts_at": now - dt.timedelta(minutes=5), "ends_at": now + dt.timedelta(days=1)},
    )
