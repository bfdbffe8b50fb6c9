"""Ingest in `benchmark_queue`: normalised messages through the real path (a poll's pages of 100 into
`messages_ingest`: stored, threaded, triaged, routed, the cursor moved per page), against a raw bulk
insert of exactly the rows that path wrote, each page's rows right after that page, in a transaction
of their own.

One page of other items goes through the real path first, untimed and left out of the comparison
(as the other targets have their warm-ups): it loads what a running poller already holds, above
all triage's model (built on the spot when its file is missing)."""

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..incoming import IncomingMessage
from ..models import Account, Contact, Conversation, Event, Message
from ..services.ingest import messages_ingest
from ..workflow import TODO_STATES
from .data import TEXTS, chunks
from .timing import counted_statements

PAGE = 100


@dataclass(frozen=True)
class IngestFigures:
    msgs_per_s: float
    raw_msgs_per_s: float
    queries_per_msg: float
    conversations_opened: int


def poll_items(
    account: Account, *, count: int, per_conversation: int, seed: int = 13, prefix: str = "poll"
) -> list[IncomingMessage]:
    """`count` items as polls deliver them, oldest first: a fifth are citizens writing again in open
    conversations, the rest new threads of `per_conversation` messages (replies to the one before,
    now and then our own answer read back), half of them from people who wrote before. Platform ids
    and threads start with `prefix`, so items made with another prefix are other items."""
    rng = random.Random(seed)
    start = timezone.now() - dt.timedelta(hours=1)
    open_threads = list(
        Conversation.objects.filter(account=account, state__in=TODO_STATES).values_list(
            "thread_key", flat=True
        )
    )
    known = list(Contact.objects.order_by("pk").values_list("platform_user_id", flat=True)[:50_000])
    items: list[IncomingMessage] = []

    def item(n: int, thread: str, author: str, **extra) -> IncomingMessage:
        return IncomingMessage(
            platform_id=f"{prefix}-{n}",
            thread_key=thread,
            author_id=author,
            author_handle=author,
            author_name=f"Inwoner {author}",
            text=rng.choice(TEXTS),
            created_at=start + dt.timedelta(milliseconds=rng.randrange(3_600_000)),
            kind="mention",
            raw={"id": f"{prefix}-{n}"},
            **extra,
        )

    n = 0
    for _ in range(count // 5 if open_threads else 0):
        n += 1
        items.append(item(n, rng.choice(open_threads), rng.choice(known) if known else f"new-{n}"))
    while len(items) < count:
        thread = f"{prefix}-thread-{n}"
        author = rng.choice(known) if known and rng.random() < 0.5 else f"new-{n}"
        previous = ""
        for k in range(min(per_conversation, count - len(items))):
            n += 1
            ours = k > 0 and rng.random() < 0.15
            items.append(
                item(n, thread, account.handle if ours else author, in_reply_to=previous, outbound=ours)
            )
            previous = f"{prefix}-{n}"
    # Within a thread each reply comes after what it replies to; across threads, any order.
    by_thread: dict[str, list] = {}
    for found in items:
        by_thread.setdefault(found.thread_key, []).append(found)
    ordered = []
    for thread_items in by_thread.values():
        moments = sorted(i.created_at for i in thread_items)
        ordered += [_at(i, moment) for i, moment in zip(thread_items, moments, strict=True)]
    return sorted(ordered, key=lambda i: i.created_at)


def _at(item: IncomingMessage, moment: dt.datetime) -> IncomingMessage:
    values = {f: getattr(item, f) for f in item.__dataclass_fields__}
    return IncomingMessage(**{**values, "created_at": moment})


def _models() -> list:
    """Every model the real path inserts rows of: the raw insert writes the very same rows."""
    found = [Contact, Conversation, Message, Event]
    if apps.is_installed("triage"):
        found.append(apps.get_model("triage", "ConversationTriage"))
    if apps.is_installed("reports"):
        found.append(apps.get_model("reports", "ConversationTally"))
    return found


def _newest_ids() -> dict:
    return {model: model.objects.aggregate(n=Max("pk"))["n"] or 0 for model in _models()}


def warm_up(account: Account, *, per_conversation: int) -> None:
    """One page of other items through the real path, untimed (its rows stay; `measure` compares
    only what comes after)."""
    items = poll_items(account, count=PAGE, per_conversation=per_conversation, seed=31, prefix="warm-up")
    messages_ingest(account_id=account.pk, items=items, cursor="bench-warm-up")


def measure(account: Account, items: list[IncomingMessage], *, per_conversation: int) -> IngestFigures:
    """`items` through the real path in pages of 100, timed, after one untimed warm-up page; after
    each page, the raw insert of the rows it wrote, timed too (so both meet the machine in the same
    minute: a shared host's speed drifts)."""
    warm_up(account, per_conversation=per_conversation)
    elapsed = raw_elapsed = 0.0
    opened = ingest_queries = 0
    for number, page in enumerate(chunks(items, PAGE)):
        before = _newest_ids()  # untimed
        with counted_statements() as statements:
            started = time.perf_counter()
            result = messages_ingest(account_id=account.pk, items=page, cursor=f"bench-{number}")
            elapsed += time.perf_counter() - started
        ingest_queries += statements[0]
        opened += result.conversations_opened
        raw_elapsed += _raw_insert(account, before, number)
    return IngestFigures(
        msgs_per_s=len(items) / elapsed,
        raw_msgs_per_s=len(items) / raw_elapsed,
        queries_per_msg=ingest_queries / len(items),
        conversations_opened=opened,
    )


def _raw_insert(account: Account, before: dict, number: int) -> float:
    """Take out the rows the real path's last page wrote, then insert the very same rows again with
    bulk_create in one transaction with the account's cursor, as the page was. Returns the time the
    insert took. The database is as the real path left it: the next page finds what it wrote."""
    models = _models()
    rows = {model: list(model.objects.filter(pk__gt=before[model]).order_by("pk")) for model in models}
    for model in reversed(models[1:]):
        model.objects.filter(pk__gt=before[model]).delete()
    Contact.objects.filter(pk__gt=before[Contact]).delete()
    started = time.perf_counter()
    with transaction.atomic():
        for model in [Contact, Conversation, *models[2:]]:
            model.objects.bulk_create(rows[model])
        Account.objects.filter(pk=account.pk).update(
            cursor=f"bench-raw-{number}", last_polled_at=timezone.now()
        )
    return time.perf_counter() - started
