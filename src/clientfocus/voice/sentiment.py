"""Reading sentiment the way customers write (pure: no Django import).

What a comment says is read in four steps, each of which also becomes a feature the
sentiment classifier (``voice.learning``) weighs:

1. **Normalised words**: casefolded, accents and the Devanagari nukta folded away (so
   "zaracunali" meets "zaračunali", "इंतजार" meets "इंतज़ार"), and stemmed per language
   by Snowball (English, Russian, Lithuanian, Hindi: PyStemmer) or lemmatised
   (Slovenian: simplemma). A token's script decides for Cyrillic and Devanagari, the
   comment's language for Latin letters.
2. **Lexicon and negation**: evaluative word stems in the five languages; a negator
   ("not", "не", "ne", "brez", "नहीं" after the verb in Hindi) turns praise into
   complaint and a complaint word into nothing.
3. **Service phrases**: what customers write without an evaluative word — charged
   without warning, nobody called, still waiting, late, twice, wrong or missing items;
   on time, solved in five minutes, the next day.
4. **Clauses**: a comment is split at contrast words ("but", "но", "bet", "ampak",
   "लेकिन"…); the last clause decides a mixed comment, earlier ones count a third.
   Sarcasm markers (🙄, "thanks for nothing", praise followed by a complaint) make
   praise words count against.

``rule_reading`` gives the rules' own verdict; ``features`` the symbolic features
(stems, negated stems, last-clause stems, phrase and rule names) the classifier learns
from beside character n-grams.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from clientfocus.voice.lexicon import (
    EMOJI_NEGATIVE,
    EMOJI_POSITIVE,
    NEGATIVE_WORDS,
    NEGATORS,
    POSITIVE_WORDS,
    SERVICE_PHRASES,
)

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
SENTIMENTS = (NEGATIVE, NEUTRAL, POSITIVE)
SHORT_LABELS = {"neg": NEGATIVE, "neu": NEUTRAL, "pos": POSITIVE}  # in the labelled files

_FOLDED_MARKS = re.compile("[\u0300-\u036f\u093c]")
# Letters and digits of any script plus combining marks (Python's \w leaves out the
# Devanagari vowel signs and combining accents, which would split Hindi words apart).
_MARKS = "\u0300-\u036f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u200c\u200d"
WORD = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_DEVANAGARI = re.compile("[\u0900-\u097f]")


def fold(text: str) -> str:
    """Casefolded, without Latin/Cyrillic accents and the Devanagari nukta."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return unicodedata.normalize("NFC", _FOLDED_MARKS.sub("", decomposed))


def tokens(text: str) -> list[str]:
    """Folded word tokens (letters and digits of any script, vowel signs kept)."""
    return WORD.findall(fold(text))


# -- stemming ---------------------------------------------------------------------------------

_SNOWBALL = {"en": "english", "ru": "russian", "lt": "lithuanian", "hi": "hindi"}
_local = threading.local()  # PyStemmer objects are not thread-safe: one set per thread


def _stemmer(language: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        # A C extension with its own start-up: loaded by the processes that analyse.
        import Stemmer

        stemmers[language] = Stemmer.Stemmer(_SNOWBALL[language])
    return stemmers[language]


@lru_cache(maxsize=200_000)
def _stem_cached(word: str, language: str) -> str:
    if language == "sl":
        # Dictionary-based; loads the Slovenian dictionary on first use.
        import simplemma

        return fold(simplemma.lemmatize(word, lang="sl"))
    return fold(_stemmer(language).stemWord(word))


def stem(word: str, language: str | None) -> str:
    """The stem (or lemma) of a casefolded ``word``; the script of the word decides for
    Cyrillic and Devanagari, ``language`` for Latin letters."""
    if _CYRILLIC.search(word):
        language = "ru"
    elif _DEVANAGARI.search(word):
        language = "hi"
    elif language not in ("en", "lt", "sl"):
        return fold(word)
    return _stem_cached(word, language)  # type: ignore[arg-type]


# -- lexicon ---------------------------------------------------------------------------------

_HINDI_POST_NEGATORS = frozenset({"नहीं", "नही", "न", "nahi", "nahin"})
_OPEN_NEGATORS = frozenset(fold(w) for w in ["without", "без", "be", "brez", "बिना", "no"])
_NOT_REVERSED = frozenset({"никто", "niekas", "nihce", "nobody", "never", "никогда"})
INTENSE = tuple(
    fold(w)
    for w in """never worst terrible disgusting unacceptable ridiculous scam fraud lawyer
    furious appalling ужасн отвратит кошмар никогда безобраз siaubing niekada baisu grozn
    nikoli nesprejemljiv बेकार घटिया कभी भयानक""".split()  # noqa: SIM905
)


def _prefixes(entries: Iterable[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    stems, exact = [], set()
    for entry in entries:
        folded = fold(entry)
        (exact.add(folded[:-1]) if folded.endswith("=") else stems.append(folded))
    return tuple(stems), frozenset(exact)


_POS_STEMS, _POS_EXACT = _prefixes(POSITIVE_WORDS)
_NEG_STEMS, _NEG_EXACT = _prefixes(NEGATIVE_WORDS)


@lru_cache(maxsize=200_000)
def polarity(word: str) -> int:
    """+1, -1 or 0 for a folded word."""
    if word in _NEG_EXACT:
        return -1
    if word in _POS_EXACT:
        return 1
    if word.startswith(_NEG_STEMS):
        return -1
    if word.startswith(_POS_STEMS):
        return 1
    # Lithuanian and Slovenian negate with a prefix: "nepatiko", "nezadovoljen".
    if len(word) > 4 and word.startswith("ne") and word[2:].startswith(_POS_STEMS):
        return -1
    return 0


# Answers that say there is nothing to say: no sentiment, whatever their words.
_NOTHING_TO_SAY = re.compile(
    fold(
        r"^(?:no comments?|nothing (?:to add|special|more)|that'?s all|as usual|"
        r"без комментариев|ничего особенного|добавить нечего|это всё|это все|как обычно|"
        r"be komentaru|nieko ypatingo|nera ka pridurti|tai viskas|kaip visada|"
        r"brez komentarja|nic posebnega|nimam kaj dodati|to je vse|kot vedno|"
        r"कोई टिप्पणी नहीं|कुछ खास नहीं|और कुछ नहीं कहना|बस इतना ही|हमेशा की तरह)[.!। ]*$"
    )
)

PHRASE_SIGN = {name: sign for name, sign, _pattern in SERVICE_PHRASES}
_PHRASES = tuple((name, sign, re.compile(fold(pattern))) for name, sign, pattern in SERVICE_PHRASES)

# Contrast words that start the deciding clause; the weak ones only after a comma
# (Russian/Slovenian "а/a" and Hindi "पर" are also "and"/"on").
_STRONG_CONTRAST = (
    "but however nevertheless still но однако зато тем не менее bet tačiau taciau vis "
    "delto ampak vendar toda लेकिन मगर परंतु पर फिर भी phir bhi lekin magar par"
)
_WEAK_CONTRAST = "though although yet хотя а nors o a čeprav ceprav हालाँकि हालांकि"
_CONTRAST = re.compile(
    r"(?:^|\s)(?:"
    + "|".join(re.escape(fold(w)) for w in _STRONG_CONTRAST.split() if w not in ("पर", "par"))
    + r")\b|,\s*(?:"
    + "|".join(re.escape(fold(w)) for w in [*_WEAK_CONTRAST.split(), "पर", "par"])
    + r")\s"
)
_SARCASM = re.compile(
    fold(
        r"🙄|yeah,? right|said no one|thanks for nothing|sure you will|as if|\.\.\. ?not\b|"
        r"спасибо за ничего|ага,? щас|ну да|ну конечно|конечно,|ačiū už nieką|aciu uz nieka|"
        r"\baha\b|na taip|žinoma,|zinoma,|hvala za nič|hvala za nic|ja ja|pa ja|seveda,|"
        r"^sure,|how fast|как быстро|kaip greita|kako hitro|कितनी तेज़ी|"
        r"कुछ न करने के लिए|हाँ हाँ|हाँ जी|ज़रूर।|ज़रूर\.|\bhaan haan\b"
    )
)
_OPENING_PRAISE = re.compile(
    fold(
        r"^(?:oh,? )?(?:great|wonderful|brilliant|perfect|fantastic|amazing|lovely|well done|"
        r"wow|nice|super|love|thanks for|thank you for|so nice|"
        r"ну супер|прелестно|вау|гениально|отлично|замечательно|прекрасно|обожаю|браво|мило|"
        r"спасибо, что|как мило|о, прекрасно|"
        r"na super|puiku|oho|genialu|nuostabu|dievinu|bravo|miela|aciu, kad|kaip miela|"
        r"no super|krasno|vau|genialno|odlicno|cudovito|obozujem|lepo|hvala, ker|kako lepo|"
        r"वाह|बहुत खूब|शानदार|कमाल|बढ़िया|शाबाश)\b"
    )
)
_ANOTHER = re.compile(fold(r"\b(?:another|опять|снова|ещё|еще|vel|dar|spet|se en|फिर|एक और)\b"))
_QUOTED = re.compile(r"[\"“«„][^\"”»“]{3,60}[\"”»“]")


@dataclass(frozen=True)
class Reading:
    """The rules' verdict on one comment."""

    label: str
    score: float  # weighted polarity, unbounded; > 0 praise
    phrases: tuple[str, ...]  # names of the service phrases found
    sarcasm: bool
    intense: bool
    contrast: bool


def clauses(folded: str) -> list[str]:
    """The comment cut at contrast words: the last part is the deciding clause."""
    parts, start = [], 0
    for match in _CONTRAST.finditer(folded):
        if match.start() > start:
            parts.append(folded[start : match.start()])
        start = match.end()
    parts.append(folded[start:])
    return [p for p in parts if p.strip()] or [folded]


def _clause_score(words: list[str]) -> tuple[float, float, list[int]]:
    """(praise, complaint, per-word polarity after negation) of one clause."""
    praise = complaint = 0.0
    signs = []
    for i, word in enumerate(words):
        sign = polarity(word)
        if sign and word in NEGATORS and any(polarity(w) for w in words[i + 1 : i + 4]):
            sign = 0  # "never disappoints": the negator only turns the word after it
        if sign:
            before = words[max(0, i - 3) : i]
            after = words[i + 1 : i + 3]
            negated = word not in NEGATORS and any(w in NEGATORS for w in before)
            if not negated and sign > 0 and any(w in _HINDI_POST_NEGATORS for w in after):
                negated = True
            if negated and sign > 0:
                sign = -1
            elif negated and sign < 0 and word not in _NOT_REVERSED:
                sign = 1  # "without problems", "never disappoints", "not bad"
        signs.append(sign)
        if sign > 0:
            praise += 1
        elif sign < 0:
            complaint += 1
    # A negated event ("it never came", "не применилась"): a weak complaint.
    events = sum(
        1
        for i, word in enumerate(words)
        if word in NEGATORS and word not in _OPEN_NEGATORS and not any(signs[i + 1 : i + 3])
    )
    return praise, complaint + 0.5 * events, signs


def rule_reading(text: str) -> Reading:
    """Lexicon, negation, service phrases, clause weights, emoji and sarcasm combined."""
    folded = fold(text)
    if _NOTHING_TO_SAY.match(folded.strip()):
        return Reading(NEUTRAL, 0.0, (), False, False, False)
    parts = clauses(folded)
    weights = [0.25] * (len(parts) - 1) + [1.0]
    score = 0.0
    found: list[str] = []
    complaint_seen = False
    for part, weight in zip(parts, weights, strict=True):
        words = WORD.findall(part)
        praise, complaint, _signs = _clause_score(words)
        joined = " " + " ".join(words) + " "
        here = {name for name, _sign, pattern in _PHRASES if pattern.search(joined)}
        found += sorted(here)
        phrase_score = float(sum(PHRASE_SIGN[name] for name in here))  # each phrase once
        complaint_seen = complaint_seen or complaint > 0 or phrase_score < 0
        score += weight * (praise - complaint + 1.5 * phrase_score)
    emoji = sum(1.5 for ch in text if ch in EMOJI_POSITIVE) - sum(
        1.5 for ch in text if ch in EMOJI_NEGATIVE
    )
    score += emoji
    opening = _OPENING_PRAISE.search(folded)
    sarcasm = bool(_SARCASM.search(folded)) or (
        opening is not None and (complaint_seen or bool(_ANOTHER.search(folded[opening.end() :])))
    )
    if _QUOTED.search(text) and complaint_seen:
        sarcasm = True
    if sarcasm and score > -1:
        score = -1.0 - abs(score) * 0.5
    all_words = WORD.findall(folded)
    intense = any(w.startswith(INTENSE) for w in all_words)
    shouting = len(re.findall(r"\b[A-ZА-ЯЁ]{4,}\b", text)) >= 2 or "!!" in text
    label = NEGATIVE if score < -0.25 else POSITIVE if score > 0.25 else NEUTRAL
    return Reading(
        label,
        round(score, 3),
        tuple(dict.fromkeys(found)),
        sarcasm,
        label == NEGATIVE and (intense or shouting),
        len(parts) > 1,
    )


def features(text: str, language: str | None, reading: Reading) -> str:
    """Symbolic features of a comment, space-separated, for the classifier: stems,
    ``n:`` negated stems, ``l:`` stems of the deciding clause, ``p:`` service phrases,
    ``r:`` the rules' verdict (``reading``, from ``rule_reading(text)``), ``s:``
    polarity words, emoji and sarcasm markers."""
    folded = fold(text)
    parts = clauses(folded)
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        words = WORD.findall(part)
        _praise, _complaint, signs = _clause_score(words)
        negate_left = 0
        for i, word in enumerate(words):
            if word in NEGATORS:
                negate_left = 3
                out.append("neg")
                continue
            root = stem(word, language)
            if negate_left:
                out.append("n:" + root)
                negate_left -= 1
            else:
                out.append(root)
            if last and len(parts) > 1:
                out.append("l:" + root)
            if signs[i]:
                tag = "s:+" if signs[i] > 0 else "s:-"
                out.append(tag)
                if last:
                    out.append("l" + tag)
    out += ["p:" + name for name in reading.phrases]
    out.append("r:" + reading.label[:3])
    if reading.sarcasm:
        out.append("sarcasm")
    if reading.contrast:
        out.append("contrast")
    out += ["e:+" for ch in text if ch in EMOJI_POSITIVE]
    out += ["e:-" for ch in text if ch in EMOJI_NEGATIVE]
    if "?" in text:
        out.append("question")
    if "!" in text:
        out.append("exclaim")
    return " ".join(out)
