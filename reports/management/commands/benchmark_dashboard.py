"""Generate a year of webcare traffic plus a calamity day, then time the dashboard's figures.

Run it on a database of its own, for example:
    DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py benchmark_dashboard
"""

import datetime as dt
import random
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.test import Client
from django.utils import timezone

from inbox.deadlines import AMSTERDAM
from inbox.models import Account, Contact, Conversation, Event, Message, Role, Team

from ...models import DailySnapshot
from ...selectors import Scope, day_bounds, day_figures, trend
from ...services import snapshot_freeze, snapshots_backfill
from ...services.tallies import tallies_recount

BATCH = 5000


class Command(BaseCommand):
    help = "Fill an empty database with a year of traffic and a calamity day, then time the dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--per-day", type=int, default=1500, help="inbound messages per ordinary day")
        parser.add_argument(
            "--calamity", type=int, default=50_000, help="inbound messages on the calamity day"
        )
        parser.add_argument("--reuse", action="store_true", help="time an already generated database")

    def handle(self, *args, **options):
        if options["reuse"]:
            if not Conversation.objects.exists():
                raise CommandError("--reuse: the database holds no conversations yet.")
        else:
            if Conversation.objects.exists():
                raise CommandError("The database is not empty: point DATABASE_URL at a database of its own.")
            started = time.perf_counter()
            counts = self.generate(options["days"], options["per_day"], options["calamity"])
            self.report("generated " + ", ".join(f"{n:,} {what}" for what, n in counts.items()), started)
            # Generated in bulk, past the services: counted into the tallies as existing data is.
            started = time.perf_counter()
            hours = tallies_recount()
            self.report(f"counting the hourly tallies of the generated data ({hours:,} hours)", started)
        self.measure()

    def report(self, what: str, started: float) -> None:
        self.stdout.write(f"{time.perf_counter() - started:8.2f} s  {what}")

    # --- Data ------------------------------------------------------------------------------------

    def generate(self, days: int, per_day: int, calamity: int) -> dict[str, int]:
        rng = random.Random(2026)
        team, _ = Team.objects.get_or_create(slug="kcc", defaults={"name": "KCC", "kind": Team.Kind.KCC})
        accounts = [
            Account.objects.get_or_create(platform=platform, handle=handle, defaults={"team": team})[0]
            for platform, handle in [
                ("x", "GemeenteBench"),
                ("x", "StadswerkenBench"),
                ("facebook", "PaginaBench"),
            ]
        ]
        contacts = Contact.objects.bulk_create(
            [
                Contact(platform="x", platform_user_id=str(n), handle=f"burger{n}", name=f"Burger {n}")
                for n in range(20_000)
            ],
            batch_size=BATCH,
        )
        today = timezone.localdate()
        calamity_day = today - dt.timedelta(days=days // 2)
        counts = {"conversations": 0, "messages": 0, "events": 0}
        for offset in range(days, 0, -1):
            day = today - dt.timedelta(days=offset)
            volume = calamity if day == calamity_day else per_day
            with transaction.atomic():
                self._day(rng, day, volume, accounts, team, contacts, counts)
        manager_group, _ = Group.objects.get_or_create(name=Role.MANAGER)
        manager, _ = get_user_model().objects.get_or_create(username="bench-manager")
        manager.groups.add(manager_group)
        self.calamity_day = calamity_day
        return counts

    def _day(self, rng, day, volume, accounts, team, contacts, counts):
        start, _ = day_bounds(day)
        conversations, pending = [], []
        n_conversations = int(volume / 1.25)
        for _ in range(n_conversations):
            # Most traffic in office hours, some in the evening.
            arrival = start + dt.timedelta(
                hours=rng.choice([8, 9, 10, 11, 12, 13, 14, 15, 16, 19, 21]), minutes=rng.randrange(60)
            )
            answered = arrival + dt.timedelta(minutes=rng.randrange(5, 300))
            closed = answered + dt.timedelta(minutes=rng.randrange(1, 60))
            conversations.append(
                Conversation(
                    account=rng.choice(accounts),
                    contact=rng.choice(contacts),
                    thread_key=f"{day}-{len(conversations)}",
                    state="closed",
                    team=team,
                    due_at=dt.datetime.combine(day, dt.time(17), tzinfo=AMSTERDAM),
                    first_response_at=answered,
                    closed_at=closed,
                    last_message_at=answered,
                    started_at=arrival,
                    created_at=arrival,
                )
            )
            pending.append((arrival, answered, closed))
        created = Conversation.objects.bulk_create(conversations, batch_size=BATCH)
        messages, events = [], []
        for conversation, (arrival, answered, closed) in zip(created, pending, strict=True):
            inbound = 2 if rng.random() < 0.25 else 1
            for k in range(inbound):
                messages.append(
                    Message(
                        conversation=conversation,
                        account_id=conversation.account_id,
                        direction="in",
                        platform_id=f"{conversation.thread_key}-{k}",
                        text="Er ligt afval naast de container.",
                        created_at=arrival + dt.timedelta(minutes=k),
                        received_at=arrival + dt.timedelta(minutes=k),
                    )
                )
            messages.append(
                Message(
                    conversation=conversation,
                    account_id=conversation.account_id,
                    direction="out",
                    platform_id=f"{conversation.thread_key}-r",
                    text="Dank u, wij pakken het op.",
                    send_status="sent",
                    created_at=answered,
                    received_at=answered,
                )
            )
            events += [
                Event(conversation=conversation, kind="created", to_state="new", created_at=arrival),
                Event(
                    conversation=conversation,
                    kind="reply_sent",
                    from_state="new",
                    to_state="answered",
                    created_at=answered,
                ),
                Event(
                    conversation=conversation,
                    kind="closed",
                    from_state="answered",
                    to_state="closed",
                    created_at=closed,
                ),
            ]
        Message.objects.bulk_create(messages, batch_size=BATCH)
        Event.objects.bulk_create(events, batch_size=BATCH)
        counts["conversations"] += len(created)
        counts["messages"] += len(messages)
        counts["events"] += len(events)

    def busiest_day(self) -> dt.date:
        return (
            Conversation.objects.annotate(day=TruncDate("started_at", tzinfo=AMSTERDAM))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("day", flat=True)
            .first()
        )

    # --- Timing ----------------------------------------------------------------------------------

    def measure(self) -> None:
        today = timezone.localdate()
        yesterday = today - dt.timedelta(days=1)
        calamity_day = getattr(self, "calamity_day", None) or self.busiest_day()
        for label, day in [("an ordinary day", yesterday), ("the calamity day", calamity_day)]:
            started = time.perf_counter()
            rescanned = day_figures(day, Scope(), use_snapshot=False, use_tallies=False)
            self.report(
                f"figures of {label}, counted from the rows ({rescanned['intake']['messages']:,} messages)",
                started,
            )
            started = time.perf_counter()
            tallied = day_figures(day, Scope(), use_snapshot=False)
            self.report(f"figures of {label}, from the hourly tallies", started)
            self.stdout.write(f"          the two agree: {'yes' if tallied == rescanned else 'NO'}")
        DailySnapshot.objects.all().delete()
        started = time.perf_counter()
        snapshot_freeze(day=yesterday)
        self.report("nightly freeze of yesterday (all scopes)", started)
        started = time.perf_counter()
        snapshots_backfill(limit=29)
        self.report("backfilling 29 more days (all scopes)", started)
        started = time.perf_counter()
        trend(today, Scope())
        self.report("30-day trend from snapshots", started)
        client = Client(SERVER_NAME="localhost")
        client.force_login(get_user_model().objects.get(username="bench-manager"))
        # An ordinary day as cold as the calamity day: unfrozen, and its 30 days too, not cached.
        ordinary_day = calamity_day - dt.timedelta(days=40)
        cold = {}
        for label, url in [
            ("dashboard page, today", "/dashboard/"),
            ("dashboard page, yesterday (frozen)", f"/dashboard/?date={yesterday}"),
            (
                "dashboard page, an ordinary day, cold (its 30 days not frozen either)",
                f"/dashboard/?date={ordinary_day}",
            ),
            (
                "dashboard page, the calamity day, cold (its 30 days not frozen yet)",
                f"/dashboard/?date={calamity_day}",
            ),
            ("same page again (cached while nothing changes)", f"/dashboard/?date={calamity_day}"),
            ("backlog API, today", "/api/v1/backlog"),
        ]:
            started = time.perf_counter()
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            cold.setdefault(url, time.perf_counter() - started)
            self.report(label, started)
        ordinary, calamity = (
            cold[f"/dashboard/?date={ordinary_day}"],
            cold[f"/dashboard/?date={calamity_day}"],
        )
        self.stdout.write(
            f"          calamity day cold / ordinary day cold: {calamity / ordinary:.1f}× (goal ≤ 10×)"
        )
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(f"/dashboard/export.csv?start={today - dt.timedelta(days=365)}&end={today}")
        size = sum(len(chunk) for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.report(
            f"CSV export of a year: {size / 1e6:.1f} MB streamed, peak Python memory {peak / 1e6:.1f} MB",
            started,
        )
