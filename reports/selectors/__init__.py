"""Every non-trivial read of the reports app: the day's figures (figures.py) and intake against
what is normal (intake.py). The names most callers need are importable from here."""

from .figures import (
    AGE_BUCKETS,
    RESPONSE_BUCKETS,
    Scope,
    data_version,
    day_bounds,
    day_figures,
    open_at,
    response_minutes,
    scopes_for_snapshot,
    trend,
)
from .intake import (
    HourBaseline,
    comparable_weeks,
    history_start,
    intake_per_hour,
    last_hour_intake,
    normal_hour_intake,
    peak_banner_alert,
    peak_began,
    typical_intake_per_hour,
)

__all__ = [
    "AGE_BUCKETS",
    "RESPONSE_BUCKETS",
    "HourBaseline",
    "Scope",
    "comparable_weeks",
    "data_version",
    "day_bounds",
    "day_figures",
    "history_start",
    "intake_per_hour",
    "last_hour_intake",
    "normal_hour_intake",
    "open_at",
    "peak_banner_alert",
    "peak_began",
    "response_minutes",
    "scopes_for_snapshot",
    "trend",
    "typical_intake_per_hour",
]
