"""The bare-Django limit for 'create a request over HTTP': one Django view, token check from
an in-memory dict, JSON parse, three INSERTs in one transaction through Django's connection
(the same SQL as a request creation), served by gunicorn like the product. Whatever the
product's API adds on top (auth tables, SLA clock, validation schemas, events) is its
overhead over this. benchmarks/service_desk.py runs it beside `clientfocus serve`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> gunicorn -w 2 -b 127.0.0.1:8790 \\
        --chdir benchmarks/anchors bare:application
"""

import json
import os

import django
from django.conf import settings

url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anchors")
settings.configure(
    DEBUG=False,
    SECRET_KEY="anchor",
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["*"],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.rsplit("/", 1)[1],
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "CONN_MAX_AGE": 600,
        }
    },
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after settings
from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

TOKENS = {"Bearer anchor-token": "admin"}


@csrf_exempt
def create(request):
    if TOKENS.get(request.headers.get("Authorization", "")) is None:
        return JsonResponse({"detail": "unauthorised"}, status=401)
    data = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "INSERT INTO requests(reference, customer_id, subject, state, priority, "
            "first_response_due, resolution_due) VALUES ('REQ', %s, %s, 'new', %s, "
            "now() + interval '4 hours', now() + interval '2 days') RETURNING id",
            [data["customer"], data["subject"], data["priority"]],
        )
        rid = c.fetchone()[0]
        c.execute("INSERT INTO messages(request_id, body) VALUES (%s, %s)", [rid, data["body"]])
        c.execute("INSERT INTO events(request_id, kind) VALUES (%s, 'opened')", [rid])
    return JsonResponse({"reference": f"REQ-{rid:06d}", "state": "new"}, status=201)


urlpatterns = [path("api/requests", create)]
application = get_wsgi_application()
