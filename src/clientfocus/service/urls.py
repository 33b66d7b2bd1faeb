from django.urls import path

from clientfocus.service import views

app_name = "service"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("queue/counts/", views.queue_tab_counts, name="queue_counts"),
    path("requests/new/", views.new_request, name="new_request"),
    path("requests/<str:reference>/", views.request_page, name="request"),
    path("requests/<str:reference>/clock/", views.request_clock, name="request_clock"),
    path("requests/<str:reference>/messages/", views.post_message, name="post_message"),
    path("requests/<str:reference>/state/", views.post_state, name="post_state"),
    path("requests/<str:reference>/assign/", views.post_assign, name="post_assign"),
    path("requests/<str:reference>/time/", views.post_time, name="post_time"),
    path("requests/<str:reference>/files/<uuid:file_id>/", views.attachment, name="attachment"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
]
