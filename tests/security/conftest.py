"""The loopback SMTP and HTTP receivers of the notification tests, for these tests too."""

from tests.notify.conftest import http_receiver, smtp_server  # noqa: F401
