from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("conversations/<int:pk>/triage/<str:field>/", views.decide, name="decide"),
    path("conversations/<int:pk>/canned/", views.canned, name="canned"),
]
