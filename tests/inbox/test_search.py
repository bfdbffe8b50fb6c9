"""Searching conversations: by words (Dutch stemming on PostgreSQL, FTS5 on SQLite), name, handle and
case number; only what the person may see; hostile input; marked, escaped hits; paging at a fixed
query count; and the index following every write, bulk ingest and pseudonymising included."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.models import Account, Conversation, Message, Role
from inbox.search_schema import FTS_DROP_SQL, fts_available, search_index_ensure
from inbox.selectors import search as search_selectors
from inbox.selectors.search import conversations_search, highlight, marked, search_terms
from inbox.services.case_links import conversation_case_register
from inbox.services.claims import conversation_claim
from inbox.services.outbox import reply_queue
from privacy.services.pseudonymise import conversation_pseudonymise
from tests.conftest import incoming, require

POSTGRES = connection.vendor == "postgresql"  # every test runs on both; some assert per database


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def found(user, query, **kwargs) -> list[int]:
    return [hit.conversation.pk for hit in conversations_search(user=user, query=query, **kwargs).hits]


def conversation_of(platform_id: str) -> Conversation:
    return Message.objects.get(platform_id=platform_id).conversation


@pytest.fixture
def lamp(deliver):
    deliver(
        incoming(
            platform_id="lamp",
            author_id="c-lamp",
            author_handle="straatlicht_fan",
            author_name="Marieke de Vries",
            text="De lantaarnpaal voor Adelaarstraat 23 is al een week kapot.",
        )
    )
    return conversation_of("lamp")


@pytest.fixture
def tree(deliver):
    deliver(incoming(platform_id="tree", author_id="c-tree", text="Omgevallen boom op het fietspad."))
    return conversation_of("tree")


# --- What is found ------------------------------------------------------------------------------


def test_words_find_the_conversation_through_the_real_ingest_path(agent, lamp, tree):
    assert found(agent, "lantaarnpaal") == [lamp.pk]
    assert found(agent, "boom fietspad") == [tree.pk]
    assert found(agent, "Adelaarstraat kapot") == [lamp.pk]
    # Every word must be in one message; a word is a prefix ("lantaarn" is typed on the way).
    assert found(agent, "lantaarn") == [lamp.pk]
    assert found(agent, "boom kapot") == []


def test_dutch_stemming_on_postgresql(agent, lamp, tree):
    if not POSTGRES:  # SQLite's FTS5 has no Dutch stemmer: a word is only a prefix there
        assert found(agent, "lantaarnpalen") == []
        assert found(agent, "lantaarnpa") == [lamp.pk]
        return
    assert found(agent, "lantaarnpalen") == [lamp.pk]
    assert found(agent, "fietspaden") == [tree.pk]
    assert found(agent, "bomen") == [tree.pk]
    assert found(agent, "weken kapotte") == [lamp.pk]
    assert found(agent, "bomen kapot") == []


def test_a_handle_a_name_and_a_case_number(agent, lamp, tree):
    assert found(agent, "@straatlicht_fan") == [lamp.pk]
    assert found(agent, "straatlicht") == [lamp.pk]
    assert found(agent, "marieke de vries") == [lamp.pk]
    case = conversation_case_register(
        conversation_id=tree.pk, user=agent, category="groen", description="Boom", location="Fietspad"
    )
    assert found(agent, case.number) == [tree.pk]
    assert found(agent, f"{case.year}-{case.sequence:07d}") == [tree.pk]


def test_agents_replies_are_found_too(agent, lamp):
    conversation_claim(conversation_id=lamp.pk, user=agent)
    reply_queue(conversation_id=lamp.pk, user=agent, text="We sturen een monteur langs.")
    assert found(agent, "monteur") == [lamp.pk]


def test_a_wijkbureau_user_finds_only_their_teams_conversations(make_user, teams, deliver, lamp):
    oost = Account.objects.create(platform="sandbox", handle="WijkbureauOost", team=teams["oost"])
    deliver(
        incoming(platform_id="oost-lamp", author_id="c-oost", text="Lantaarnpaal kapot in Oost."), to=oost
    )
    theirs = conversation_of("oost-lamp")
    Conversation.objects.filter(pk=theirs.pk).update(team=teams["oost"])
    wijk = make_user(Role.WIJKBUREAU, team="oost", username="fatima")
    assert found(wijk, "lantaarnpaal") == [theirs.pk]
    assert found(wijk, "Marieke") == []
    case = conversation_case_register(
        conversation_id=lamp.pk, user=make_user(Role.AGENT), category="verlichting", description="Lamp"
    )
    assert found(wijk, case.number) == []
    # The case number of a case they may not see is no way in either: the page lists nothing.
    response = _client_for(wijk).get(reverse("inbox:search"), {"q": case.number})
    assert response.status_code == 200
    assert 'data-testid="search-empty"' in response.content.decode()


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


HOSTILE = [
    '"',
    "a & | !",
    "'",
    "\\",
    "*",
    ":*",
    "(",
    ")",
    "&",
    "!!",
    "<->",
    "a:b",
    "OR",
    "NEAR(",
    "--",
    "%",
    "_",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_operators_and_quotes_never_break_the_search(agent_client, agent, lamp, query):
    response = agent_client.get(reverse("inbox:search"), {"q": query})
    assert response.status_code == 200
    assert found(agent, query) in ([], [lamp.pk])


def test_search_terms_are_words_only():
    assert search_terms('a & | ! "kapot" lamp:* (boom)') == ["a", "kapot", "lamp", "boom"]
    assert search_terms('"') == []
    assert len(search_terms(" ".join(f"w{n}" for n in range(30)))) == 8


# --- Marked, and escaped ------------------------------------------------------------------------


def test_hits_are_marked_and_hostile_text_stays_text(agent_client, deliver):
    deliver(
        incoming(
            platform_id="evil",
            author_id="c-evil",
            author_name="<b>Boef</b>",
            text='<img src=x onerror=alert(1)> De fietsenrekken <script>alert("x")</script> zijn vol.',
        )
    )
    body = agent_client.get(reverse("inbox:search"), {"q": "fietsenrekken"}).content.decode()
    assert "<mark>fietsenrekken</mark>" in body
    assert "<img src=x" not in body
    assert "<script>alert" not in body
    assert "<b>Boef</b>" not in body
    assert "&lt;b&gt;Boef&lt;/b&gt;" in body
    body = agent_client.get(reverse("inbox:search"), {"q": "Boef"}).content.decode()
    assert "&lt;b&gt;<mark>Boef</mark>&lt;/b&gt;" in body


def test_marking_never_makes_markup_from_the_text():
    assert marked("a <b>\ue000hit\ue001</b>") == "a &lt;b&gt;<mark>hit</mark>&lt;/b&gt;"
    # Stray markers in a citizen's text: balanced marks, still escaped.
    assert marked("\ue001x\ue000\ue000<i>") == "x<mark>&lt;i&gt;</mark>"
    assert highlight("<Jan> & jan", ["jan"]) == "&lt;<mark>Jan</mark>&gt; &amp; <mark>jan</mark>"
    assert highlight("a\ue000b", ["zz"]) == "ab"


# --- The exact case number, the page, paging ----------------------------------------------------


def test_an_exact_case_number_opens_the_case(agent_client, agent, lamp):
    case = conversation_case_register(
        conversation_id=lamp.pk, user=agent, category="verlichting", description="x"
    )
    response = agent_client.get(reverse("inbox:search"), {"q": f" {case.number.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])


def test_the_page_lists_contact_state_team_date_and_links_the_conversation(agent_client, lamp):
    body = agent_client.get(reverse("inbox:search"), {"q": "kapot"}).content.decode()
    assert f'href="{reverse("inbox:conversation", args=[lamp.pk])}"' in body
    assert "Marieke de Vries" in body
    assert "@<bdi>straatlicht_fan</bdi>" in body
    assert '<span class="state state-new">Nieuw</span>' in body
    assert '<span class="visually-hidden">Team:</span> KCC</span>' in body
    assert f'datetime="{lamp.last_message_at.isoformat()}"' in body
    assert "De lantaarnpaal voor Adelaarstraat 23 is al een week <mark>kapot</mark>" in body


def test_the_top_bar_box_searches(agent_client, db):
    body = agent_client.get(reverse("inbox:queue")).content.decode()
    assert f'action="{reverse("inbox:search")}"' in body
    assert 'aria-label="Gesprekken en zaken zoeken"' in body


def test_nothing_found_and_no_query(agent_client, db):
    body = agent_client.get(reverse("inbox:search"), {"q": "<onzin>"}).content.decode()
    assert "Niets gevonden voor “&lt;onzin&gt;”." in body
    assert agent_client.get(reverse("inbox:search")).status_code == 200
    assert agent_client.get(reverse("inbox:search"), {"q": "x", "after": "kapot!"}).status_code == 400


def _many(deliver, n: int, start: int = 0) -> None:
    now = timezone.now()
    deliver(
        *[
            incoming(
                platform_id=f"pot-{i}",
                author_id=f"c-pot-{i}",
                author_name=f"Burger {i}",
                text=f"Gat in de weg nummer {i}, een flinke kuil.",
                created_at=now - dt.timedelta(minutes=i),
            )
            for i in range(start, start + n)
        ]
    )


def test_newest_first_a_page_at_a_time_without_gaps_or_repeats(agent, deliver):
    _many(deliver, 45)
    expected = list(Conversation.objects.order_by("-last_message_at", "-pk").values_list("pk", flat=True))
    first = conversations_search(user=agent, query="kuil")
    assert [h.conversation.pk for h in first.hits] == expected[:20]
    second = conversations_search(user=agent, query="kuil", after=first.next)
    third = conversations_search(user=agent, query="kuil", after=second.next)
    assert [h.conversation.pk for h in second.hits] == expected[20:40]
    assert [h.conversation.pk for h in third.hits] == expected[40:]
    assert third.next == ""


def test_more_results_with_htmx_renders_just_the_next_hits(agent_client, deliver):
    _many(deliver, 25)
    body = agent_client.get(reverse("inbox:search"), {"q": "kuil"}).content.decode()
    assert body.count('class="search-hit"') == 20
    page = agent_client.get(reverse("inbox:search"), {"q": "kuil"})
    after = page.context["page"].next
    more = agent_client.get(reverse("inbox:search"), {"q": "kuil", "after": after}, HTTP_HX_REQUEST="true")
    text = more.content.decode()
    assert text.count('class="search-hit"') == 5
    assert "<html" not in text and 'id="search-more"' not in text


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("inbox:search"), {"q": query}).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_results(agent_client, deliver):
    _many(deliver, 2)
    few = _queries(agent_client, "kuil")
    _many(deliver, 18, start=2)
    assert _queries(agent_client, "kuil") == few


# --- The index follows every write ---------------------------------------------------------------


def test_a_pseudonymised_conversation_is_not_found_by_its_old_text(agent, lamp, tree):
    conversation_pseudonymise(lamp, why="test")
    assert found(agent, "lantaarnpaal") == []
    assert found(agent, "Adelaarstraat") == []
    assert found(agent, "boom") == [tree.pk]


def test_a_changed_and_a_deleted_message_follow_in_the_index(agent, lamp, tree):
    Message.objects.filter(conversation=tree).update(text="Nu gaat het over een bankje.")
    assert found(agent, "boom") == []
    assert found(agent, "bankje") == [tree.pk]
    lamp.messages.all().delete()
    assert found(agent, "lantaarnpaal") == []


def test_the_index_is_made_again_when_lost(agent, lamp, deliver):
    """On SQLite a migration that rebuilds inbox_message drops the FTS triggers; on PostgreSQL the
    GIN index could be dropped by hand. After `migrate` (search_index_ensure) all is back."""
    with connection.cursor() as cursor:
        if POSTGRES:  # the test's transaction holds deferred checks, which an index change refuses
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DROP INDEX message_search_idx")
        else:
            for sql in FTS_DROP_SQL[:3]:
                cursor.execute(sql)
    deliver(incoming(platform_id="late", author_id="c-late", text="Zwerfvuil bij de glasbak."))
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    search_index_ensure(connection)
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'message_search_idx'")
            assert "USING gin (to_tsvector('dutch'::regconfig" in cursor.fetchone()[0]
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'inbox_message_fts%'"
            )
            assert cursor.fetchone()[0] == 3
    assert found(agent, "zwerfvuil") == [conversation_of("late").pk]
    assert found(agent, "lantaarnpaal") == [lamp.pk]


def test_without_a_full_text_index_the_search_falls_back_to_like(agent, lamp, monkeypatch, caplog):
    monkeypatch.setattr(search_selectors, "_backend", lambda: "like")
    hits = conversations_search(user=agent, query="kapot adelaar").hits
    assert [h.conversation.pk for h in hits] == [lamp.pk]
    assert "<mark>Adelaar</mark>straat" in hits[0].snippet
    assert found(agent, "kapot boom") == []
    monkeypatch.setattr(search_selectors, "_like_notice_given", False)
    assert search_selectors.backend_choose("sqlite", False) == "like"
    assert search_selectors.backend_choose("sqlite", False) == "like"
    assert caplog.text.count("search reads the texts with LIKE") == 1
    assert search_selectors.backend_choose("sqlite", True) == "fts5"
    assert fts_available(connection) is not POSTGRES


def test_postgresql_answers_a_search_from_the_gin_index(agent, lamp):
    require(POSTGRES, "EXPLAIN of the search's GIN index needs PostgreSQL")
    words = search_selectors._documents().filter(document=search_selectors._tsquery(["lantaarnpalen"]))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be read whole otherwise
        sql, params = words.values("conversation_id").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "message_search_idx" in plan, plan
