"""The Facebook webhook: checking deliveries, storing them, and turning them into messages (in a task).

Page fields ``feed`` (posts, comments, replies) and ``messages`` (Messenger). A delivery is
stored once (Facebook retries the same body) and processed by a task; polling remains the
catch-up path for anything a webhook missed.
"""

import hashlib
import hmac
import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from inbox.incoming import storable_text
from inbox.models import Account, Contact
from inbox.services.ingest import messages_ingest

from ..base import ChannelError
from ..models import WebhookDelivery
from ..webhooks import delivery_status_move
from . import items as parse
from .client import GraphClient

logger = logging.getLogger(__name__)

PROCESS_TASK = "channels.tasks.process_webhook_delivery"


def facebook_accounts():
    return Account.objects.filter(platform="facebook")


def verify_token_ok(token: str) -> bool:
    """Whether `token` is the verify token of one of the connected pages (constant-time compare)."""
    ok = False
    for credentials in facebook_accounts().values_list("credentials", flat=True):
        expected = (credentials or {}).get("verify_token") or ""
        if expected and hmac.compare_digest(expected.encode(), token.encode()):
            ok = True
    return ok


def page_ids(payload) -> list[str]:
    entries = payload.get("entry") if isinstance(payload, dict) else None
    if not isinstance(entries, list):
        return []
    return [str(entry["id"]) for entry in entries if isinstance(entry, dict) and entry.get("id")]


def signature_ok(body: bytes, header: str, app_secret: str) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256 of the raw body, keyed with the app secret."""
    if not app_secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def delivery_store(
    *, body: bytes, account: Account, pages: list[str] | None = None
) -> tuple[WebhookDelivery, bool]:
    """Store a checked delivery once; enqueue its processing after commit. Returns (delivery, new).

    `pages`: the page ids whose own app secret signed it (default: the account's); only their
    entries are ingested."""
    digest = hashlib.sha256(body).hexdigest()
    text = storable_text(body.decode("utf-8", errors="backslashreplace"))
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                platform="facebook",
                digest=digest,
                account=account,
                body=text,
                pages=pages or [account.handle],
            )
    except IntegrityError:
        return WebhookDelivery.objects.get(platform="facebook", digest=digest), False
    transaction.on_commit(lambda: enqueue_processing(delivery.pk))
    return delivery, True


def enqueue_processing(delivery_id: int) -> None:
    from celery import current_app

    try:
        current_app.signature(PROCESS_TASK, args=(delivery_id,)).apply_async()
    except Exception:
        # Stored all the same; the next poll catches up on its items.
        logger.exception("Could not enqueue webhook delivery %s", delivery_id)


# --- Processing (in the task) -------------------------------------------------------------------


def process_delivery(delivery_id: int) -> str:
    """Ingest a stored delivery's items. Safe twice: only a pending delivery is taken."""
    taken = delivery_status_move(
        delivery_id=delivery_id,
        expected=WebhookDelivery.Status.PENDING,
        new=WebhookDelivery.Status.PROCESSED,
        processed_at=timezone.now(),
    )
    if not taken:
        return "not pending"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    try:
        payload = json.loads(delivery.body)
        created = 0
        pages = set(delivery.pages) or ({delivery.account.handle} if delivery.account else set())
        for account, items in _items_per_account(payload, pages):
            created += messages_ingest(account_id=account.pk, items=items, cursor=None).created
    except Exception as exc:
        logger.exception("Webhook delivery %s failed; polling will catch up", delivery_id)
        delivery_status_move(
            delivery_id=delivery_id,
            expected=WebhookDelivery.Status.PROCESSED,
            new=WebhookDelivery.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return "failed"
    WebhookDelivery.objects.filter(pk=delivery_id).update(created_messages=created)
    return f"ok: {created} new"


def _items_per_account(payload, pages: set[str]):
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            logger.warning("Skipped a malformed webhook entry")
            continue
        if str(entry.get("id", "")) not in pages:
            logger.warning(
                "Webhook entry for page %r not signed with its own secret; ignored",
                str(entry.get("id", ""))[:50],
            )
            continue
        account = facebook_accounts().filter(handle=str(entry.get("id", ""))).first()
        if account is None:
            logger.warning("Webhook entry for unknown page %r ignored", str(entry.get("id", ""))[:50])
            continue
        found = []
        for change in entry.get("changes") or []:
            if isinstance(change, dict) and change.get("field") == "feed":
                item = _feed_item(account, change.get("value"))
                if item:
                    found.append(item)
        for event in entry.get("messaging") or []:
            item = _messaging_item(account, event)
            if item:
                found.append(item)
        if found:
            yield account, found


def _feed_item(account: Account, value):
    if not isinstance(value, dict):
        logger.warning("Skipped a malformed feed change")
        return None
    if value.get("verb") != "add":
        return None  # edits, removals and hides of items we may hold: the poll sees the current state
    page_id = account.handle
    kind = value.get("item")
    post_id = str(value.get("post_id") or "")
    if kind == "comment":
        comment_id = str(value.get("comment_id") or "")
        parent_id = str(value.get("parent_id") or "")
        if not comment_id or not post_id:
            logger.warning("Skipped a malformed comment change")
            return None
        item = {
            "id": comment_id,
            "message": value.get("message"),
            "created_time": value.get("created_time"),
            "from": value.get("from"),
        }
        if isinstance(value.get("photo"), str):  # a comment with a photo carries its address
            item["attachment"] = {"type": "photo", "media": {"image": {"src": value["photo"]}}}
        if parent_id and parent_id != post_id:
            item["parent"] = {"id": parent_id}
        thread_key = parse.comment_thread_key(account.pk, post_id, comment_id, parent_id)
        return parse.comment(page_id, post_id, item, thread_key=thread_key)
    if kind in ("status", "post", "photo", "video", "share"):
        post = {
            "id": post_id,
            "message": value.get("message"),
            "created_time": value.get("created_time"),
            "from": value.get("from"),
        }
        # A photo or video post carries the file's address (`link`), several photos in `photos`.
        links = [u for u in (value.get("photos") or []) if isinstance(u, str)]
        if not links and kind in ("photo", "video") and isinstance(value.get("link"), str):
            links = [value["link"]]
        if links:
            media_type = "video" if kind == "video" else "photo"
            post["attachments"] = {
                "data": [{"media_type": media_type, "media": {"image": {"src": u}, "source": u}} for u in links]
            }
        return parse.visitor_post(page_id, post)
    return None


def _sender_name(account: Account, psid: str) -> str:
    """Messenger webhooks carry only the page-scoped id: the name is known already, or asked once."""
    known = (
        Contact.objects.filter(platform="facebook", platform_user_id=psid)
        .values_list("name", flat=True)
        .first()
    )
    if known:
        return known
    try:
        profile = GraphClient((account.credentials or {}).get("page_token", "")).get(psid, fields="name")
    except ChannelError as exc:
        logger.info("No name for a Messenger sender: %s", exc)
        return ""
    return str(profile.get("name") or "")


def _messaging_item(account: Account, event):
    page_id = account.handle
    if not isinstance(event, dict) or not isinstance(event.get("message"), dict):
        return None  # deliveries, reads, postbacks: nothing to answer
    message = event["message"]
    sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
    recipient = event.get("recipient") if isinstance(event.get("recipient"), dict) else {}
    echo = bool(message.get("is_echo"))
    psid = str((recipient if echo else sender).get("id") or "")
    item = {
        "id": message.get("mid"),
        "message": message.get("text") or "",
        "attachments": message.get("attachments") if isinstance(message.get("attachments"), list) else [],
        "created_time": event.get("timestamp"),
        "from": {"id": page_id, "name": ""} if echo else {"id": psid, "name": _sender_name(account, psid)},
    }
    return parse.messenger_message(page_id, psid, item)
