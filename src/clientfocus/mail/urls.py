from django.urls import path

from clientfocus.mail import views

app_name = "mail"
urlpatterns = [
    path("mail/inbound/", views.inbound, name="inbound"),
    path("mail/inbound/<int:inbound_id>/retry/", views.retry, name="retry"),
]
