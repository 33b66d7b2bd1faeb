"""Full-text search over stems, shared by ideas and knowledge articles: what the index
stores and how a query is asked (pure: no Django).

Both databases index the same thing: the stems of an idea's title and of its
description in the idea's language, stop words left out, as space-separated words
(``Idea.search_title`` and ``Idea.search_body``). PostgreSQL keeps them as a stored
``tsvector`` (title terms weighted A) under a GIN index, SQLite in an FTS5 table kept by
triggers (bm25, the title counting double); the terms are never re-parsed by the
database's own word splitter, so Devanagari vowel signs survive. The stemming
itself is ``voice.sentiment.stem``: Snowball for English, Russian, Lithuanian and
Hindi, simplemma's lemmas for Slovenian, and folding (case, accents) for any other
language. So "deliveries" finds "delivery", "доставку" finds "доставка", and a
Lithuanian or Slovenian word typed without its diacritics still matches.
"""

from __future__ import annotations

import re

from clientfocus.voice.sentiment import fold, stem, tokens

MAX_QUERY_TERMS = 12
MIN_TERM_LENGTH = 2

# The most frequent function words per language: they would make every idea similar.
_STOP = {
    "en": """a an and are as at be but by can could do does for from have how i if in into
        is it its me my no not of on or our please should so that the their them there
        these this to too us was we were what when where which who why will with would
        you your yours want wish like add make get""",
    "ru": """а без бы был была были было в вам вас весь во вот все всё вы где да даже для до
        его ее её если есть еще ещё же за и из или им их к как ко когда кто ли либо мне
        мы на над не нет ни но ну о об от по под при с со так также то тоже только у уже
        хочу хотим хотелось хотелось бы чтобы что это эти я""",
    "lt": """ar bei bet būtų buvo dar dėl iki ir yra jei jų juk kad kai kaip kas kur man
        mano mes mums nes nei ne nuo o per po prie su ta tai taip tas ten to tuo už jūs
        jūsų norėčiau norime galėtų būtų reikia""",
    "sl": """a ali bi bil bila bilo da do ga in iz je jih jo k kaj kako kar ki ko mi na ne
        ni nič o ob od pa po pri s se so ta tako tudi v vas za že želim želimo bi radi prosim""",
    "hi": """और का की के को कि है हैं था थे थी में से पर भी तो ही यह वह ये वे एक कर करें
        करना हो होना हम मैं आप हमें मुझे लिए जो क्या नहीं ना न चाहिए चाहता चाहती""",
}
STOP_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(fold(w) for w in words.split()) for language, words in _STOP.items()
}
_ALL_STOP = frozenset().union(*STOP_WORDS.values())
_QUOTES = re.compile(r"['\"\\]")


def stems(text: str, language: str | None) -> list[str]:
    """The index terms of ``text`` written in ``language``, in order, stop words out."""
    stop = STOP_WORDS.get(language or "", _ALL_STOP)
    result = []
    for word in tokens(text):
        if word in stop or len(word) < MIN_TERM_LENGTH:
            continue
        term = _QUOTES.sub("", stem(word, language))
        if len(term) >= MIN_TERM_LENGTH:
            result.append(term)
    return result


def document(title: str, description: str, language: str | None) -> tuple[str, str]:
    """What ``Idea.search_title`` and ``Idea.search_body`` hold."""
    return " ".join(stems(title, language)), " ".join(stems(description, language))


def query_terms(text: str, language: str | None) -> list[str]:
    """The distinct terms of what somebody typed, at most MAX_QUERY_TERMS."""
    seen: list[str] = []
    for term in stems(text, language):
        if term not in seen:
            seen.append(term)
        if len(seen) == MAX_QUERY_TERMS:
            break
    return seen


def postgres_query(terms: list[str], *, every: bool = False) -> str:
    """A ``tsquery`` literal (cast, not parsed): any of the terms, or with ``every`` all
    of them; the last one also as a prefix, for the word still being typed."""
    if not terms:
        return ""
    parts = [f"'{t}'" for t in terms[:-1]] + [f"'{terms[-1]}':*"]
    return (" & " if every else " | ").join(parts)


def sqlite_query(terms: list[str], *, every: bool = False) -> str:
    """An FTS5 MATCH string with the same meaning as ``postgres_query``."""
    if not terms:
        return ""
    parts = [f'"{t}"' for t in terms[:-1]] + [f'"{terms[-1]}" *']
    return (" AND " if every else " OR ").join(parts)


def overlap(a: str, b: str) -> float:
    """How alike two sets of indexed terms are (Jaccard over the distinct terms): the
    score a likely-duplicate pair is offered with."""
    first, second = set(a.split()), set(b.split())
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def index_sql(table: str, fts: str, index: str) -> dict[str, list[str]]:
    """The statements that build (and undo) the full-text index of a table's
    ``search_title`` and ``search_body`` columns: PostgreSQL a stored tsvector built
    from the stems without re-parsing them (title terms weighted A) under a GIN index
    ``index``; SQLite an FTS5 table ``fts`` over the same columns, kept by triggers.
    Keys: ``postgresql``, ``postgresql_undo``, ``sqlite``, ``sqlite_undo``. The names
    are the migrations' own, checked to be plain identifiers."""
    for name in (table, fts, index):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"not a plain table or index name: {name!r}")
    return {
        "postgresql": [
            f"""ALTER TABLE {table} ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
        setweight(array_to_tsvector(array_remove(string_to_array(search_title, ' '), '')), 'A')
        || array_to_tsvector(array_remove(string_to_array(search_body, ' '), ''))
    ) STORED""",
            f"CREATE INDEX {index} ON {table} USING gin (search_tsv)",
        ],
        "postgresql_undo": [
            f"DROP INDEX IF EXISTS {index}",
            f"ALTER TABLE {table} DROP COLUMN search_tsv",
        ],
        "sqlite": [
            f"""CREATE VIRTUAL TABLE {fts} USING fts5(
        search_title, search_body, content='{table}', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 categories 'L* N* M* Co'")""",
            f"""CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN
        INSERT INTO {fts}(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",  # noqa: S608 - names below
            f"""CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN
        INSERT INTO {fts}({fts}, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body); END""",  # noqa: S608
            f"""CREATE TRIGGER {fts}_update AFTER UPDATE OF search_title, search_body ON {table}
        BEGIN
        INSERT INTO {fts}({fts}, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO {fts}(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",  # noqa: S608 - names below
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
        ],
        "sqlite_undo": [
            f"DROP TRIGGER IF EXISTS {fts}_insert",
            f"DROP TRIGGER IF EXISTS {fts}_delete",
            f"DROP TRIGGER IF EXISTS {fts}_update",
            f"DROP TABLE IF EXISTS {fts}",
        ],
    }
