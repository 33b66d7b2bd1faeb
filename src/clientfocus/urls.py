from django.contrib import admin
from django.urls import include, path

from clientfocus.api import api
from clientfocus.core import views as core_views

handler400 = "clientfocus.core.views.bad_request"

urlpatterns = [
    path("api/", api.urls),  # first: API clients call many times a second
    path("", core_views.home, name="home"),
    path("login/", core_views.ThrottledLoginView.as_view(), name="login"),
    path("logout/", core_views.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon),
    path("admin/", admin.site.urls),
    path("", include("clientfocus.service.urls")),
    path("", include("clientfocus.customers.urls")),
    path("", include("clientfocus.insights.urls")),
    path("", include("clientfocus.value.urls")),
    path("", include("clientfocus.orders.urls")),
    path("", include("clientfocus.notify.urls")),
    path("", include("clientfocus.voice.urls")),
    path("", include("clientfocus.ideas.urls")),
    path("", include("clientfocus.catalogue.urls")),
    path("", include("clientfocus.knowledge.urls")),
    path("", include("clientfocus.grants.urls")),
    path("", include("clientfocus.retention.urls")),
    path("", include("clientfocus.scorecard.urls")),
    path("", include("clientfocus.staffing.urls")),
    path("", include("clientfocus.mail.urls")),
    path("portal/", include("clientfocus.portal.urls")),
]
