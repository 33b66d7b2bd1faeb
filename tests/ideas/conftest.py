import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Sign-in and contact-form limits count in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()
