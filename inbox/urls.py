"""Every URL of the inbox's screens: the inbox, cases and teamwork namespaces, and the home page."""

from django.urls import include, path

from .views import cases, channels, conversation, klantcontacten, media, preferences, queue, search, teamwork

inbox_patterns = [
    path("queue/", queue.queue, name="queue"),
    path("queue/next/", queue.take_next, name="take_next"),
    path("queue/views/", queue.saved_view_add, name="saved_view_add"),
    path("queue/views/<int:pk>/remove/", queue.saved_view_remove, name="saved_view_remove"),
    path("search/", search.search, name="search"),
    path("conversations/<int:pk>/", conversation.conversation, name="conversation"),
    path("conversations/<int:pk>/claim/", conversation.claim, name="claim"),
    path("conversations/<int:pk>/release/", conversation.release, name="release"),
    path("conversations/<int:pk>/reply/", conversation.reply, name="reply"),
    path("conversations/<int:pk>/close/", conversation.close, name="close"),
    path("conversations/<int:pk>/close-next/", conversation.close_next, name="close_next"),
    path("conversations/<int:pk>/assign/", conversation.assign, name="assign"),
    path("conversations/<int:pk>/take-over/", conversation.take_over, name="take_over"),
    path("conversations/<int:pk>/reopen/", conversation.reopen, name="reopen"),
    path(
        "conversations/<int:pk>/replies/<int:message_id>/retry/", conversation.retry_reply, name="retry_reply"
    ),
    path("settings/", preferences.settings, name="settings"),
    path("attachments/<int:pk>/", media.attachment, name="attachment"),
    path("attachments/<int:pk>/thumbnail/", media.attachment, {"thumbnail": True}, name="attachment_thumbnail"),
    path(
        "conversations/<int:pk>/klantcontact/", klantcontacten.klantcontact_panel, name="klantcontact_panel"
    ),
    path(
        "conversations/<int:pk>/klantcontact/retry/",
        klantcontacten.klantcontact_send_again,
        name="klantcontact_retry",
    ),
    path(
        "conversations/<int:pk>/earlier-contacts/", klantcontacten.earlier_contacts, name="earlier_contacts"
    ),
    path("channel-accounts/", channels.accounts, name="accounts"),
    path("monitoring/", channels.monitoring, name="monitoring"),
    path("monitoring/<int:pk>/promote/", channels.promote, name="monitoring_promote"),
    path("monitoring/<int:pk>/dismiss/", channels.dismiss, name="monitoring_dismiss"),
    path(
        "conversations/<int:pk>/messages/<int:message_id>/hide/",
        conversation.hide_comment,
        name="hide_comment",
    ),
]

case_patterns = [
    path("conversations/<int:pk>/case/register/", cases.case_register, name="register"),
    path("conversations/<int:pk>/case/link/", cases.case_link, name="link"),
    path("cases/", cases.case_search, name="search"),
    path("cases/<str:number>/", cases.case_detail, name="detail"),
    path("cases/<str:number>/status/", cases.case_status, name="status"),
    path("cases/<str:number>/contacts/", cases.case_contact, name="contact"),
    path("cases/<str:number>/tell/", cases.case_tell, name="tell"),
    path("cases/<str:number>/retry/", cases.case_retry, name="retry"),
    path(
        "cases/<str:number>/statuses/<int:push_id>/retry/", cases.case_status_push_retry, name="status_retry"
    ),
]

teamwork_patterns = [
    path("conversations/<int:pk>/note/", teamwork.note, name="note"),
    path("conversations/<int:pk>/escalate/", teamwork.escalate, name="escalate"),
    path("conversations/<int:pk>/hand-back/", teamwork.hand_back, name="hand_back"),
    path("conversations/<int:pk>/forward/", teamwork.forward, name="forward"),
    path("conversations/<int:pk>/typing/", teamwork.typing, name="typing"),
    path("roster/", teamwork.roster, name="roster"),
    path("escalations/", teamwork.escalations, name="escalations"),
    path("notifications/", teamwork.notifications, name="notifications"),
    path("topbar/", teamwork.topbar, name="topbar"),
    path("queue/clusters/", teamwork.clusters, name="clusters"),
    path("queue/cluster/", teamwork.cluster, name="cluster"),
]

urlpatterns = [
    path("", queue.home, name="home"),
    path("", include((inbox_patterns, "inbox"))),
    path("", include((case_patterns, "cases"))),
    path("", include((teamwork_patterns, "teamwork"))),
]
