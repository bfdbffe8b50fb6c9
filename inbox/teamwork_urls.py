from django.urls import path

from . import teamwork_views as views

app_name = "teamwork"

urlpatterns = [
    path("conversations/<int:pk>/note/", views.note, name="note"),
    path("conversations/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("conversations/<int:pk>/hand-back/", views.hand_back, name="hand_back"),
    path("conversations/<int:pk>/forward/", views.forward, name="forward"),
    path("conversations/<int:pk>/typing/", views.typing, name="typing"),
    path("roster/", views.roster, name="roster"),
    path("escalations/", views.escalations, name="escalations"),
    path("notifications/", views.notifications, name="notifications"),
    path("topbar/", views.topbar, name="topbar"),
    path("queue/clusters/", views.clusters, name="clusters"),
    path("queue/cluster/", views.cluster, name="cluster"),
]
