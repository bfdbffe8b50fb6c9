from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self):
        from inbox.platforms import register_reply_rules

        from . import tasks  # noqa: F401  (registers the tasks, so eager mode and send-by-name find them)
        from .registry import ADAPTERS

        for platform, adapter in ADAPTERS.items():
            register_reply_rules(platform, adapter.reply_rules)
        # Facebook comments can be hidden and shown again from the conversation page.
        from inbox.platforms import register_comment_moderation

        from .facebook.moderation import MODERATION

        register_comment_moderation("facebook", MODERATION)
