from django.urls import path

from clientfocus.portal import catalogue_views, help_views, ideas_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.code, name="code"),
    path("login/<str:token>/", views.link, name="link"),
    path("logout/", views.logout, name="logout"),
    path("requests/", views.requests_page, name="requests"),
    path("requests/new/", views.new_request, name="new_request"),
    path("requests/<str:reference>/", views.request_page, name="request"),
    path("requests/<str:reference>/reply/", views.reply, name="reply"),
    path("requests/<str:reference>/close/", views.close, name="close"),
    path("requests/<str:reference>/files/<uuid:file_id>/", views.attachment, name="attachment"),
    path("orders/", views.orders, name="orders"),
    path("answers/", views.answers, name="answers"),
    path("profile/", views.profile, name="profile"),
    path("fees/", catalogue_views.fees, name="fees"),
    path("help/", help_views.help_centre, name="help"),
    path("help/suggest/", help_views.help_suggest, name="help_suggest"),
    path("help/<slug:code>/", help_views.help_article, name="help_article"),
    path("ideas/", ideas_views.idea_list, name="ideas"),
    path("ideas/new/", ideas_views.new_idea, name="new_idea"),
    path("ideas/similar/", ideas_views.similar_ideas, name="similar_ideas"),
    path("ideas/unsubscribe/<str:token>/", ideas_views.unsubscribe, name="idea_unsubscribe"),
    path("ideas/<uuid:public_id>/", ideas_views.idea_page, name="idea"),
    path("ideas/<uuid:public_id>/<str:action>/", ideas_views.idea_action, name="idea_action"),
    path("contact/", views.contact, name="contact"),
    path("embed/contact/", views.embed_contact, name="embed_contact"),
    path("embed.js", views.embed_script, name="embed_script"),
]
