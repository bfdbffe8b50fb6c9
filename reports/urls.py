from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.export_csv, name="export_csv"),
    path("peak/<int:pk>/dismiss/", views.peak_dismiss, name="peak_dismiss"),
]
