"""/metrics as Prometheus scrapes it: figures from the database and from serving,
for the monitoring network or the token only, and nothing personal."""

from __future__ import annotations

from clientfocus.notify.models import Notification
from clientfocus.service.services import open_request
from clientfocus.service.tasks import sweep_sla


def scrape(client, **extra) -> tuple[int, str]:
    answer = client.get("/metrics", **extra)
    return answer.status_code, answer.content.decode()


def test_metrics_show_open_requests_outbox_jobs_and_latency(company, client, web_as, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    open_request(actor=company.agent, subject="Oven", customer=company.gold_customer,
                 queue=company.care_queue)  # fmt: skip
    Notification.objects.create(channel="email", recipient="alexei@example.ru", body="Hello")
    web_as(company.agent).get("/queue/")
    status, text = scrape(client)
    assert status == 200
    assert 'clientfocus_requests_open{queue="Care",sla="ok",tier="gold"} 1.0' in text
    assert 'clientfocus_outbox_depth{channel="email"} 1.0' in text
    assert 'clientfocus_job_last_success_timestamp_seconds{job="service.sweep_sla"} 0.0' in text
    # The sweep runs (here on the immediate backend) and its success is remembered.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = sweep_sla.enqueue()
    assert result.status == "SUCCESSFUL"
    finished = result.finished_at
    text = scrape(client)[1]
    line = next(x for x in text.splitlines() if x.startswith(
        'clientfocus_job_last_success_timestamp_seconds{job="service.sweep_sla"}'))  # fmt: skip
    assert abs(float(line.split()[-1]) - finished.timestamp()) < 1
    assert "clientfocus_workers_alive 0.0" in text
    assert 'clientfocus_http_request_duration_seconds_count{method="GET",status="2xx",' in text
    assert 'view="service:queue"' in text
    # Names, addresses and texts stay out.
    assert "Алексей" not in text and "alexei@example.ru" not in text and "Oven" not in text


def test_metrics_are_for_the_monitoring_network_or_the_token(db, client, settings):
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    assert scrape(client, **elsewhere)[0] == 404
    settings.METRICS_TOKEN = "scrape-secret"
    assert scrape(client, HTTP_AUTHORIZATION="Bearer wrong", **elsewhere)[0] == 404
    assert scrape(client, HTTP_AUTHORIZATION="Bearer scrape-secret", **elsewhere)[0] == 200
    assert scrape(client, HTTP_HOST="10.0.0.7")[0] == 200  # scraped by IP: no host check


def test_requests_are_counted_under_a_few_known_methods(db, client):
    client.generic("BREW", "/health")
    client.generic("PROPFIND", "/health")
    client.get("/health")
    text = scrape(client)[1]
    series = [x for x in text.splitlines()
              if x.startswith("clientfocus_http_request_duration_seconds_count")]  # fmt: skip
    assert any('method="other"' in x for x in series)
    assert any('method="GET"' in x for x in series)
    assert not any("BREW" in x or "PROPFIND" in x for x in series)
