from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.requests, name="requests"),
    path("privacy/contacts/<int:pk>/", views.contact, name="contact"),
    path("privacy/contacts/<int:pk>/export.json", views.export, name="export"),
    path("privacy/contacts/<int:pk>/erase/", views.erase, name="erase"),
]
