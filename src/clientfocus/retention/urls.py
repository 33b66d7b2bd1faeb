from django.urls import path

from clientfocus.retention import views

app_name = "retention"
urlpatterns = [
    path("customers/at-risk/", views.worklist, name="worklist"),
    path("customers/at-risk/effect/", views.effect, name="effect"),
    path("customers/at-risk/<int:case_id>/", views.case, name="case"),
    path("customers/at-risk/<int:case_id>/outcome/", views.outcome, name="outcome"),
    path("customers/at-risk/<int:case_id>/assign/", views.assign, name="assign"),
]
