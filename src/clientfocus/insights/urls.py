from django.urls import path

from clientfocus.insights import views

app_name = "insights"
urlpatterns = [path("overview/", views.overview, name="overview")]
