"""Every write to conversations, messages and accounts. One transaction and one timeline event each."""

import datetime as dt
import json
import logging
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .incoming import IncomingMessage, IngestResult, raw_json, storable_text
from .models import Account, ApiToken, Contact, Conversation, Event, Message, MonitoringHit, Team
from .platforms import reply_rules
from .tokens import hash_token, new_token_key
from .workflow import TODO_STATES, State, check_transition

logger = logging.getLogger(__name__)

SEND_REPLY_TASK = "channels.tasks.send_reply"


class ServiceError(Exception):
    """A refusal with a message fit to show the user."""


class AlreadyClaimed(ServiceError):
    pass


class ReplyInvalid(ServiceError):
    pass


class OutdatedThread(ServiceError):
    pass


def _event(conversation, *, kind, actor=None, from_state="", to_state="", **data) -> Event:
    return Event.objects.create(
        conversation=conversation, actor=actor, kind=kind, from_state=from_state, to_state=to_state, data=data
    )


def _transition(conversation: Conversation, new_state: str, *, kind: str, actor=None, **data) -> Event:
    old_state = conversation.state
    check_transition(old_state, new_state)
    conversation.state = new_state
    if new_state == State.CLOSED:
        conversation.closed_at = timezone.now()
    elif old_state == State.CLOSED:
        conversation.closed_at = None
    return _event(conversation, kind=kind, actor=actor, from_state=old_state, to_state=new_state, **data)


def _locked(conversation_id: int) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation_id)


# --- Ingest -------------------------------------------------------------------------------------


@transaction.atomic
def messages_ingest(
    *, account_id: int, items: Sequence[IncomingMessage], cursor: str | None, warning: str = ""
) -> IngestResult:
    """Store new platform items and move the account's cursor, all in one transaction.

    Re-delivered items are skipped (unique on account + platform id), so a repeated poll after a
    crash creates nothing twice; a crash before commit leaves the old cursor, so nothing is lost.
    `cursor=None` (a webhook delivery) stores the items and leaves the account's poll state alone.
    """
    account = Account.objects.select_for_update().get(pk=account_id)
    ids = {item.platform_id for item in items}
    known = set(
        Message.objects.filter(account=account, platform_id__in=ids).values_list("platform_id", flat=True)
    )
    created = opened = skipped = 0
    seen: set[str] = set()
    for item in sorted(items, key=lambda i: i.created_at):
        if item.platform_id in known or item.platform_id in seen:
            continue
        seen.add(item.platform_id)
        conversation, is_new = _conversation_for(account, item)
        if conversation is None:
            skipped += 1
            continue
        _message_store(account, conversation, item)
        created += 1
        opened += is_new
    result = IngestResult(
        created=created,
        duplicates=len(items) - created - skipped,
        conversations_opened=opened,
        skipped=skipped,
    )
    if cursor is None:
        return result
    now = timezone.now()
    account.cursor = cursor
    account.last_polled_at = now
    account.next_poll_at = now + dt.timedelta(seconds=account.poll_interval_seconds)
    account.poll_status = Account.PollStatus.OK
    account.poll_error = ""
    fields = ["cursor", "last_polled_at", "next_poll_at", "poll_status", "poll_error"]
    if warning:
        # Kept until an admin reconnects the account: a gap does not heal by itself.
        account.poll_warning = f"{timezone.localtime(now):%Y-%m-%d %H:%M}: {storable_text(warning)[:1900]}"
        fields.append("poll_warning")
    account.save(update_fields=fields)
    return result


def _contact_for(account: Account, item: IncomingMessage) -> Contact:
    handle, name = storable_text(item.author_handle)[:200], storable_text(item.author_name)[:500]
    contact, created = Contact.objects.get_or_create(
        platform=account.platform,
        platform_user_id=storable_text(item.author_id)[:100],
        defaults={"handle": handle, "name": name},
    )
    if not created and (contact.handle, contact.name) != (handle, name) and (handle or name):
        contact.handle, contact.name = handle or contact.handle, name or contact.name
        contact.save(update_fields=["handle", "name"])
    return contact


def _conversation_for(account: Account, item: IncomingMessage) -> tuple[Conversation | None, bool]:
    """The conversation an item joins: the one it replies to, else its thread's latest one."""
    conversation = None
    if item.in_reply_to:
        parent = (
            Message.objects.filter(account=account, platform_id=item.in_reply_to)
            .select_related("conversation")
            .first()
        )
        conversation = parent.conversation if parent else None
    if conversation is None:
        conversation = (
            Conversation.objects.filter(account=account, thread_key=item.thread_key).order_by("-pk").first()
        )
    reopen_after = timezone.now() - dt.timedelta(days=settings.INBOX_REOPEN_WINDOW_DAYS)
    if conversation is not None:
        conversation = _locked(conversation.pk)
        if conversation.state != State.CLOSED or item.outbound or conversation.closed_at >= reopen_after:
            return conversation, False
    if item.outbound:
        # The account's own posts never open a conversation.
        return None, False
    contact = _contact_for(account, item)
    conversation = Conversation.objects.create(
        account=account,
        contact=contact,
        thread_key=item.thread_key,
        is_private=item.is_private,
        team=account.team,
        due_at=deadlines.due_at(item.created_at),
        last_message_at=item.created_at,
    )
    # Triage suggestions, urgent priority and routing to a team (the triage app); on the first event.
    from triage.services import conversation_triage_on_arrival

    triaged = conversation_triage_on_arrival(conversation=conversation, text=storable_text(item.text))
    _event(conversation, kind=Event.Kind.CREATED, to_state=State.NEW, account=account.handle, **triaged)
    return conversation, True


def _message_store(account: Account, conversation: Conversation, item: IncomingMessage) -> Message:
    message = Message.objects.create(
        conversation=conversation,
        account=account,
        direction=Message.Direction.OUTBOUND if item.outbound else Message.Direction.INBOUND,
        platform_id=item.platform_id,
        in_reply_to_platform_id=storable_text(item.in_reply_to)[:100],
        kind=item.kind,
        text=storable_text(item.text),
        media=item.media,
        author_name=storable_text(item.author_name or item.author_handle)[:500],
        created_at=item.created_at,
        raw=raw_json(item.raw),
        send_status=Message.SendStatus.SENT if item.outbound else "",
    )
    conversation.last_message_at = max(conversation.last_message_at, item.created_at)
    if item.outbound:
        # Answered outside the inbox (the phone app, say): record it as our answer.
        conversation.first_response_at = conversation.first_response_at or item.created_at
        if conversation.state in TODO_STATES:
            _transition(conversation, State.ANSWERED, kind=Event.Kind.REPLY_SENT, via="platform")
    elif conversation.state in (State.ANSWERED, State.CLOSED):
        kind = Event.Kind.REOPENED if conversation.state == State.CLOSED else Event.Kind.CITIZEN_WROTE
        _transition(conversation, State.OPEN, kind=kind, message=item.platform_id)
        conversation.due_at = deadlines.due_at(item.created_at, urgent=conversation.priority > 0)
    conversation.save()
    if not item.outbound:
        # A message naming a known case number links its conversation to that case (issue 6).
        from .services_cases import cases_link_named

        cases_link_named(conversation=conversation, message=message)
    return message


# --- Monitoring ---------------------------------------------------------------------------------


def monitoring_hits_record(*, account_id: int, query: str, items: Sequence[IncomingMessage]) -> int:
    """Keep what a monitoring query found, out of the queue. Safe to repeat: known hits are skipped."""
    hits = [
        MonitoringHit(
            account_id=account_id,
            query=storable_text(query)[:500],
            platform_id=storable_text(item.platform_id)[:100],
            thread_key=storable_text(item.thread_key)[:200],
            author_id=storable_text(item.author_id)[:100],
            author_handle=storable_text(item.author_handle)[:200],
            author_name=storable_text(item.author_name)[:500],
            text=storable_text(item.text),
            media=item.media,
            created_at=item.created_at,
            raw=raw_json(item.raw),
        )
        for item in items
    ]
    if not hits:
        return 0
    known = set(
        MonitoringHit.objects.filter(
            account_id=account_id, platform_id__in=[hit.platform_id for hit in hits]
        ).values_list("platform_id", flat=True)
    )
    MonitoringHit.objects.bulk_create(hits, ignore_conflicts=True)
    return len({hit.platform_id for hit in hits} - known)


def _hit_for_decision(hit_id: int) -> MonitoringHit:
    hit = MonitoringHit.objects.select_for_update().select_related("account").get(pk=hit_id)
    if hit.state != MonitoringHit.State.NEW:
        raise ServiceError(
            _("Someone already decided on this post (%(state)s).") % {"state": hit.get_state_display()}
        )
    return hit


@transaction.atomic
def monitoring_hit_promote(*, hit_id: int, user: AbstractBaseUser) -> Conversation:
    """Put a monitoring hit in the queue as a conversation (or the one its thread already has).

    Nothing is sent: an agent decides whether and how to answer.
    """
    hit = _hit_for_decision(hit_id)
    account = hit.account
    item = IncomingMessage(
        platform_id=hit.platform_id,
        thread_key=hit.thread_key,
        author_id=hit.author_id,
        author_handle=hit.author_handle,
        author_name=hit.author_name,
        text=hit.text,
        created_at=hit.created_at,
        kind="monitoring",
        media=hit.media,
        raw=json.loads(hit.raw) if hit.raw else {},
    )
    known = Message.objects.filter(account=account, platform_id=hit.platform_id).first()
    conversation = (
        known.conversation
        if known
        else (
            Conversation.objects.filter(account=account, thread_key=hit.thread_key)
            .exclude(state=State.CLOSED)
            .order_by("-pk")
            .first()
        )
    )
    if conversation is None:
        conversation = Conversation.objects.create(
            account=account,
            contact=_contact_for(account, item),
            thread_key=hit.thread_key,
            team=account.team,
            due_at=deadlines.due_at(timezone.now()),
            last_message_at=hit.created_at,
        )
        _event(
            conversation,
            kind=Event.Kind.PROMOTED,
            actor=user,
            to_state=State.NEW,
            query=hit.query,
            hit=hit.pk,
        )
    else:
        conversation = _locked(conversation.pk)
        _event(conversation, kind=Event.Kind.PROMOTED, actor=user, query=hit.query, hit=hit.pk)
    if known is None:
        _message_store(account, conversation, item)
    conversation.save()
    hit.state = MonitoringHit.State.PROMOTED
    hit.decided_by, hit.decided_at, hit.conversation = user, timezone.now(), conversation
    hit.save(update_fields=["state", "decided_by", "decided_at", "conversation"])
    return conversation


@transaction.atomic
def monitoring_hit_dismiss(*, hit_id: int, user: AbstractBaseUser) -> MonitoringHit:
    hit = _hit_for_decision(hit_id)
    hit.state = MonitoringHit.State.DISMISSED
    hit.decided_by, hit.decided_at = user, timezone.now()
    hit.save(update_fields=["state", "decided_by", "decided_at"])
    return hit


# --- Claiming -----------------------------------------------------------------------------------


@transaction.atomic
def conversation_claim(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    conversation = _locked(conversation_id)
    if conversation.assignee_id == user.pk:
        return conversation
    if conversation.assignee_id is not None:
        raise AlreadyClaimed(
            _("%(name)s is already working on this conversation.")
            % {"name": conversation.assignee.get_full_name() or conversation.assignee.get_username()}
        )
    if conversation.state == State.CLOSED:
        raise ServiceError(_("This conversation is closed; reopen it first."))
    conversation.assignee = user
    if conversation.state == State.NEW:
        _transition(conversation, State.OPEN, kind=Event.Kind.CLAIMED, actor=user)
    else:
        _event(conversation, kind=Event.Kind.CLAIMED, actor=user)
    conversation.save()
    return conversation


@transaction.atomic
def conversation_release(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    conversation = _locked(conversation_id)
    if conversation.assignee_id is None:
        return conversation
    if conversation.assignee_id != user.pk and not user.is_superuser:
        raise ServiceError(_("Only the person working on this conversation can release it."))
    previous = conversation.assignee.get_username()
    conversation.assignee = None
    _event(conversation, kind=Event.Kind.RELEASED, actor=user, previous=previous)
    conversation.save()
    return conversation


@transaction.atomic
def conversation_take_next(*, user: AbstractBaseUser, candidates) -> Conversation | None:
    """Claim the most urgent unassigned conversation of `candidates` (a queryset the user may see).

    Rows another agent is taking right now are skipped rather than waited for, so two agents
    pressing "take next" at once never get the same conversation.
    """
    from .selectors import QUEUE_ORDER

    conversation = (
        candidates.filter(assignee__isnull=True, state__in=TODO_STATES)
        .order_by(*QUEUE_ORDER)
        .select_for_update(skip_locked=True, of=("self",))
        .first()
    )
    if conversation is None:
        return None
    return conversation_claim(conversation_id=conversation.pk, user=user)


# --- Replies (the outbox) -----------------------------------------------------------------------


@transaction.atomic
def reply_queue(
    *,
    conversation_id: int,
    user: AbstractBaseUser,
    text: str,
    private: bool = False,
    last_seen_message_id: int | None = None,
) -> Message:
    """Save a reply as queued and have a task send it after commit.

    `private`: answer a public comment with a private message, where the platform allows it.
    `last_seen_message_id`: the newest message the writer saw; if the citizen wrote after it, the
    reply is refused (it may no longer fit), and the writer keeps their text.
    """
    conversation = _locked(conversation_id)
    if last_seen_message_id is not None:
        newer = conversation.messages.filter(direction=Message.Direction.INBOUND, pk__gt=last_seen_message_id)
        if newer.exists():
            raise OutdatedThread(
                _(
                    "The citizen wrote again while you were writing. Read the new message first; "
                    "your text has been kept and was not sent."
                )
            )
    text = storable_text(text).strip()
    rules = reply_rules(conversation.account.platform)
    if not text:
        raise ReplyInvalid(_("The reply is empty."))
    length = rules.count(text)
    if length > rules.max_length:
        raise ReplyInvalid(
            _("The reply is %(length)d characters; this channel allows %(max)d.")
            % {"length": length, "max": rules.max_length}
        )
    if conversation.state == State.CLOSED:
        raise ReplyInvalid(_("This conversation is closed; reopen it first."))
    if refusal := rules.refusal_for(conversation):
        raise ReplyInvalid(refusal)
    private_target = rules.private_reply_target(conversation) if private else ""
    if private and not private_target:
        raise ReplyInvalid(_("A private reply is not possible in this conversation (any more)."))
    if conversation.assignee_id not in (None, user.pk):
        raise AlreadyClaimed(
            _("%(name)s is working on this conversation; only they can reply.")
            % {"name": conversation.assignee.get_full_name() or conversation.assignee.get_username()}
        )
    if conversation.assignee_id is None:
        conversation.assignee = user
        _event(conversation, kind=Event.Kind.CLAIMED, actor=user)
    last_inbound = (
        conversation.messages.filter(direction=Message.Direction.INBOUND).order_by("-created_at").first()
    )
    message = Message.objects.create(
        conversation=conversation,
        account=conversation.account,
        direction=Message.Direction.OUTBOUND,
        in_reply_to_platform_id=private_target or (last_inbound.platform_id if last_inbound else ""),
        kind="private_reply" if private_target else "",
        text=text,
        author_name=user.get_full_name() or user.get_username(),
        sent_by=user,
        created_at=timezone.now(),
        send_status=Message.SendStatus.QUEUED,
    )
    if conversation.state in TODO_STATES:
        _transition(
            conversation, State.ANSWERED, kind=Event.Kind.REPLY_QUEUED, actor=user, message=message.pk
        )
    else:
        _event(conversation, kind=Event.Kind.REPLY_QUEUED, actor=user, message=message.pk)
    conversation.save()
    transaction.on_commit(lambda: enqueue_send(message.pk))
    return message


def enqueue_send(message_id: int) -> None:
    """Hand a queued reply to the sending task; if the broker is down, send_pending catches up."""
    from celery import current_app

    try:
        current_app.signature(SEND_REPLY_TASK, args=(message_id,)).apply_async()
    except Exception:
        logger.exception("Could not enqueue reply %s; send_pending will pick it up", message_id)


def reply_start_sending(*, message_id: int) -> Message | None:
    """Move a queued reply to sending; None when it is not queued (sent already, or being sent)."""
    updated = Message.objects.filter(pk=message_id, send_status=Message.SendStatus.QUEUED).update(
        send_status=Message.SendStatus.SENDING,
        send_started_at=timezone.now(),
        send_attempts=F("send_attempts") + 1,
    )
    if not updated:
        return None
    return Message.objects.select_related("account", "conversation").get(pk=message_id)


@transaction.atomic
def reply_mark_sent(*, message_id: int, platform_id: str) -> Message:
    message = Message.objects.select_for_update().get(pk=message_id)
    conversation = _locked(message.conversation_id)
    now = timezone.now()
    message.send_status = Message.SendStatus.SENT
    message.send_error = ""
    message.platform_id = platform_id
    message.created_at = now
    message.save(update_fields=["send_status", "send_error", "platform_id", "created_at"])
    conversation.first_response_at = conversation.first_response_at or now
    conversation.last_message_at = max(conversation.last_message_at, now)
    _event(conversation, kind=Event.Kind.REPLY_SENT, message=message.pk, platform_id=platform_id)
    conversation.save()
    return message


@transaction.atomic
def reply_mark_failed(*, message_id: int, error: str, will_retry: bool = False) -> Message:
    """Record a failed attempt: back to queued when the task retries, else failed for a person."""
    message = Message.objects.select_for_update().get(pk=message_id)
    conversation = _locked(message.conversation_id)
    message.send_status = Message.SendStatus.QUEUED if will_retry else Message.SendStatus.FAILED
    message.send_error = storable_text(error)[:2000]
    message.save(update_fields=["send_status", "send_error"])
    if not will_retry:
        _event(conversation, kind=Event.Kind.REPLY_FAILED, message=message.pk, error=message.send_error)
    conversation.save()
    return message


@transaction.atomic
def reply_retry(*, message_id: int, user: AbstractBaseUser) -> Message:
    message = Message.objects.select_for_update().get(pk=message_id)
    if message.send_status != Message.SendStatus.FAILED:
        raise ServiceError(_("Only a failed reply can be retried."))
    conversation = _locked(message.conversation_id)
    message.send_status = Message.SendStatus.QUEUED
    message.save(update_fields=["send_status"])
    _event(conversation, kind=Event.Kind.REPLY_RETRIED, actor=user, message=message.pk)
    conversation.save()
    transaction.on_commit(lambda: enqueue_send(message.pk))
    return message


def replies_stale_sending_fail() -> int:
    """Replies stuck in 'sending' (a worker died mid-call) may or may not be posted: a person decides."""
    cutoff = timezone.now() - dt.timedelta(minutes=settings.INBOX_SENDING_STALE_MINUTES)
    stale = Message.objects.filter(send_status=Message.SendStatus.SENDING, send_started_at__lt=cutoff)
    message_ids = list(stale.values_list("pk", flat=True))
    for message_id in message_ids:
        reply_mark_failed(
            message_id=message_id,
            error=_("Sending was interrupted; check on the platform whether it was posted before retrying."),
        )
    return len(message_ids)


# --- Moderation ---------------------------------------------------------------------------------


@transaction.atomic
def comment_hidden_record(*, message_id: int, user: AbstractBaseUser, hidden: bool) -> Message:
    """Record that a comment was hidden (or shown again) on the platform; the call is made first."""
    message = Message.objects.select_for_update().get(pk=message_id)
    conversation = _locked(message.conversation_id)
    message.hidden = hidden
    message.save(update_fields=["hidden"])
    _event(
        conversation,
        kind=Event.Kind.COMMENT_HIDDEN if hidden else Event.Kind.COMMENT_SHOWN,
        actor=user,
        message=message.pk,
        platform_id=message.platform_id,
    )
    conversation.save()
    return message


# --- Closing ------------------------------------------------------------------------------------


@transaction.atomic
def conversation_close(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    conversation = _locked(conversation_id)
    if conversation.state == State.CLOSED:
        return conversation
    if conversation.assignee_id not in (None, user.pk) and not user.is_superuser:
        raise AlreadyClaimed(
            _("%(name)s is working on this conversation; only they can close it.")
            % {"name": conversation.assignee.get_full_name() or conversation.assignee.get_username()}
        )
    _transition(conversation, State.CLOSED, kind=Event.Kind.CLOSED, actor=user)
    conversation.assignee = None
    conversation.save()
    return conversation


@transaction.atomic
def conversation_reopen(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    conversation = _locked(conversation_id)
    _transition(conversation, State.OPEN, kind=Event.Kind.REOPENED, actor=user)
    conversation.assignee = user
    conversation.due_at = deadlines.due_at(timezone.now(), urgent=conversation.priority > 0)
    conversation.save()
    return conversation


# --- Accounts -----------------------------------------------------------------------------------


@transaction.atomic
def account_connect(
    *,
    platform: str,
    handle: str,
    team_slug: str | None = None,
    display_name: str | None = None,
    poll_interval_seconds: int | None = None,
    credentials: dict | None = None,
    config: dict | None = None,
    default_config: dict | None = None,
) -> tuple[Account, bool]:
    """Add an account, or update and reconnect an existing one: only what is given changes.

    Connecting again is how an admin repairs an account that needs reconnection, so polling
    starts afresh (the cursor is kept: nothing is fetched twice).
    """
    account = Account.objects.select_for_update().filter(platform=platform, handle=handle).first()
    created = account is None
    if created:
        account = Account(
            platform=platform, handle=handle, poll_interval_seconds=15, config=default_config or {}
        )
    if team_slug or created:
        account.team = _team(team_slug or "kcc")
    if display_name or created:
        account.display_name = display_name or handle
    if poll_interval_seconds is not None:
        account.poll_interval_seconds = max(1, poll_interval_seconds)
    if credentials is not None:
        account.credentials = credentials
    account.config = {**account.config, **(config or {})}
    account.enabled = True
    account.poll_status = Account.PollStatus.NEVER
    account.poll_error = ""
    account.poll_warning = ""
    account.next_poll_at = None
    account.save()
    return account, created


def _team(value: str) -> Team:
    team = Team.objects.filter(slug=value).first() or Team.objects.filter(name__iexact=value).first()
    if team is None and value == "kcc":
        team = Team.objects.create(name="KCC", slug="kcc", kind=Team.Kind.KCC)
    if team is None:
        known = ", ".join(Team.objects.values_list("slug", flat=True))
        raise ServiceError(f"No team {value!r}. Known: {known}")
    return team


def account_poll_lease(*, account_id: int, seconds: int = 300) -> bool:
    """Take the account's poll lease; False when another poll holds it."""
    now = timezone.now()
    return bool(
        Account.objects.filter(pk=account_id)
        .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now))
        .update(poll_lease_until=now + dt.timedelta(seconds=seconds))
    )


def account_poll_release(*, account_id: int) -> None:
    Account.objects.filter(pk=account_id).update(poll_lease_until=None)


def account_poll_failed(*, account_id: int, status: str, error: str, retry_at: dt.datetime | None) -> None:
    Account.objects.filter(pk=account_id).update(
        poll_status=status,
        poll_error=storable_text(error)[:2000],
        last_polled_at=timezone.now(),
        next_poll_at=retry_at,
    )


def api_token_create(*, user: AbstractBaseUser, name: str) -> str:
    """Create a bearer token and return its key; only the hash is kept."""
    key = new_token_key()
    ApiToken.objects.create(user=user, name=name[:100], key_hash=hash_token(key))
    return key


# --- Internal notes, escalation to the adviser on duty, forwarding (issue 5) -------------------

NOTE_MAX_LENGTH = 4000


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _note_text(text: str, empty_message: str) -> str:
    text = storable_text(text or "").strip()[:NOTE_MAX_LENGTH]
    if not text:
        raise ServiceError(empty_message)
    return text


def _refuse_if_held_by_other(conversation: Conversation, user, message: str) -> None:
    if conversation.assignee_id not in (None, user.pk) and not user.is_superuser:
        raise AlreadyClaimed(message % {"name": _person(conversation.assignee)})


def _notify(*, users, conversation: Conversation, event: Event, text: str, email: bool) -> None:
    """In-app notifications now; e-mail through Django's mail backend once the change is committed."""
    from .models import Notification

    users = [u for u in users if u is not None]
    Notification.objects.bulk_create(
        [Notification(user=u, conversation=conversation, event=event, text=text[:500]) for u in users]
    )
    addresses = [u.email for u in users if u.email]
    if not (email and addresses):
        return
    from django.core.mail import send_mail
    from django.urls import reverse

    link = getattr(settings, "WEBCARE_SITE_URL", "") + reverse("inbox:conversation", args=[conversation.pk])
    subject = _("Webcare: %(text)s") % {"text": text[:120]}
    body = f"{text}\n\n{link}\n"

    def send():
        try:
            send_mail(subject, body, None, addresses)
        except Exception:  # the in-app notification is there; a mail server hiccup must not hide that
            logger.exception("Could not e-mail notification for conversation %s", conversation.pk)

    transaction.on_commit(send)


@transaction.atomic
def note_add(*, conversation_id: int, user: AbstractBaseUser, text: str) -> Event:
    """An internal note on the timeline; never sent to the citizen."""
    conversation = _locked(conversation_id)
    text = _note_text(text, _("The note is empty."))
    event = _event(conversation, kind=Event.Kind.NOTE, actor=user, note=text)
    conversation.save()  # bumps updated_at, so open pages refresh
    return event


@transaction.atomic
def conversation_escalate(*, conversation_id: int, user: AbstractBaseUser, question: str) -> Event:
    """Hand the conversation to the adviser on duty with the agent's question.

    With nobody on duty it goes to the comms team, unassigned, and the event says so.
    """
    from .selectors import adviser_on_duty

    conversation = _locked(conversation_id)
    question = _note_text(question, _("Write your question for the adviser."))
    if conversation.state == State.ESCALATED:
        raise ServiceError(_("This conversation is already with the adviser."))
    if conversation.state == State.CLOSED:
        raise ServiceError(_("This conversation is closed; reopen it first."))
    _refuse_if_held_by_other(
        conversation, user, _("%(name)s is working on this conversation; only they can escalate it.")
    )
    comms = Team.objects.filter(kind=Team.Kind.COMMS).order_by("pk").first()
    if comms is None:
        raise ServiceError(_("There is no communications team to escalate to."))
    adviser = adviser_on_duty()
    from_team = conversation.team
    conversation.team = comms
    conversation.assignee = adviser
    event = _transition(
        conversation,
        State.ESCALATED,
        kind=Event.Kind.ESCALATED,
        actor=user,
        question=question,
        adviser=adviser.get_username() if adviser else "",
        adviser_name=_person(adviser) if adviser else "",
        from_team=from_team.slug,
        team=comms.slug,
    )
    conversation.save()
    who = conversation.contact.name or conversation.contact.handle
    if adviser is not None:
        text = _("%(agent)s escalated a conversation with %(who)s to you: %(question)s")
        recipients = [adviser]
    else:
        text = _(
            "Nobody is on duty; %(agent)s escalated a conversation with %(who)s to the team: %(question)s"
        )
        recipients = list(comms.members.filter(is_active=True))
    _notify(
        users=recipients,
        conversation=conversation,
        event=event,
        text=text % {"agent": _person(user), "who": who, "question": question},
        email=True,
    )
    return event


@transaction.atomic
def escalation_hand_back(*, conversation_id: int, user: AbstractBaseUser, advice: str) -> Event:
    """The adviser gives the conversation back to the agent who escalated it, with advice as a note."""
    conversation = _locked(conversation_id)
    advice = _note_text(advice, _("Write your advice for the agent."))
    if conversation.state != State.ESCALATED:
        raise ServiceError(_("This conversation is not with the adviser."))
    _refuse_if_held_by_other(
        conversation, user, _("%(name)s is handling this escalation; only they can hand it back.")
    )
    escalation = conversation.events.filter(kind=Event.Kind.ESCALATED).order_by("-created_at", "-pk").first()
    agent = escalation.actor if escalation else None
    back_to = Team.objects.filter(slug=escalation.data.get("from_team", "")).first() if escalation else None
    conversation.team = back_to or conversation.team
    conversation.assignee = agent
    event = _transition(
        conversation,
        State.OPEN,
        kind=Event.Kind.HANDED_BACK,
        actor=user,
        note=advice,
        to=agent.get_username() if agent else "",
        team=conversation.team.slug,
    )
    conversation.save()
    _notify(
        users=[agent],
        conversation=conversation,
        event=event,
        text=_("%(adviser)s handed a conversation back to you: %(advice)s")
        % {"adviser": _person(user), "advice": advice},
        email=True,
    )
    return event


@transaction.atomic
def conversation_forward(*, conversation_id: int, user: AbstractBaseUser, team_id: int, note: str) -> Event:
    """Move the conversation to a wijkbureau's queue, unassigned, with a note for them."""
    conversation = _locked(conversation_id)
    note = _note_text(note, _("Write a note for the wijkbureau."))
    team = Team.objects.filter(pk=team_id, kind=Team.Kind.WIJKBUREAU).first()
    if team is None:
        raise ServiceError(_("Choose a wijkbureau."))
    if conversation.state == State.CLOSED:
        raise ServiceError(_("This conversation is closed; reopen it first."))
    if team.pk == conversation.team_id:
        raise ServiceError(_("This conversation is already with %(team)s.") % {"team": team.name})
    _refuse_if_held_by_other(
        conversation, user, _("%(name)s is working on this conversation; only they can forward it.")
    )
    from_team = conversation.team
    conversation.team = team
    conversation.assignee = None
    data = {"note": note, "from_team": from_team.slug, "team": team.slug, "team_name": team.name}
    if conversation.state in (State.ESCALATED, State.ANSWERED):
        event = _transition(conversation, State.OPEN, kind=Event.Kind.FORWARDED, actor=user, **data)
    else:
        event = _event(conversation, kind=Event.Kind.FORWARDED, actor=user, **data)
    conversation.save()
    _notify(
        users=list(team.members.filter(is_active=True)),
        conversation=conversation,
        event=event,
        text=_("%(agent)s forwarded a conversation to %(team)s: %(note)s")
        % {"agent": _person(user), "team": team.name, "note": note},
        email=False,
    )
    return event


def notifications_mark_read(*, user: AbstractBaseUser, conversation_id: int | None = None) -> int:
    """Mark the user's notifications read: all of them, or those about one conversation they opened."""
    from .models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if conversation_id is not None:
        unread = unread.filter(conversation_id=conversation_id)
    return unread.update(read_at=timezone.now())


def cluster_answer(
    *, conversation_ids: Sequence[int], user: AbstractBaseUser, text: str, close: bool
) -> list[tuple[int, str]]:
    """One text to many conversations: each gets its own reply in its own thread through the outbox.

    Conversation by conversation, each in its own transaction with its own events, so one that is
    refused (someone else holds it, the text is too long for its channel) does not stop the rest.
    Returns (conversation id, error or "") per conversation.
    """
    results = []
    for conversation_id in conversation_ids:
        try:
            with transaction.atomic():
                reply_queue(conversation_id=conversation_id, user=user, text=text)
                if close:
                    conversation_close(conversation_id=conversation_id, user=user)
        except ServiceError as exc:
            results.append((conversation_id, str(exc)))
        else:
            results.append((conversation_id, ""))
    return results
