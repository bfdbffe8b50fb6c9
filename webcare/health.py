"""GET /healthz: database, broker and each account's last poll, for operators. No personal data."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from inbox.models import Account


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


@never_cache
def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    accounts = []
    if db_ok:
        for account in Account.objects.order_by("platform", "handle"):
            accounts.append(
                {
                    "platform": account.platform,
                    "handle": account.handle,
                    "enabled": account.enabled,
                    "status": account.poll_status,
                    "last_polled_at": account.last_polled_at.isoformat() if account.last_polled_at else None,
                    "next_poll_at": account.next_poll_at.isoformat() if account.next_poll_at else None,
                }
            )
    troubled = [
        a for a in accounts if a["enabled"] and a["status"] in ("needs_reconnect", "error", "rate_limited")
    ]
    status = "error" if not (db_ok and broker_ok) else ("degraded" if troubled else "ok")
    body = {
        "status": status,
        "database": db_detail,
        "broker": broker_detail,
        "accounts": accounts,
    }
    return JsonResponse(body, status=503 if status == "error" else 200)
