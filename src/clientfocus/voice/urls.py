from django.urls import path

from clientfocus.voice import customer_views, department_views, views

app_name = "voice"
urlpatterns = [
    path("voice/", views.dashboard, name="dashboard"),
    path("voice/feedback/", views.feedback_list, name="feedback"),
    path("voice/feedback/new/", views.new_feedback, name="new_feedback"),
    path("voice/feedback/<int:item_id>/correct/", views.correct, name="correct"),
    path("voice/themes/", views.themes, name="themes"),
    path("voice/themes/train/", views.train, name="train"),
    path("voice/evaluation/", views.evaluation, name="evaluation"),
    path("voice/alerts/", views.alerts, name="alerts"),
    path("voice/alerts/<int:alert_id>/", views.alert, name="alert"),
    path("voice/follow-ups/", views.follow_ups, name="follow_ups"),
    path("voice/follow-ups/<int:follow_up_id>/", views.follow_up, name="follow_up"),
    path("voice/digest/", views.digest, name="digest"),
    path("departments/", department_views.scorecards, name="scorecards"),
    path("departments/<slug:code>/", department_views.scorecard, name="scorecard"),
    path("voice/internal/", department_views.internal_surveys, name="internal_surveys"),
    path(
        "voice/internal/<int:invitation_id>/",
        department_views.answer_internal,
        name="answer_internal",
    ),
    path("voice/digest/build/", views.build_digest, name="build_digest"),
    path("voice/digest/<str:week>/", views.digest, name="digest_week"),
    path(
        "voice/customers/<uuid:customer_id>/feedback-link/<str:action>/",
        views.feedback_link,
        name="feedback_link",
    ),
    path("s/<str:token>/", customer_views.survey, name="survey"),
    path("feedback/<str:token>/", customer_views.customer_feedback, name="customer_feedback"),
]
