"""Calamity clusters: by topic, not by phrase."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from inbox.clusters import ClusterItem, cluster_conversations, cluster_texts, content_words, topic_words
from inbox.models import Conversation
from inbox.selectors.teamwork import conversation_clusters
from tests.conftest import SHARED, incoming, require


def test_content_words_drop_stopwords_mentions_and_links():
    assert content_words("@gemeente Er ligt een BOOM op de weg! https://t.co/x #stormschade") == frozenset(
        {"ligt", "boom", "weg", "stormschade"}
    )


def test_tweets_about_one_fallen_tree_form_one_cluster():
    items = [
        (1, "Er ligt een omgevallen boom op de Amsterdamsestraatweg"),
        (2, "Omgevallen boom Amsterdamsestraatweg, niemand kan erlangs @gemeente"),
        (3, "Boom omgevallen op de Amsterdamsestraatweg!! #storm"),
        (4, "Wanneer wordt het afval opgehaald in Overvecht?"),
        (5, "De lantaarnpaal bij mijn huis is kapot"),
        (6, "Grote boom omgevallen Amsterdamsestraatweg, fietspad geblokkeerd"),
    ]
    clusters = cluster_texts(items, threshold=0.5, min_size=3)
    assert [c.ids for c in clusters] == [[1, 2, 3, 6]]
    # A title as the citizens wrote it, not the stems the grouping uses ("omgevall").
    assert clusters[0].label == "Amsterdamsestraatweg: boom, omgevallen, erlangs"


def test_no_cluster_below_the_minimum_size_or_for_empty_texts():
    assert (
        cluster_texts(
            [(1, "boom omgevallen straat"), (2, "boom omgevallen straat"), (3, ""), (4, "")], min_size=3
        )
        == []
    )


CORPUS = SHARED / "corpus" / "messages.jsonl"
GENERIC_FOLLOW_UPS = [
    "Het probleem is nog steeds niet opgelost.",
    "Het probleem is nog steeds niet opgelost.",
    "Het probleem is nog steeds niet opgelost.",
    "hallo?",
    "Hallo??",
    "any update",
    "Any update?",
    "nog steeds niks gehoord",
    "Nog steeds niks gehoord...",
]
FIREWORKS_IN_ONE_STREET = [
    "Hele Kanaalstraat ligt vol vuurwerkafval, wie ruimt dit op?",
    "Overal vuurwerk in de Kanaalstraat, glas en hulzen op de stoep",
    "De Kanaalstraat is na oud en nieuw één grote vuurwerkpuinhoop #vuurwerkafval030",
    "Wanneer wordt het vuurwerkafval in de kanaalstraat opgeruimd?",
]


def test_generic_follow_ups_have_no_topic_and_never_cluster():
    assert {text: topic_words(text) for text in GENERIC_FOLLOW_UPS} == {
        text: frozenset() for text in GENERIC_FOLLOW_UPS
    }
    items = [ClusterItem(id=n, text=text, author=f"c{n}") for n, text in enumerate(GENERIC_FOLLOW_UPS)]
    assert cluster_conversations(items, min_size=2) == []


def test_one_citizen_writing_three_times_is_no_calamity():
    items = [ClusterItem(id=n, text="Boom omgevallen op de Biltstraat", author="same") for n in range(3)]
    assert cluster_conversations(items) == []


def test_the_same_street_only_links_within_hours_and_with_something_in_common():
    at = dt.datetime(2026, 1, 1, 10, 0, tzinfo=dt.UTC)
    fireworks = [
        ClusterItem(id=n, text=text, author=f"c{n}", at=at + dt.timedelta(minutes=40 * n))
        for n, text in enumerate(FIREWORKS_IN_ONE_STREET)
    ]
    parking = ClusterItem(
        id=10, text="Auto's parkeren elke avond op het fietspad in de Kanaalstraat", author="p", at=at
    )
    old = ClusterItem(
        id=11, text="Overal vuurwerk in de Kanaalstraat", author="o", at=at - dt.timedelta(days=1)
    )
    clusters = cluster_conversations([*fireworks, parking, old])
    assert [c.ids for c in clusters] == [[0, 1, 2, 3]]
    # Its title as people read it: the place as written, then what it is about (not stems).
    assert clusters[0].label.startswith("Kanaalstraat: vuurwerk")


def _thread(deliver, key, author, first, follow_up=None, at=None):
    at = at or timezone.now() - dt.timedelta(hours=2)
    items = [incoming(platform_id=f"{key}-1", thread_key=key, author_id=author, text=first, created_at=at)]
    if follow_up:
        items.append(
            incoming(
                platform_id=f"{key}-2",
                thread_key=key,
                author_id=author,
                text=follow_up,
                created_at=at + dt.timedelta(hours=1),
            )
        )
    deliver(*items)
    return Conversation.objects.get(thread_key=key).pk


def test_three_unrelated_citizens_still_waiting_are_not_one_cluster(deliver, agent):
    for key, author, first in [
        ("lamp", "anna", "De lantaarnpaal voor Biltstraat 12 is al een week kapot."),
        ("container", "bert", "Container aan de Marnixlaan zit vol, zakken ernaast."),
        ("tegel", "cor", "Losse stoeptegel op de Vleutenseweg, mijn moeder is gestruikeld."),
    ]:
        _thread(deliver, key, author, first, "Het probleem is nog steeds niet opgelost.")
    assert Conversation.objects.count() == 3

    assert conversation_clusters(user=agent) == []


def test_a_real_calamity_in_one_street_is_still_one_cluster(deliver, agent):
    start = timezone.now() - dt.timedelta(hours=3)
    ids = [
        _thread(deliver, f"fw{n}", f"buur{n}", text, at=start + dt.timedelta(minutes=30 * n))
        for n, text in enumerate(FIREWORKS_IN_ONE_STREET)
    ]
    _thread(
        deliver, "park", "piet", "Auto's parkeren elke avond op het fietspad in de Kanaalstraat", at=start
    )

    clusters = conversation_clusters(user=agent)

    assert [c.ids for c in clusters] == [sorted(ids)]


@pytest.fixture
def corpus():
    require(CORPUS.exists(), f"{CORPUS} is absent (a user's clone has no ../shared/; CI always has it)")
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_shared_corpus_clusters_by_topic_and_never_by_a_generic_phrase(corpus, deliver, agent):
    # The 240 messages (each its own conversation) over the last 48 hours, one every 12 minutes,
    # plus generic follow-ups from nine more citizens.
    start = timezone.now() - dt.timedelta(hours=47)
    deliver(
        *(
            incoming(
                platform_id=entry["id"],
                author_id=entry["author"]["handle"],
                author_handle=entry["author"]["handle"],
                text=entry["text"],
                created_at=start + dt.timedelta(minutes=12 * n),
            )
            for n, entry in enumerate(corpus)
        ),
        *(
            incoming(platform_id=f"generic-{n}", author_id=f"wachter{n}", text=text)
            for n, text in enumerate(GENERIC_FOLLOW_UPS)
        ),
    )
    category = {
        c.pk: next(e["labels"]["category"] for e in corpus if e["id"] == c.thread_key)
        for c in Conversation.objects.exclude(thread_key__startswith="generic-")
    }
    generic = set(Conversation.objects.filter(thread_key__startswith="generic-").values_list("pk", flat=True))

    clusters = conversation_clusters(user=agent)

    assert clusters, "the corpus's ice and fireworks-litter messages should form topic clusters"
    for cluster in clusters:
        assert not generic & set(cluster.ids)
        # One subject per cluster: its members carry one labelled category.
        assert len({category[pk] for pk in cluster.ids}) == 1, cluster
