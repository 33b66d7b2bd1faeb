"""WSGI entry point (gunicorn clientfocus.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientfocus.settings")
application = get_wsgi_application()
