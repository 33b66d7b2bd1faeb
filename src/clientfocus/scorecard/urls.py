from django.urls import path

from clientfocus.scorecard import views

app_name = "scorecard"
urlpatterns = [
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/thresholds/", views.thresholds, name="thresholds"),
    path("scorecard/subscription/", views.subscription, name="subscription"),
    path("scorecard/payback/", views.payback, name="payback"),
    path("scorecard/reports/", views.report, name="report"),
    path("scorecard/order-cycle/", views.order_cycle, name="order_cycle"),
    path("scorecard/departments/<slug:scope>/", views.scorecard, name="department"),
]
