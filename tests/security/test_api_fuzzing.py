"""Issue 11, items 12–13: schemathesis feeds every operation of our OpenAPI generated
input, as an administrator and as an agent; no input may produce a 5xx, and every
answer must match the schema, including the 4xx each operation documents."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from clientfocus.api import api
from clientfocus.wsgi import application

# The schema as the API builds it (its URL needs a signed-in person), run in-process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI application, whose request signals would close the
    test's database connection (the test client disconnects them the same way)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["admin", "agent"])
def token(request, company):
    from clientfocus.core.models import ApiToken

    return ApiToken.issue(user=getattr(company, request.param))[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_breaks_the_api(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
