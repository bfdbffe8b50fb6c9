"""GET /healthz: database, broker, cache and each account's last poll, for operators. No personal data."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from inbox.selectors.channels import accounts_poll_state


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # any failure is the answer here
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    from webcare.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


def _cache_ok() -> tuple[bool, str]:
    """Whether the shared cache (Redis) answers. Away, every page still works, only slower (it is
    answered as a miss, webcare/env.py): degraded, not down. A process's own cache always answers."""
    from django.core.cache import caches
    from django_redis.cache import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return True, "ok"
    try:
        cache.client.get_client().ping()
        return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@never_cache
def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    cache_ok, cache_detail = _cache_ok()
    accounts = []
    if db_ok:
        for account in accounts_poll_state():
            accounts.append(
                {
                    "platform": account.platform,
                    "handle": account.handle,
                    "enabled": account.enabled,
                    # Never "ok" for an account that is not being polled.
                    "status": "stalled" if account.stalled else account.poll_status,
                    "last_polled_at": _iso(account.last_polled_at),
                    "next_poll_at": _iso(account.next_poll_at),
                    "polling_since": _iso(account.polling_since),
                    "stalled": account.stalled,
                }
            )
    troubled = [
        a
        for a in accounts
        if a["enabled"] and a["status"] in ("needs_reconnect", "error", "rate_limited", "stalled")
    ]
    status = "error" if not (db_ok and broker_ok) else ("degraded" if troubled or not cache_ok else "ok")
    body = {
        "status": status,
        "database": db_detail,
        "broker": broker_detail,
        "cache": cache_detail,
        "accounts": accounts,
    }
    return JsonResponse(body, status=503 if status == "error" else 200)
