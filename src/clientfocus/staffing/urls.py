from django.urls import path

from clientfocus.staffing import views

app_name = "staffing"
urlpatterns = [
    path("staffing/", views.plan, name="plan"),
    path("staffing/roster/", views.roster, name="roster"),
]
