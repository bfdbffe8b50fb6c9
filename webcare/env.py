"""Reading settings from the environment: flags, lists, key=value maps and per-platform seconds,
each refusing a malformed value with the variable's name (ImproperlyConfigured)."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_map(name: str, default: str = "") -> dict[str, str]:
    """`key=value,key=value` (values may contain `=`, e.g. URLs with a query) as a dict."""
    pairs = [item.split("=", 1) for item in env_list(name, default)]
    bad = [pair[0] for pair in pairs if len(pair) != 2 or not pair[0].strip()]
    if bad:
        raise ImproperlyConfigured(f"{name}: write it as key=value,key=value (not {bad[0]!r}).")
    return {key.strip(): value.strip() for key, value in pairs}


def env_seconds_per_platform(name: str) -> dict[str, float]:
    """ "90" (every platform) or "x=60,facebook=120" (per platform) → {"*": 90.0} / {"x": 60.0, ...}."""
    seconds = {}
    for item in env_list(name, ""):
        platform, _, value = item.rpartition("=")
        try:
            seconds[platform.strip() or "*"] = float(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not seconds (90, or x=60,facebook=120)"
            ) from None
    return seconds


def default_cache(redis_url: str, *, key_prefix: str) -> dict:
    """Django's default cache: Redis where there is one, else local memory (the embedded default, one
    web process); its keys carry the release either way (webcare/cache.py)."""
    if redis_url:
        return redis_cache(redis_url, key_prefix=key_prefix)
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_PREFIX": key_prefix,
        "KEY_FUNCTION": "webcare.cache.make_key",
    }


def redis_cache(location: str, *, key_prefix: str) -> dict:
    """Django's cache in Redis (django-redis), as every process shares it, its keys carrying the
    release (webcare/cache.py). A Redis that is down or slow costs time, never a page: each call
    waits at most a second, and a call that fails is logged (logger "webcare.cache") and answered
    as a miss, so what was cached is computed again."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": key_prefix,
        "KEY_FUNCTION": "webcare.cache.make_key",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1.0},
    }
