from django.urls import path

from clientfocus.grants import views

app_name = "grants"
urlpatterns = [
    path("customers/<str:public_id>/grants/", views.give, name="give"),
    path("grants/pending/", views.pending, name="pending"),
    path("grants/<int:grant_id>/decide/", views.decide, name="decide"),
    path("grants/limits/", views.limits, name="limits"),
    path("grants/report/", views.report, name="report"),
]
