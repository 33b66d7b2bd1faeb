from django.urls import path

from clientfocus.value import views

app_name = "value"
urlpatterns = [
    path("value/", views.value_page, name="page"),
    path("value/tiers/", views.tier_policy, name="tiers"),
]
