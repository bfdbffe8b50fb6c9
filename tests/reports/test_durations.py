"""How long things took, said the way a reader would (dashboard tile, late-fetch note)."""

import datetime as dt

import pytest
from django.utils import translation

from inbox.templatetags.timing import rounded_delay
from reports.templatetags.figures import minutes_as_duration


@pytest.mark.parametrize(
    "minutes,said",
    [(None, ""), (0, "0 minuten"), (5, "5 minuten"), (60, "1 uur"), (104.5, "1 uur 44 minuten"), (1327, "22 uur"),
     (4332, "3 dagen"), (3000, "2 dagen 2 uur")],
)  # fmt: skip
def test_minutes_as_duration(minutes, said):
    with translation.override("nl"):
        assert minutes_as_duration(minutes) == said


@pytest.mark.parametrize(
    "delay,said",
    [(None, ""), (dt.timedelta(minutes=61), "1 uur"), (dt.timedelta(minutes=90), "2 uur"),
     (dt.timedelta(days=2, hours=19), "3 dagen"), (dt.timedelta(hours=20), "20 uur")],
)  # fmt: skip
def test_rounded_delay(delay, said):
    with translation.override("nl"):
        assert rounded_delay(delay) == said
