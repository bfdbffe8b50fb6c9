from django.urls import path

from . import views_cases

app_name = "cases"

urlpatterns = [
    path("conversations/<int:pk>/case/register/", views_cases.case_register, name="register"),
    path("conversations/<int:pk>/case/link/", views_cases.case_link, name="link"),
    path("cases/", views_cases.case_search, name="search"),
    path("cases/<str:number>/", views_cases.case_detail, name="detail"),
    path("cases/<str:number>/status/", views_cases.case_status, name="status"),
    path("cases/<str:number>/contacts/", views_cases.case_contact, name="contact"),
    path("cases/<str:number>/tell/", views_cases.case_tell, name="tell"),
    path("cases/<str:number>/retry/", views_cases.case_retry, name="retry"),
]
