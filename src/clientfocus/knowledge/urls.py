from django.urls import path

from clientfocus.knowledge import request_views, training_views, views

app_name = "knowledge"
urlpatterns = [
    path("knowledge/", views.home, name="home"),
    path("knowledge/articles/new/", views.article_edit, name="article_new"),
    path("knowledge/articles/<slug:code>/", views.article, name="article"),
    path("knowledge/articles/<slug:code>/edit/", views.article_edit, name="article_edit"),
    path("knowledge/articles/<slug:code>/state/", views.article_state, name="article_state"),
    path("knowledge/templates/", views.templates, name="templates"),
    path("knowledge/templates/new/", views.template_edit, name="template_new"),
    path("knowledge/templates/<slug:code>/edit/", views.template_edit, name="template_edit"),
    path("knowledge/playbooks/", views.playbooks, name="playbooks"),
    path("knowledge/playbooks/new/", views.playbook_edit, name="playbook_new"),
    path("knowledge/playbooks/skipped/", views.skipped, name="skipped"),
    path("knowledge/playbooks/<slug:code>/", views.playbook, name="playbook"),
    path("knowledge/playbooks/<slug:code>/edit/", views.playbook_edit, name="playbook_edit"),
    path("knowledge/training/", training_views.training, name="training"),
    path("knowledge/training/new/", training_views.course_edit, name="course_new"),
    path("knowledge/training/people/<str:username>/", training_views.person, name="person"),
    path("knowledge/training/<slug:code>/", training_views.course, name="course"),
    path("knowledge/training/<slug:code>/edit/", training_views.course_edit, name="course_edit"),
    path("knowledge/training/<slug:code>/ack/", training_views.acknowledge, name="acknowledge"),
    path("requests/<str:reference>/steps/<int:step_id>/", request_views.tick, name="tick"),
    path("requests/<str:reference>/insert-template/", request_views.insert, name="insert"),
    path("requests/<str:reference>/learn/", request_views.learn, name="learn"),
]
