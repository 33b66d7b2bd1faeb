"""What creating a request through the API costs the database: the customer, the queue
and the three INSERTs (request, its opening event, the first message) in one transaction
(the API token is verified from the process's cache) — nothing for event listeners or
notification rules that have nothing to do. On PostgreSQL the two lookups are one
statement (core.statements.get_each) and the three rows are written by one statement
(core.statements.insert_together)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientfocus.service.models import Message, Request, RequestEvent

# customer, queue, INSERT request, INSERT event, INSERT message
QUERIES_PER_CREATION = 5
# customer joined with queue, WITH r0 AS (INSERT request), r1 AS (INSERT event) INSERT message
QUERIES_PER_CREATION_POSTGRESQL = 2


def test_a_creation_makes_five_queries(company, api_as):
    api = api_as(company.agent)
    payload = {
        "customer": str(company.customer.public_id),
        "subject": "The fridge is warm",
        "body": "Since Monday.",
        "queue": company.care_queue.pk,
    }
    assert api.post("/api/requests", payload).status_code == 201  # warm: caches, policies
    with CaptureQueriesContext(connection) as captured:
        response = api.post("/api/requests", payload)
    assert response.status_code == 201
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))  # the test's transaction
    ]
    if connection.vendor == "postgresql":
        writes = [s for s in statements if s.startswith("WITH")]
        assert len(writes) == 1, statements
        assert statements[0].startswith("SELECT * FROM (SELECT 1) AS one LEFT JOIN"), statements
        assert writes[0].count("INSERT INTO") == 3, writes
        expected = QUERIES_PER_CREATION_POSTGRESQL
    else:
        writes = [s for s in statements if s.startswith("INSERT")]
        assert len(writes) == 3, statements
        expected = QUERIES_PER_CREATION
    assert len(statements) <= expected, "\n".join(s[:90] for s in statements)
    created = Request.objects.get(pk=response.json()["id"]) if "id" in response.json() else None
    request = created or Request.objects.order_by("-pk").first()
    assert RequestEvent.objects.filter(request=request, kind="opened").exists()
    assert Message.objects.filter(request=request).count() == 1
    assert request.first_response_due is not None  # the SLA clock started
