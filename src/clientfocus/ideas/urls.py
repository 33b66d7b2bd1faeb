from django.urls import path

from clientfocus.ideas import views

app_name = "ideas"
urlpatterns = [
    path("ideas/", views.ranking, name="ranking"),
    path("ideas/new/", views.new, name="new"),
    path("ideas/similar/", views.similar, name="similar"),
    path("ideas/duplicates/", views.duplicates, name="duplicates"),
    path("ideas/<uuid:public_id>/", views.detail, name="detail"),
    path("ideas/<uuid:public_id>/<str:action>/", views.act, name="act"),
]
