from django.urls import path

from clientfocus.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("catalogue/", views.service_list, name="list"),
    path("catalogue/new/", views.new_service, name="new"),
    path("catalogue/<slug:code>/", views.service_page, name="service"),
    path("catalogue/<slug:code>/draft/", views.draft, name="draft"),
    path("catalogue/<slug:code>/draft/publish/", views.publish, name="publish"),
    path("catalogue/<slug:code>/complaints/", views.complaints, name="complaints"),
    path("catalogue/<slug:code>/v<int:number>/notices/", views.notices, name="notices"),
    path("catalogue/<slug:code>/v<int:number>/tell-again/", views.tell_again, name="tell_again"),
]
