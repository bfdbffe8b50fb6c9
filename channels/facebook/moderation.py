"""Hiding and unhiding a comment on the page (abuse, personal data posted publicly)."""

from django.utils.translation import gettext as _

from inbox.platforms import CommentModeration, PlatformRefused

from ..base import AuthFailed, ChannelError


def set_comment_hidden(account, comment_id: str, hidden: bool) -> None:
    """POST /{comment-id} is_hidden=true|false. Raises PlatformRefused with a reason to show."""
    from .adapter import FacebookAdapter

    try:
        FacebookAdapter(account).set_comment_hidden(comment_id, hidden)
    except AuthFailed as exc:
        raise PlatformRefused(_("Facebook refused the page token; the account needs reconnecting.")) from exc
    except ChannelError as exc:
        raise PlatformRefused(_("Facebook did not change the comment: %(reason)s") % {"reason": exc}) from exc


MODERATION = CommentModeration(kinds=frozenset({"comment", "comment_reply"}), set_hidden=set_comment_hidden)
