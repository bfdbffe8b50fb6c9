"""The queue's rows are rendered from what they show and cached under exactly that: an unchanged row is
not rendered again, any change shows at once (also one that bypasses the services and leaves the
conversation's version alone), a release that renders rows differently never shows the last one's, and
a cache that is down costs time, never the queue."""

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from inbox.models import Contact, Conversation
from inbox.services.claims import conversation_claim
from inbox.views.queue_rows import _age
from tests.conftest import cache_away, incoming

ROW_TEMPLATE = "inbox/_queue_row.html"


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def three(deliver):
    deliver(*[incoming(platform_id=f"r{n}", author_id=f"p{n}", author_name=f"Inwoner {n}") for n in range(3)])
    return list(Conversation.objects.order_by("pk"))


def rendered_rows(response) -> int:
    return sum(1 for template in response.templates if template.name == ROW_TEMPLATE)


def test_an_unchanged_row_is_not_rendered_again(agent_client, three, agent):
    first = agent_client.get(reverse("inbox:queue"))
    assert rendered_rows(first) == 3

    again = agent_client.get(reverse("inbox:queue"))
    assert rendered_rows(again) == 0
    assert again.content.decode().count("data-conversation=") == 3

    conversation_claim(conversation_id=three[1].pk, user=agent)
    after_claim = agent_client.get(reverse("inbox:queue"))
    assert rendered_rows(after_claim) == 1
    assert after_claim.content.decode().count("met Agent") == 1


def test_a_change_that_bypasses_the_services_shows_at_once(agent_client, three):
    agent_client.get(reverse("inbox:queue"))
    # An erasure renames the contact with a queryset update: the conversation's version stays.
    Contact.objects.filter(pk=three[0].contact_id).update(name="", handle="verwijderd-1")

    body = agent_client.get(reverse("inbox:queue")).content.decode()

    assert "Inwoner 0" not in body
    assert "@verwijderd-1" in body
    assert "Inwoner 1" in body


def test_each_language_has_its_own_rows(agent_client, three, settings):
    dutch = agent_client.get(reverse("inbox:queue")).content.decode()
    agent_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = agent_client.get(reverse("inbox:queue"))

    assert "zojuist" in dutch
    assert rendered_rows(english) == 3
    assert "zojuist" not in english.content.decode()
    assert "just now" in english.content.decode()


def test_a_cache_that_is_down_costs_time_not_the_queue(agent_client, three, settings, caplog):
    cache_away(settings)
    with caplog.at_level(logging.ERROR, logger="webcare.cache"):
        page = agent_client.get(reverse("inbox:queue"))

    assert page.status_code == 200
    assert page.content.decode().count("data-conversation=") == 3
    assert any(r.name == "webcare.cache" for r in caplog.records)  # the operator is told


def test_a_row_says_how_long_ago_the_citizen_wrote(agent_client, deliver):
    from tests.conftest import minutes_ago

    deliver(incoming(platform_id="old", author_id="o", created_at=minutes_ago(125)))

    body = agent_client.get(reverse("inbox:queue")).content.decode()

    assert "2\xa0uur, 5\xa0minuten geleden" in body  # Django keeps number and unit together


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_rows_age_says_what_timesince_says_at_every_length(language):
    # Ages under four weeks are said once per minute count; longer ones follow the calendar.
    now = dt.datetime(2026, 3, 30, 12, 0, 30, tzinfo=dt.UTC)  # a month with a DST change behind it
    lengths = [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=59, seconds=59),
        dt.timedelta(hours=2, minutes=5, seconds=7),
        dt.timedelta(days=3, hours=4),
        dt.timedelta(days=26, hours=23, minutes=59),
        dt.timedelta(days=27, minutes=1),
        dt.timedelta(days=45),
        dt.timedelta(days=400),
    ]
    with translation.override(language):
        for length in lengths:
            expected = _("%(age)s ago") % {"age": timesince(now - length, now)}
            assert _age(now - length, now) == expected, length
            assert _age(now - length, now) == expected, length  # and again, as remembered
        assert _age(now - dt.timedelta(seconds=59), now) == _("just now")
        assert _age(now + dt.timedelta(minutes=5), now) == _("just now")  # a platform clock ahead of ours


def test_a_wijkbureau_member_of_no_team_sees_an_empty_queue_not_an_error(client, make_user, three):
    nobody = make_user("wijkbureau", "oost")
    nobody.teams.clear()
    client.force_login(nobody)

    page = client.get(reverse("inbox:queue"))
    listed = client.get("/api/v1/conversations")

    assert page.status_code == 200 and rendered_rows(page) == 0
    assert listed.status_code == 200 and listed.json() == {"items": [], "next": None}


def test_a_release_that_renders_rows_differently_does_not_show_the_last_releases_rows(
    agent_client, three, settings, tmp_path, new_process
):
    """Processes of the next release share the cache with the last one's: a row template that
    changed is rendered anew, even where the cache holds the same values rendered by the old one."""
    project = Path(settings.TEMPLATES[0]["DIRS"][0])
    before, after = tmp_path / "before", tmp_path / "after"
    shutil.copytree(project, before)
    shutil.copytree(project, after)
    row = after / ROW_TEMPLATE
    row.write_text(row.read_text().replace("data-conversation=", 'data-release="next" data-conversation='))

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [before]}]
    first = agent_client.get(reverse("inbox:queue"))
    assert rendered_rows(first) == 3
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [after]}]
    new_process()
    upgraded = agent_client.get(reverse("inbox:queue"))

    assert rendered_rows(upgraded) == 3
    assert upgraded.content.decode().count('data-release="next"') == 3
    assert 'data-release="next"' not in first.content.decode()
