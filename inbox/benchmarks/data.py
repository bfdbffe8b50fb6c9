"""Realistic queue data for `benchmark_queue`, written fast: several accounts and teams, contacts with
long histories, conversations with their messages, timeline and triage rows, most of them closed.

Rows get their ids here (the database is empty), so they can be streamed with PostgreSQL's COPY;
elsewhere they go through bulk_create of the project's own models.
"""

import datetime as dt
import io
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from .. import deadlines
from ..models import PREVIEW_LENGTH, Account, Contact, Conversation, Event, Message, Role, Team

CHUNK = 50_000
CLAIM_AGENTS = 20
# A contact with this many earlier conversations: the conversation page's history at its longest.
LONG_HISTORY = 400

TEXTS = [
    "Er ligt een omgevallen boom op het fietspad langs de Kromme Rijn, niemand kan erlangs.",
    "De container op de Amsterdamsestraatweg zit alweer vol, zakken staan ernaast.",
    "Lantaarnpaal 12 op de Biltstraat brandt al een week niet, het is daar aardedonker.",
    "Wanneer wordt het grofvuil in Overvecht weer opgehaald? Ik kan nergens iets vinden.",
    "Op de Vleutenseweg is niet gestrooid en het is spiegelglad, er zijn al mensen gevallen.",
    "Er staat al dagen een fietswrak tegen het hek bij station Zuilen.",
    "Klopt het dat de wethouder de bomen aan de Maliebaan wil laten kappen?",
    "Mijn afvalpas werkt niet meer bij de ondergrondse container, wat moet ik doen?",
    "Bedankt voor het snelle opruimen van het zwerfvuil in het park, top!",
    "Het riool in onze straat stinkt en de put loopt over bij elke bui.",
    "Hoe vraag ik een parkeervergunning aan voor bezoek? De website doet het niet.",
    "Vuurwerkafval overal in Kanaleneiland, wie ruimt dit op? #vuurwerkafval030",
]
REPLIES = [
    "Dank u voor uw melding. Wij hebben die doorgezet; u hoort van ons.",
    "Goed dat u het laat weten. Een collega gaat ernaar kijken.",
    "Dat is vervelend. Wij hebben het doorgegeven aan de wijkbeheerder.",
]


def corpus_texts() -> list[str]:
    """The built-in texts, plus the shared corpus of labelled messages when it is there."""
    path = Path(settings.BASE_DIR).parent / "shared" / "corpus" / "messages.jsonl"
    texts = list(TEXTS)
    if path.exists():
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    return texts


@dataclass
class Generated:
    """What was generated, and the rows the timings look for."""

    counts: dict[str, int] = field(default_factory=dict)
    agent: object = None
    claim_agents: list = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    long_history_conversation: int = 0


# --- Writing rows ---------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class RowWriter:
    """Rows of one model as dicts of attribute name → value, flushed in chunks: COPY on PostgreSQL,
    bulk_create elsewhere."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.rows: list[dict] = []
        self.written = 0

    def add(self, **values) -> None:
        self.rows.append(values)

    @property
    def full(self) -> bool:
        return len(self.rows) >= CHUNK

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            self._copy()
        else:
            self.model.objects.bulk_create([self.model(**row) for row in self.rows], batch_size=2000)
        self.written += len(self.rows)
        self.rows = []

    def _copy(self) -> None:
        defaults = {f.attname: f.get_default() for f in self.fields}
        buffer = io.StringIO()
        for row in self.rows:
            buffer.write("\t".join(_copy_value(row.get(f.attname, defaults[f.attname])) for f in self.fields))
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def _sequences_reset(*model_classes) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), model_classes):
            cursor.execute(sql)


# --- People, teams, accounts ----------------------------------------------------------------------


def _people_and_places(generated: Generated) -> dict[str, Team]:
    teams = {
        "kcc": Team.objects.create(name="KCC", slug="kcc", kind=Team.Kind.KCC),
        "comms": Team.objects.create(name="Communicatie", slug="communicatie", kind=Team.Kind.COMMS),
    }
    for wijk in ("Oost", "West", "Noordwest", "Overvecht"):
        slug = f"wijkbureau-{wijk.lower()}"
        teams[slug] = Team.objects.create(name=f"Wijkbureau {wijk}", slug=slug, kind=Team.Kind.WIJKBUREAU)
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    users = get_user_model().objects

    def person(username: str, role: str, team: str):
        user = users.create_user(username=username, first_name=username.replace("-", " ").title())
        user.groups.add(groups[role])
        teams[team].members.add(user)
        return user

    generated.agent = person("bench-agent", Role.AGENT, "kcc")
    generated.claim_agents = [person(f"bench-agent-{n:02d}", Role.AGENT, "kcc") for n in range(CLAIM_AGENTS)]
    person("bench-adviser", Role.ADVISER, "comms")
    person("bench-manager", Role.MANAGER, "kcc")
    generated.accounts = [
        Account.objects.create(platform=platform, handle=handle, team=teams[team])
        for platform, handle, team in [
            ("x", "GemeenteBench", "kcc"),
            ("x", "StadswerkenBench", "kcc"),
            ("facebook", "GemeenteBenchPagina", "kcc"),
            ("x", "WijkOostBench", "wijkbureau-oost"),
            ("x", "WijkWestBench", "wijkbureau-west"),
        ]
    ]
    return teams


# --- Conversations --------------------------------------------------------------------------------


def generate(*, conversations: int, open_count: int, per_conversation: int, log: Callable) -> Generated:
    """Fill the (empty) database; returns what the timings need."""
    rng = random.Random(2026)
    generated = Generated()
    with transaction.atomic():
        teams = _people_and_places(generated)
    team_ids = [t.pk for t in teams.values()]
    agents = [generated.agent.pk, *(a.pk for a in generated.claim_agents)]
    texts = corpus_texts()
    writers = {model: RowWriter(model) for model in (Contact, Conversation, Message, Event)}
    triage = (
        RowWriter(apps.get_model("triage", "ConversationTriage")) if apps.is_installed("triage") else None
    )
    n_contacts = max(conversations // 4, 1)
    now = timezone.now()
    for pk in range(1, n_contacts + 1):
        writers[Contact].add(
            id=pk,
            platform="x",
            platform_user_id=f"bench-{pk}",
            handle=f"burger{pk}",
            name=f"Burger {pk}",
            created_at=now,
        )
    message_id = event_id = 0
    first_open = conversations - open_count + 1
    for pk in range(1, conversations + 1):
        account = generated.accounts[pk % len(generated.accounts)]
        is_open = pk >= first_open
        # The long-history contact has LONG_HISTORY closed conversations and the newest open one.
        # Skewed: a few contacts write very often (long histories), most once or twice.
        skewed = 2 + int((n_contacts - 1) * rng.random() ** 1.5)
        contact = 1 if pk <= LONG_HISTORY or pk == conversations else min(skewed, n_contacts)
        if is_open:
            created = now - dt.timedelta(minutes=rng.randrange(1, 48 * 60))
        else:
            created = now - dt.timedelta(
                days=2 + (conversations - pk) * 700 / conversations, minutes=rng.randrange(600)
            )
        row, messages, events = _conversation(
            rng, pk, created, is_open, per_conversation, account, texts, agents, team_ids
        )
        row.update(contact_id=contact)
        writers[Conversation].add(**row)
        for message in messages:
            message_id += 1
            writers[Message].add(id=message_id, conversation_id=pk, account_id=account.pk, **message)
        for event in events:
            event_id += 1
            writers[Event].add(id=event_id, conversation_id=pk, **event)
        if triage is not None:
            triage.add(
                id=pk,
                conversation_id=pk,
                text=messages[0]["text"][:10000],
                to=account.handle,
                suggested={
                    "type": "melding",
                    "category": "afval",
                    "urgent": row["priority"] > 0,
                    "escalate": False,
                    "wijk": None,
                },
                reasons={},
                decided={},
                created_at=created,
                updated_at=created,
            )
        ordered = [*writers.values(), *([triage] if triage else [])]
        if any(writer.full for writer in ordered):
            # In the order of their foreign keys: each COPY is checked when it ends.
            for writer in ordered:
                writer.flush()
        if pk % 50_000 == 0:
            log(f"{pk:,} conversations")
    for writer in ordered:
        writer.flush()
        generated.counts[writer.model._meta.model_name] = writer.written
    _sequences_reset(*writers, *([triage.model] if triage else []))
    generated.long_history_conversation = conversations
    return generated


def _conversation(rng, pk, created, is_open, per_conversation, account, texts, agents, team_ids):
    """One conversation's row, messages and events (attribute dicts)."""
    priority = 1 if is_open and rng.random() < 0.08 else 0
    messages, events = [], []
    moment = created
    for k in range(per_conversation):
        # Open ones are the citizen's (a thread of tweets); closed ones alternate question and answer.
        direction = "in" if is_open or k % 2 == 0 else "out"
        text = rng.choice(texts) if direction == "in" else rng.choice(REPLIES)
        messages.append(
            {
                "direction": direction,
                "platform_id": f"b{pk}-{k}",
                "kind": "mention",
                "text": text,
                "media": [],
                "author_name": f"Burger {pk}" if direction == "in" else account.handle,
                "created_at": moment,
                "received_at": moment,
                "raw": "{}",
                "send_status": "sent" if direction == "out" else "",
                "send_attempts": 0,
                "hidden": False,
                "in_reply_to_platform_id": "",
            }
        )
        moment += dt.timedelta(minutes=rng.randrange(3, 90))
    last_inbound = next(m for m in reversed(messages) if m["direction"] == "in")
    answered = next((m["created_at"] for m in messages if m["direction"] == "out"), None)

    def event(kind, at, from_state="", to_state="", actor=None, **data):
        events.append(
            {
                "kind": kind,
                "created_at": at,
                "from_state": from_state,
                "to_state": to_state,
                "actor_id": actor,
                "data": data,
            }
        )

    agent = rng.choice(agents[1:])
    event("created", created, to_state="new", account=account.handle)
    state, assignee, closed_at = "new", None, None
    if is_open:
        roll = rng.random()
        if roll < 0.25:
            state, assignee = "open", agent
            event("claimed", created + dt.timedelta(minutes=2), "new", "open", agent)
        elif roll < 0.30:
            state = "escalated"
            event("escalated", created + dt.timedelta(minutes=5), "new", "escalated", agent, question="?")
    else:
        state, assignee, closed_at = "closed", None, moment
        event("claimed", created + dt.timedelta(minutes=1), "new", "open", agent)
        for m in messages[1:]:
            if m["direction"] == "out":
                event("reply_queued", m["created_at"], "open", "answered", agent)
            else:
                event("citizen_wrote", m["created_at"], "answered", "open")
        event(
            "closed", closed_at, messages[-1]["direction"] == "out" and "answered" or "open", "closed", agent
        )
    due_at = deadlines.due_at(created, urgent=priority > 0) if is_open else created + dt.timedelta(hours=8)
    row = {
        "id": pk,
        "account_id": account.pk,
        "thread_key": f"t{pk}",
        "is_private": pk % 9 == 0,
        "state": state,
        "team_id": team_ids[0] if state != "escalated" else team_ids[1],
        "assignee_id": assignee,
        "priority": priority,
        "due_at": due_at,
        "first_response_at": answered,
        "closed_at": closed_at,
        "last_message_at": messages[-1]["created_at"],
        "started_at": created,
        "created_at": created,
        "case_id": None,
        "updated_at": messages[-1]["created_at"],
        "message_count": len(messages),
        "last_inbound_at": last_inbound["created_at"],
        "preview": last_inbound["text"][:PREVIEW_LENGTH],
        "last_activity_at": max(events[-1]["created_at"], messages[-1]["created_at"]),
    }
    return row, messages, events


def vacuum_analyze(log: Callable) -> None:
    """What autovacuum does on a database in use: statistics, and visibility for index-only scans."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    log("vacuum analyze")


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
