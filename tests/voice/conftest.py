import pytest


@pytest.fixture(autouse=True)
def _default_themes(db):
    """The migration's taxonomy (a transactional test elsewhere may have flushed it)."""
    from clientfocus.voice.models import Theme
    from clientfocus.voice.services import forget_analyser
    from clientfocus.voice.taxonomy import install

    install(Theme)
    forget_analyser()
