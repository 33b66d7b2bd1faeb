"""A URLconf with language-prefixed URLs, for the locale middleware's test."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path
from django.utils import translation


def hello(request):
    return HttpResponse(translation.get_language())


urlpatterns = i18n_patterns(path("hello/", hello))
