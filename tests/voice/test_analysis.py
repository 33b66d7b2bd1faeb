"""The pure analysis module: cleaning, language, sentiment, keyword rules, classifier."""

from __future__ import annotations

import pytest

from clientfocus.voice import analysis, learning, sentiment
from clientfocus.voice.analysis import Analyzer, LanguageDetector, ThemeRule
from clientfocus.voice.learning import Example

RULES = [
    ThemeRule("delivery", "Delivery", ("deliver*", "courier*", "достав*", "pristat*", "डिलीवरी")),
    ThemeRule("price", "Price", ("price*", "expensive", "цен*", "kain*")),
    ThemeRule("waiting", "Waiting", ("on hold", "wait*", "жд*")),
]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(("en", "ru", "lt", "sl", "hi"))


def test_clean_text_strips_html_caps_and_keeps_unicode():
    text, cut = analysis.clean_text("<b>Labai</b> <script>alert(1)</script>gerai 👍 &amp; ačiū")
    assert text == "Labai gerai 👍 & ačiū"
    assert not cut
    text, cut = analysis.clean_text("ž" * 6000)
    assert cut and len(text) == analysis.MAX_CHARS
    assert analysis.clean_text("  \x00\x07  ")[0] == ""


def test_hindi_words_keep_their_vowel_signs():
    assert analysis.words("बहुत अच्छा") == ["बहुत", "अच्छा"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The courier was two hours late and nobody called", "en"),
        ("Курьер опоздал на два часа и никто не позвонил", "ru"),
        ("Kurjeris vėlavo dvi valandas ir niekas nepaskambino", "lt"),
        ("Kurir je zamudil dve uri in nihče me ni poklical", "sl"),
        ("कूरियर दो घंटे देर से आया और किसी ने फोन नहीं किया", "hi"),
    ],
)
def test_language_detection(detector, text, language):
    assert detector.detect_many([text]) == [language]


def test_language_is_none_without_letters(detector):
    assert detector.detect_many(["", "👍👍 !!! 123"]) == [None, None]


def test_unknown_language_code_is_refused():
    with pytest.raises(ValueError, match="unknown language code"):
        LanguageDetector(("en", "xx"))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Terrible service, the table arrived broken", "negative"),
        ("Thank you, wonderful sofa and friendly driver", "positive"),
        ("Please send me the invoice for order 12", "neutral"),
        ("Ужасный сервис, стол пришёл сломанным", "negative"),
        ("Labai ačiū, puikus aptarnavimas", "positive"),
        ("Man nepatiko, kad niekas neatsakė", "negative"),
        ("Hvala, odlična storitev", "positive"),
        ("बहुत बुरा अनुभव", "negative"),
        ("सेवा अच्छी नहीं थी", "negative"),
        ("not good at all", "negative"),
        ("😡😡", "negative"),
    ],
)
def test_rule_reading(text, label):
    assert sentiment.rule_reading(text).label == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Complaints without a negative word, praise of speed: the service phrases.
        ("They charged a fee without any warning.", "negative"),
        ("Списали деньги без предупреждения", "negative"),
        ("Nobody called me back.", "negative"),
        ("Still waiting since Monday.", "negative"),
        ("Arrived on time.", "positive"),
        ("Solved in five minutes.", "positive"),
        ("Atvežė laiku.", "positive"),
        # The deciding clause of a mixed comment.
        ("The staff were nice, but the table was broken.", "negative"),
        ("Delivery was late, but the bed is lovely.", "positive"),
        # Sarcasm: praise words meant as a complaint.
        ("Great, another week of waiting.", "negative"),
        ("Thanks for nothing.", "negative"),
        ("Perfect, my order vanished 🙄", "negative"),
        # Negated complaints are praise; nothing to say is neutral.
        ("Never disappoints.", "positive"),
        ("Без проблем доставили", "positive"),
        ("Nothing to add.", "neutral"),
        ("😡😡", "negative"),
        ("👍", "positive"),
    ],
)
def test_rule_reading_of_service_comments(text, label):
    assert sentiment.rule_reading(text).label == label


def test_folding_and_stemming():
    assert sentiment.fold("Zaračunali ĖŠ इंतज़ार") == "zaracunali es इंतजार"
    assert sentiment.stem("курьера", None) == sentiment.stem("курьер", None) == "курьер"
    assert sentiment.stem("pristatymas", "lt") == sentiment.stem("pristatymo", "lt")
    assert sentiment.stem("waiting", "en") == "wait"
    assert sentiment.stem("waiting", None) == "waiting"  # no Latin stemmer without a language


def test_angry_needs_negative_and_intensity():
    assert sentiment.rule_reading("WORST SERVICE EVER, NEVER AGAIN!!").intense
    assert not sentiment.rule_reading("The delivery was a bit late").intense


def test_keyword_rules_stems_phrases_and_word_boundaries():
    analyser = Analyzer(RULES, detector=None)
    assert analyser.analyse("Доставка задержалась").themes == ("delivery",)
    assert analyser.analyse("I was on hold, the price is high").themes == ("price", "waiting")
    assert analyser.analyse("The undelivered parcel").themes == ()  # not a word start
    assert analyser.analyse("डिलीवरी देर से हुई").themes == ("delivery",)
    assert analyser.analyse("").themes == ()


def test_classifier_learns_to_drop_and_add_themes():
    # Staff said: "wait" in "wait, the price…" is not a waiting complaint; and
    # "queue" comments are about waiting although no keyword says so.
    examples = []
    for i in range(8):
        examples.append(Example(f"wait, the price of item {i} went up again", frozenset({"price"})))
        examples.append(
            Example(f"a long queue at the counter number {i} today", frozenset({"waiting"}))
        )
        examples.append(Example(f"I had to wait {i} hours on hold", frozenset({"waiting"})))
        examples.append(Example(f"courier {i} delivered it fine", frozenset({"delivery"})))
    model = learning.train(examples, theme_codes=["delivery", "price", "waiting"])
    assert set(model.theme_models) == {"delivery", "price", "waiting"}
    rules_only = Analyzer(RULES, detector=None)
    learnt = Analyzer(RULES, detector=None, model=model)
    text = "wait, the price of item 42 went up again"
    assert "waiting" in rules_only.analyse(text).themes
    assert learnt.analyse(text).themes == ("price",)
    queue = learnt.analyse("a long queue at the counter number 99 today")
    assert queue.themes == ("waiting",) and queue.sources["waiting"] == "model"


def test_few_examples_leave_rules_in_charge():
    model = learning.train(
        [Example("courier late", frozenset({"delivery"}))], theme_codes=["delivery"]
    )
    assert model.theme_models == {}
    assert Analyzer(RULES, detector=None, model=model).analyse("courier").themes == ("delivery",)


def test_sentiment_classifier_learns_what_the_rules_do_not_know():
    examples = [Example(f"the sofa is sick number {i}", frozenset(), "positive") for i in range(8)]
    examples += [Example(f"meh whatever {i}", frozenset(), "neutral") for i in range(8)]
    examples += [Example(f"it is a joke {i}", frozenset(), "negative") for i in range(8)]
    model = learning.train(examples, theme_codes=[])
    assert sentiment.rule_reading("the sofa is sick number 77").label == "neutral"
    result = Analyzer([], detector=None, model=model).analyse("the sofa is sick number 77")
    assert result.sentiment == "positive"


def test_staff_corrections_are_never_overridden():
    # The shipped corpus says this is praise; staff said it is a complaint.
    shipped = [
        Example(f"great sofa number {i}", frozenset(), "positive", staff=False) for i in range(8)
    ]
    shipped += [Example(f"awful table {i}", frozenset(), "negative", staff=False) for i in range(8)]
    staff = [Example("Great sofa number 3!", frozenset(), "negative")]
    model = learning.train(shipped + staff, theme_codes=[])
    analyser = Analyzer([], detector=None, model=model)
    assert analyser.analyse("great sofa number 3").sentiment == "negative"
    assert analyser.analyse("great sofa number 5").sentiment == "positive"


def test_the_shipped_model_reads_the_issue_examples():
    analyser = Analyzer([], detector=None, model=learning.base_model())
    for text, label in [
        ("The agent fixed everything in ten minutes, brilliant help.", "positive"),
        ("Pristojbo za vodenje računa so mi zaračunali brez obvestila.", "negative"),
        ("Kurjeris paskambino iš anksto ir atvežė laiku.", "positive"),
        ("डिलीवरी वाले ने पहले फ़ोन किया और सामान समय पर दे गया।", "positive"),
    ]:
        assert analyser.analyse(text).sentiment == label, text


def test_model_blob_is_signed_and_versioned():
    model = learning.train([], theme_codes=[])
    blob = learning.dumps(model, b"key")
    assert learning.loads(blob, b"key").examples == 0
    with pytest.raises(ValueError, match="signature"):
        learning.loads(blob, b"other key")
    with pytest.raises(ValueError, match="signature"):
        learning.loads(blob[:-1] + bytes([blob[-1] ^ 1]), b"key")
    model.version = 1
    with pytest.raises(ValueError, match="older version"):
        learning.loads(learning.dumps(model, b"key"), b"key")


def test_batch_equals_single(detector):
    analyser = Analyzer(RULES, detector=detector)
    texts = ["Доставка опоздала, ужас", "great price", "", "<p>wait</p>"]
    assert analyser.analyse_many(texts) == [analyser.analyse(t) for t in texts]


def test_mixed_scripts_emoji_and_zero_width_characters(detector):
    analyser = Analyzer(RULES, detector=detector)
    mixed = analyser.analyse("Доставка опоздала!!! the courier said sorry 🙂 ačiū\u200b")
    assert mixed.language in {"ru", "en", "lt"}
    assert mixed.themes == ("delivery",)
    only_emoji = analyser.analyse("😡😡😡")
    assert only_emoji.language is None and only_emoji.sentiment == "negative"
    hindi_in_latin = analyser.analyse("delivery bahut late thi, डिलीवरी देर से")
    assert "delivery" in hindi_in_latin.themes
