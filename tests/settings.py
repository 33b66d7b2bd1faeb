"""Test settings: the real settings with a test secret and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from clientfocus.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_AUTOREFRESH = True

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Attachments written by tests go to a throw-away directory.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="clientfocus-media-"))

# The RQ task backend's tests use a Redis database of their own per test process.
_worker = "".join(c for c in os.environ.get("PYTEST_XDIST_WORKER", "gw0") if c.isdigit())
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/")
        + str(10 + int(_worker or 0) % 6),
        "DEFAULT_TIMEOUT": 600,
    }
}
