from django.urls import path

from . import channel_views, views

app_name = "inbox"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("queue/next/", views.take_next, name="take_next"),
    path("conversations/<int:pk>/", views.conversation, name="conversation"),
    path("conversations/<int:pk>/claim/", views.claim, name="claim"),
    path("conversations/<int:pk>/release/", views.release, name="release"),
    path("conversations/<int:pk>/reply/", views.reply, name="reply"),
    path("conversations/<int:pk>/close/", views.close, name="close"),
    path("conversations/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("conversations/<int:pk>/replies/<int:message_id>/retry/", views.retry_reply, name="retry_reply"),
    path("channel-accounts/", channel_views.accounts, name="accounts"),
    path("monitoring/", channel_views.monitoring, name="monitoring"),
    path("monitoring/<int:pk>/promote/", channel_views.promote, name="monitoring_promote"),
    path("monitoring/<int:pk>/dismiss/", channel_views.dismiss, name="monitoring_dismiss"),
    path("conversations/<int:pk>/messages/<int:message_id>/hide/", views.hide_comment, name="hide_comment"),
]
