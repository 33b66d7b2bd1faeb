from django.urls import path

from clientfocus.notify import views

app_name = "notify"
urlpatterns = [
    path("notifications/<uuid:key>/resend/", views.resend_view, name="resend"),
    path("notifications/rules/", views.rules_page, name="rules"),
]
