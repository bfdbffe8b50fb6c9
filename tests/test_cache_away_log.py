"""A Redis that is away is logged once a minute, not once a cache call (webcare.cache.CacheAwayLog on
the logger django-redis writes to, as settings.LOGGING configures it)."""

import logging

import pytest
from django.core.cache import cache

from tests.conftest import cache_away, cache_away_log_filters


@pytest.fixture
def away_log(settings):
    """The cache logger's filters, at the start of an outage."""
    cache_away(settings)
    found = cache_away_log_filters()
    assert found
    seconds = [f.seconds for f in found]
    yield found
    for f, before in zip(found, seconds, strict=True):
        f.seconds = before


def cache_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "webcare.cache"]


def test_a_minute_of_failed_cache_calls_is_one_line_with_its_traceback(away_log, caplog):
    with caplog.at_level(logging.WARNING):
        for n in range(30):
            assert cache.get(f"key-{n}") is None  # answered as a miss, as ever

    (line,) = cache_lines(caplog)
    assert line.exc_info is not None  # the first says why


def test_the_next_line_after_the_minute_counts_what_was_left_out(away_log, caplog):
    with caplog.at_level(logging.WARNING):
        for n in range(5):
            cache.set(f"key-{n}", n)
        for f in away_log:
            f.seconds = 0.0  # the minute is over
        cache.get("key-0")

    first, later = cache_lines(caplog)
    assert "and 4 more like it" in later.getMessage()
    assert "more like it" not in first.getMessage()
