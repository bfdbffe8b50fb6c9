"""Each process holds the routing rules until they change: with a cache every process shares, it
reads them once and again after a rule or a team is saved or deleted anywhere; with a cache of its
own, or one that does not answer, it reads them for every page of arrivals."""

import datetime as dt
import logging

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import Conversation
from tests.conftest import cache_away, incoming, require
from triage.models import RoutingRule
from triage.routing import HOLD_SECONDS, VERSION_KEY


def rule_reads(queries) -> int:
    return sum('FROM "triage_routingrule"' in q["sql"] for q in queries)


def team_of(thread: str) -> str:
    return Conversation.objects.get(thread_key=thread).team.slug


def arrive(deliver, thread: str):
    with CaptureQueriesContext(connection) as queries:
        deliver(incoming(platform_id=thread, text="Wanneer wordt het gft-afval opgehaald?"))
    return queries


def shared_cache_required(settings):
    require(
        settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
        "needs REDIS_URL: only a cache every process shares holds the rules between pages",
    )


def test_with_a_shared_cache_the_rules_are_read_once_until_one_is_saved(
    deliver, teams, settings, django_capture_on_commit_callbacks
):
    shared_cache_required(settings)
    arrive(deliver, "first")
    assert rule_reads(arrive(deliver, "second")) == 0

    with django_capture_on_commit_callbacks(execute=True):
        rule = RoutingRule.objects.create(name="Alles naar Oost", team=teams["oost"], position=1)
    assert rule_reads(arrive(deliver, "third")) == 1
    assert team_of("third") == "wijkbureau-oost"

    rule.delete()
    arrive(deliver, "fourth")
    assert (team_of("second"), team_of("fourth")) == ("kcc", "kcc")


def test_with_a_shared_cache_a_change_another_process_announces_is_read(deliver, teams, settings):
    shared_cache_required(settings)
    rule = RoutingRule.objects.create(name="Alles naar Oost", team=teams["oost"], position=1)
    arrive(deliver, "first")
    # Changed without a signal here, as if in another process: held until that one announces it.
    RoutingRule.objects.filter(pk=rule.pk).update(enabled=False)
    arrive(deliver, "held")
    cache.set(VERSION_KEY, "announced-elsewhere", timeout=None)
    arrive(deliver, "after")

    assert [team_of(t) for t in ("first", "held", "after")] == ["wijkbureau-oost", "wijkbureau-oost", "kcc"]


def test_with_a_cache_of_the_process_s_own_every_page_reads_the_rules(deliver, teams, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    rule = RoutingRule.objects.create(name="Alles naar Oost", team=teams["oost"], position=1)
    assert rule_reads(arrive(deliver, "first")) == 1
    RoutingRule.objects.filter(pk=rule.pk).update(enabled=False)  # as another process would
    assert rule_reads(arrive(deliver, "second")) == 1

    assert (team_of("first"), team_of("second")) == ("wijkbureau-oost", "kcc")


def test_a_cache_that_does_not_answer_costs_a_read_not_an_arrival(deliver, teams, settings, caplog):
    cache_away(settings)
    rule = RoutingRule.objects.create(name="Alles naar Oost", team=teams["oost"], position=1)
    with caplog.at_level(logging.ERROR, logger="webcare.cache"):
        assert rule_reads(arrive(deliver, "first")) == 1
        RoutingRule.objects.filter(pk=rule.pk).update(enabled=False)  # announced nowhere
        assert rule_reads(arrive(deliver, "second")) == 1  # nothing is held on a version never read

    assert (team_of("first"), team_of("second")) == ("wijkbureau-oost", "kcc")
    assert any(r.name == "webcare.cache" for r in caplog.records)


def test_with_a_shared_cache_the_rules_are_read_again_after_a_minute_whatever_it_says(
    deliver, teams, settings
):
    shared_cache_required(settings)
    rule = RoutingRule.objects.create(name="Alles naar Oost", team=teams["oost"], position=1)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        arrive(deliver, "first")
        RoutingRule.objects.filter(pk=rule.pk).update(enabled=False)  # announced nowhere
        traveller.shift(dt.timedelta(seconds=HOLD_SECONDS - 1))
        arrive(deliver, "held")
        traveller.shift(dt.timedelta(seconds=2))
        arrive(deliver, "after")

    assert [team_of(t) for t in ("first", "held", "after")] == ["wijkbureau-oost", "wijkbureau-oost", "kcc"]
