from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("webhooks/facebook/", views.facebook_webhook, name="facebook_webhook"),
]
