"""Fill an empty database with a large queue, then time what agents and polls do with it.

Run it on a database of its own, for example:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/webcare_bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/webcare_bench python manage.py benchmark_queue

Every goal is a ratio to something measured in the same run (the raw-SQL page, one agent's claims,
a raw bulk insert), because absolute times on a shared machine move between runs.
"""

import json
import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from ...benchmarks import data, ingest, timing
from ...models import Conversation

INGEST_MESSAGES = 20_000


class Command(BaseCommand):
    help = (
        "Generate a large queue on an EMPTY database, then time the queue, its pages, take next and ingest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--conversations", type=int, default=250_000, help="conversations (default 250,000)"
        )
        parser.add_argument("--open", type=int, default=10_000, help="of which open (default 10,000)")
        parser.add_argument(
            "--messages-per-conversation", type=int, default=4, help="messages per conversation (default 4)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")

    def handle(self, *args, **options):
        if Conversation.objects.exists():
            raise CommandError("The database is not empty: point DATABASE_URL at a database of its own.")
        n, k, m = options["conversations"], options["open"], options["messages_per_conversation"]
        if not (n > 0 and 0 < k <= n and m > 0):
            raise CommandError(
                "Need --conversations > 0, 0 < --open <= --conversations, --messages-per-conversation > 0."
            )
        self.as_json = options["json"]
        self.started = time.perf_counter()
        generated = data.generate(conversations=n, open_count=k, per_conversation=m, log=self.log)
        self.log("generated " + ", ".join(f"{count:,} {what}" for what, count in generated.counts.items()))
        data.vacuum_analyze(self.log)

        times, queries = timing.requests(generated.agent, generated.long_history_conversation)
        self.log("pages, API and raw SQL timed")
        items = ingest.poll_items(generated.accounts[0], count=INGEST_MESSAGES, per_conversation=m)
        figures = ingest.measure(generated.accounts[0], items, per_conversation=m)
        self.log(f"ingest timed ({figures.conversations_opened:,} conversations opened)")
        data.vacuum_analyze(self.log)
        single, single_double, claimed = timing.claims(generated.claim_agents[:1])
        timing.claims_undo(claimed)
        many, double, _ = timing.claims(generated.claim_agents)
        self.log("take next timed")
        result = {
            "queue_api_ms": times["queue_api"],
            "queue_page_ms": times["queue_page"],
            "refresh_unchanged_ms": times["refresh"],
            "conversation_page_ms": times["conversation_page"],
            "queries": queries,
            "claims_per_s": round(many, 1),
            "double_claims": double + single_double,
            "ingest_msgs_per_s": round(figures.msgs_per_s, 1),
            "raw_insert_msgs_per_s": round(figures.raw_msgs_per_s, 1),
            "raw_sql_queue_ms": {"p50": times["raw_sql_queue"]["p50"]},
            "claims_per_s_single": round(single, 1),
        }
        if self.as_json:
            self.stdout.write(json.dumps(result))
        else:
            self.table(result, n=n, k=k, m=m, queries_per_msg=figures.queries_per_msg)

    def log(self, what: str) -> None:
        # With --json the progress goes to stderr, so stdout is the one JSON object.
        stream = sys.stderr if self.as_json else self.stdout
        stream.write(f"{time.perf_counter() - self.started:8.1f} s  {what}\n")

    def table(self, r: dict, *, n: int, k: int, m: int, queries_per_msg: float) -> None:
        api, raw = r["queue_api_ms"], r["raw_sql_queue_ms"]["p50"]

        def ms(t: dict) -> str:
            return f"{t['p50']:7.1f} / {t['p95']:7.1f} / {t['max']:7.1f}"

        def ratio(value: float, limit: float) -> str:
            return f"{value / limit:5.2f}×" if limit else "  n/a"

        q = r["queries"]
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        rows = [
            ("target", "p50 / p95 / max ms", "queries", "goal", "measured"),
            (
                "queue list API, first page",
                ms(api),
                q["queue_api"],
                "p50 ≤ 3× raw SQL",
                ratio(api["p50"], raw),
            ),
            ("", "", "", "p95 ≤ 2.5× its p50", ratio(api["p95"], api["p50"])),
            ("raw SQL, the same first page", f"{raw:7.1f}", 1, "(the limit)", ""),
            (
                "queue page HTML",
                ms(r["queue_page_ms"]),
                q["queue_page"],
                "p50 ≤ 3× API p50",
                ratio(r["queue_page_ms"]["p50"], api["p50"]),
            ),
            (
                "unchanged live refresh (204)",
                ms(r["refresh_unchanged_ms"]),
                q["refresh"],
                "p50 ≤ 0.5× API p50",
                ratio(r["refresh_unchanged_ms"]["p50"], api["p50"]),
            ),
            (
                "conversation page (400 earlier)",
                ms(r["conversation_page_ms"]),
                q["conversation_page"],
                "p50 ≤ 2.5× API p50",
                ratio(r["conversation_page_ms"]["p50"], api["p50"]),
            ),
            (
                "take next, 20 agents",
                f"{r['claims_per_s']:7.1f}/s",
                "",
                "≥ 1.5× one agent",
                ratio(r["claims_per_s"], r["claims_per_s_single"]),
            ),
            (
                "take next, 1 agent",
                f"{r['claims_per_s_single']:7.1f}/s",
                "",
                "1 claim ≤ API p50",
                ratio(1000 / r["claims_per_s_single"] if r["claims_per_s_single"] else 0, api["p50"]),
            ),
            ("double claims", str(r["double_claims"]), "", "0", ""),
            (
                "ingest, real path",
                f"{r['ingest_msgs_per_s']:7.0f}/s",
                f"{queries_per_msg:.2f}/msg",
                "≥ 0.5× raw insert",
                ratio(r["ingest_msgs_per_s"], r["raw_insert_msgs_per_s"]),
            ),
            ("raw bulk insert, same rows", f"{r['raw_insert_msgs_per_s']:7.0f}/s", "", "(the limit)", ""),
        ]
        self.stdout.write(f"\n{n:,} conversations, {k:,} open, {m} messages each; load average {load}\n")
        for row in rows:
            self.stdout.write(f"{row[0]:<34} {row[1]:>27} {row[2]!s:>10}  {row[3]:<20} {row[4]}")
