"""The shared labelled corpus (240 realistic messages, some hostile) goes through ingest and the pages."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import Conversation, Message
from tests.conftest import SHARED, incoming, require

CORPUS = SHARED / "corpus" / "messages.jsonl"


@pytest.fixture
def corpus():
    require(CORPUS.exists(), f"{CORPUS} is absent (a user's clone has no ../shared/; CI always has it)")
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_whole_corpus_is_ingested_and_every_page_renders_escaped(corpus, deliver, client, agent):
    start = timezone.now() - dt.timedelta(hours=5)
    items = [
        incoming(
            platform_id=entry["id"],
            author_id=entry["author"]["handle"],
            author_handle=entry["author"]["handle"],
            author_name=entry["author"]["name"],
            text=entry["text"],
            kind=entry["kind"],
            is_private=entry["kind"] in {"dm", "messenger"},
            created_at=start + dt.timedelta(seconds=n),
            raw=entry,
        )
        for n, entry in enumerate(corpus)
    ]

    result = deliver(*items)

    assert result.created == len(corpus) == Message.objects.count()
    for entry in corpus:
        assert Message.objects.get(platform_id=entry["id"]).text == entry["text"].replace("\x00", "\ufffd")
    client.force_login(agent)
    queue = client.get(reverse("inbox:queue"))
    assert queue.status_code == 200
    assert "<script" not in queue.content.decode().split("</head>", 1)[1]
    for conversation_id in Conversation.objects.values_list("pk", flat=True):
        page = client.get(reverse("inbox:conversation", args=[conversation_id]))
        assert page.status_code == 200
        body = page.content.decode().split("</head>", 1)[1]
        assert "<script" not in body, f"unescaped script on conversation {conversation_id}"
