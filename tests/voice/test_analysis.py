"""The pure analysis module: cleaning, language, sentiment, keyword rules, classifier."""

from __future__ import annotations

import pytest

from clientfocus.voice import analysis
from clientfocus.voice.analysis import Analyzer, Example, LanguageDetector, ThemeRule

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
def test_lexicon_sentiment(text, label):
    assert analysis.lexicon_sentiment(text).label == label


def test_angry_needs_negative_and_intensity():
    assert analysis.lexicon_sentiment("WORST SERVICE EVER, NEVER AGAIN!!").intense
    assert not analysis.lexicon_sentiment("The delivery was a bit late").intense


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
    model = analysis.train(examples, theme_codes=["delivery", "price", "waiting"])
    assert set(model.theme_models) == {"delivery", "price", "waiting"}
    rules_only = Analyzer(RULES, detector=None)
    learnt = Analyzer(RULES, detector=None, model=model)
    text = "wait, the price of item 42 went up again"
    assert "waiting" in rules_only.analyse(text).themes
    assert learnt.analyse(text).themes == ("price",)
    queue = learnt.analyse("a long queue at the counter number 99 today")
    assert queue.themes == ("waiting",) and queue.sources["waiting"] == "model"


def test_few_examples_leave_rules_in_charge():
    model = analysis.train(
        [Example("courier late", frozenset({"delivery"}))], theme_codes=["delivery"]
    )
    assert model.theme_models == {}
    assert Analyzer(RULES, detector=None, model=model).analyse("courier").themes == ("delivery",)


def test_sentiment_classifier_overrides_lexicon_when_confident():
    examples = [Example(f"the sofa is sick number {i}", frozenset(), "positive") for i in range(8)]
    examples += [Example(f"meh whatever {i}", frozenset(), "neutral") for i in range(8)]
    examples += [Example(f"it is a joke {i}", frozenset(), "negative") for i in range(8)]
    model = analysis.train(examples, theme_codes=[])
    result = Analyzer([], detector=None, model=model).analyse("the sofa is sick number 77")
    assert result.sentiment == "positive"


def test_model_blob_is_signed():
    model = analysis.train([], theme_codes=[])
    blob = analysis.dumps(model, b"key")
    assert analysis.loads(blob, b"key").examples == 0
    with pytest.raises(ValueError, match="signature"):
        analysis.loads(blob, b"other key")
    with pytest.raises(ValueError, match="signature"):
        analysis.loads(blob[:-1] + bytes([blob[-1] ^ 1]), b"key")


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
