"""Search over the conversations a person may see: by the words of their messages, the contact's name
or handle, or the case number; newest first, a keyset page at a time, each with its hits marked.

The words are looked up in the database's own index: PostgreSQL's Dutch full-text search over
`Message.search_document` (stemmed: "lantaarnpalen" finds "lantaarnpaal"), SQLite's FTS5 table
(inbox/search_schema.py), or, on an SQLite without FTS5, LIKE. Every word the person typed is a
prefix that must occur in one message; their text only ever reaches the database as a parameter.
"""

import base64
import binascii
import datetime as dt
import json
import logging
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases import numbers

from ..models import Conversation, Message
from ..permissions import visible_conversations
from ..search_schema import DutchDocument, fts_available

logger = logging.getLogger(__name__)

SEARCH_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 60
# Where a hit starts and stops in the database's snippet; turned into <mark> after escaping. A
# citizen may type these characters too: then a word is marked wrongly, but never is markup made.
START, STOP = "\ue000", "\ue001"
_WORD = re.compile(r"[^\W_]+")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_like_notice_given = False


class InvalidSearchCursor(ValueError):
    """A `next` cursor the search did not hand out."""


@dataclass
class SearchHit:
    conversation: Conversation
    snippet: SafeString
    name: SafeString
    handle: SafeString


@dataclass
class SearchPage:
    hits: list[SearchHit]
    next: str  # the cursor of the page after this one, "" when this is the last


def search_terms(query: str) -> list[str]:
    """The words of a query (letters and digits; operators, quotes and the like are left out)."""
    terms = [word.lower() for word in _WORD.findall(query[:MAX_QUERY_LENGTH])]
    return [term[:MAX_TERM_LENGTH] for term in dict.fromkeys(terms)][:MAX_TERMS]


def conversations_search(*, user, query: str, after: str = "", size: int = SEARCH_PAGE_SIZE) -> SearchPage:
    """A page of the conversations `user` may see that match `query`, newest message first: the
    conversations in one query, the snippets of all of them in one more."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    terms = search_terms(query)
    backend = _backend() if terms else ""
    name = query.lstrip("@").strip()
    match = Q()
    if terms:
        match |= Q(pk__in=_conversations_with_words(terms, backend))
    if name:
        match |= Q(contact__name__icontains=name) | Q(contact__handle__icontains=name)
    number = numbers.parse_number(query)
    if number:
        match |= Q(case__number=number)
    if not match:
        return SearchPage(hits=[], next="")
    rows = (
        visible_conversations(user)
        .filter(match)
        .select_related("contact", "team", "account", "case", "assignee")
        .order_by("-last_message_at", "-pk")
    )
    if after:
        moment, pk = search_cursor_decode(after)
        rows = rows.filter(Q(last_message_at__lt=moment) | Q(last_message_at=moment, pk__lt=pk))
    rows = list(rows[: size + 1])
    shown = rows[:size]
    snippets = _snippets(terms, [row.pk for row in shown], backend) if terms else {}
    hits = [
        SearchHit(
            conversation=row,
            snippet=snippets.get(row.pk) or escape(row.preview),
            name=highlight(row.contact.name, [name]),
            handle=highlight(row.contact.handle, [name]),
        )
        for row in shown
    ]
    return SearchPage(hits=hits, next=search_cursor(shown[-1]) if len(rows) > size else "")


# --- Where the words are found ------------------------------------------------------------------


def _tsquery(terms: list[str]) -> SearchQuery:
    # Words only (search_terms), so the raw form's operators are ours: all words, each a prefix.
    return SearchQuery(" & ".join(f"{term}:*" for term in terms), config="dutch", search_type="raw")


def _fts_match(terms: list[str]) -> str:
    return " ".join(f'"{term}"*' for term in terms)


def backend_choose(vendor: str, has_fts: bool) -> str:
    """Which index answers: "postgresql", "fts5", or "like" (with a notice, once per process)."""
    global _like_notice_given
    if vendor == "postgresql":
        return "postgresql"
    if vendor == "sqlite" and has_fts:
        return "fts5"
    if not _like_notice_given:
        logger.warning("No full-text index for messages on %s: search reads the texts with LIKE", vendor)
        _like_notice_given = True
    return "like"


def _backend() -> str:
    return backend_choose(connection.vendor, connection.vendor == "sqlite" and fts_available(connection))


def _conversations_with_words(terms: list[str], backend: str) -> QuerySet | RawSQL:
    if backend == "postgresql":
        return _documents().filter(document=_tsquery(terms)).values("conversation_id")
    if backend == "fts5":
        return RawSQL(
            "SELECT m.conversation_id FROM inbox_message_fts "
            "JOIN inbox_message m ON m.id = inbox_message_fts.rowid WHERE inbox_message_fts MATCH %s",
            [_fts_match(terms)],
        )
    return _like(terms).values("conversation_id")


def _documents() -> QuerySet:
    """Messages with their Dutch search document: the expression of the GIN index, so PostgreSQL
    reads the index rather than the texts."""
    return Message.objects.annotate(document=DutchDocument("text"))


def _like(terms: list[str]) -> QuerySet:
    return Message.objects.filter(*[Q(text__icontains=term) for term in terms])


def _snippets(terms: list[str], conversation_ids: list[int], backend: str) -> dict[int, SafeString]:
    """The newest matching message of each conversation, as a marked snippet: one query."""
    if not conversation_ids:
        return {}
    if backend == "postgresql":
        query = _tsquery(terms)
        rows = (
            _documents()
            .filter(conversation_id__in=conversation_ids, document=query)
            .annotate(
                headline=SearchHeadline(
                    "text", query, config="dutch", start_sel=START, stop_sel=STOP, max_words=30, min_words=12
                )
            )
            .order_by("conversation_id", "-created_at", "-id")
            .distinct("conversation_id")
            .values_list("conversation_id", "headline")
        )
        return {conversation_id: marked(headline) for conversation_id, headline in rows}
    if backend == "fts5":
        # The ids as one JSON parameter: the statement's text is the same for every page.
        sql = (
            "SELECT m.conversation_id, snippet(inbox_message_fts, 0, %s, %s, '…', 24) "
            "FROM inbox_message_fts JOIN inbox_message m ON m.id = inbox_message_fts.rowid "
            "WHERE inbox_message_fts MATCH %s AND m.conversation_id IN (SELECT value FROM json_each(%s)) "
            "ORDER BY m.conversation_id, m.created_at DESC, m.id DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [START, STOP, _fts_match(terms), json.dumps(conversation_ids)])
            rows = cursor.fetchall()
        found: dict[int, SafeString] = {}
        for conversation_id, snippet in rows:
            found.setdefault(conversation_id, marked(snippet))
        return found
    found = {}
    rows = _like(terms).filter(conversation_id__in=conversation_ids).order_by("-created_at", "-id")
    for conversation_id, text in rows.values_list("conversation_id", "text"):
        if conversation_id not in found:
            found[conversation_id] = highlight(_around(text, terms), terms)
    return found


def _around(text: str, terms: list[str], width: int = 200) -> str:
    """Some of `text` around its first hit, as FTS5's snippet() would cut it."""
    first = min((p for p in (text.lower().find(term) for term in terms) if p >= 0), default=0)
    start = max(0, first - width // 3)
    return ("…" if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")


# --- Marking hits, safely -----------------------------------------------------------------------


def marked(snippet: str) -> SafeString:
    """A database snippet with START/STOP around its hits as escaped HTML with <mark> around them.
    Only this function writes markup; the text itself is always escaped."""
    out, inside = [], False
    for part in re.split(f"([{START}{STOP}])", snippet or ""):
        if part == START:
            if not inside:
                out.append("<mark>")
            inside = True
        elif part == STOP:
            if inside:
                out.append("</mark>")
            inside = False
        else:
            out.append(escape(part))
    if inside:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 (every piece of text above is escaped)


def highlight(text: str, needles: list[str]) -> SafeString:
    """`text` escaped, with every case-insensitive occurrence of the needles marked."""
    needles = [needle for needle in needles if needle]
    if not text or not needles:
        return escape(text or "")
    pattern = re.compile("|".join(re.escape(needle) for needle in needles), re.IGNORECASE)
    return marked(
        pattern.sub(lambda hit: f"{START}{hit.group(0)}{STOP}", text.replace(START, "").replace(STOP, ""))
    )


# --- The cursor -------------------------------------------------------------------------------


def search_cursor(row: Conversation) -> str:
    raw = f"{(row.last_message_at - _EPOCH) // _MICROSECOND}.{row.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def search_cursor_decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        micros, pk = raw.split(".")
        return _EPOCH + int(micros) * _MICROSECOND, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError) as exc:
        raise InvalidSearchCursor("This cursor is not one the search handed out.") from exc
