"""Hiding and unhiding a comment on the page (abuse, personal data posted publicly)."""

from .adapter import FacebookAdapter


def set_comment_hidden(account, comment_id: str, hidden: bool) -> None:
    """POST /{comment-id} is_hidden=true|false. Raises a ChannelError with a reason on failure."""
    FacebookAdapter(account).set_comment_hidden(comment_id, hidden)
