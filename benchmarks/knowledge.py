"""Knowledge at scale (PostgreSQL): the request page with matching playbooks at 100k
customers / 1M requests, and the help-centre search over 10k articles in five languages.

    .venv/bin/python benchmarks/knowledge.py [--database-url URL] [--reload] [--quick]
        [--articles 10000] [--playbooks 200]

Uses the service-desk benchmark's data (benchmarks/service_desk.py: 100k customers, 1M
requests, loaded once with COPY), then adds ``--playbooks`` playbooks (each 6 steps, two
mandatory, with criteria on channel, tier or both, linked articles and templates) and
``--articles`` public articles, each written in five languages (50k texts). Prints:
- GET /requests/<ref>/ as the agent handling it, before and after the playbooks exist
  (median of 40 requests that match at least one playbook), with the query count;
- the help-centre search (``knowledge.selectors.search``) over 200 queries in the five
  languages (median, p95), and GET /portal/help/?q= and /api/portal/help?q= (median).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from service_desk import (  # noqa: E402 - the sibling benchmark's data and helpers
    ensure_database,
    load,
    parser_with_database,
    quick_database,
    setup_django,
)

WORDS = {
    "en": "delivery sofa return refund invoice warranty repair assembly courier parcel table chair "
    "kitchen order payment account password damage scratch colour size measure bed mattress "
    "lamp storage upstairs discount voucher gift card cancel change address slot tracking",
    "ru": "доставка диван возврат деньги счёт гарантия ремонт сборка курьер посылка стол стул кухня "
    "заказ оплата аккаунт пароль повреждение царапина цвет размер кровать матрас лампа "
    "хранение этаж скидка купон подарок карта отмена адрес время отслеживание",
    "lt": "pristatymas sofa grąžinimas pinigai sąskaita garantija remontas surinkimas kurjeris "
    "siunta stalas kėdė virtuvė užsakymas mokėjimas paskyra slaptažodis pažeidimas įbrėžimas "
    "spalva dydis lova čiužinys lempa saugojimas aukštas nuolaida kuponas dovana kortelė",
    "sl": "dostava kavč vračilo denar račun garancija popravilo montaža kurir paket miza stol "
    "kuhinja naročilo plačilo račun geslo poškodba praska barva velikost postelja vzmetnica "
    "svetilka skladiščenje nadstropje popust kupon darilo kartica preklic naslov sledenje",
    "hi": "डिलीवरी सोफा वापसी धनवापसी बिल वारंटी मरम्मत असेंबली कूरियर पार्सल मेज कुर्सी रसोई "
    "ऑर्डर भुगतान खाता पासवर्ड नुकसान खरोंच रंग आकार बिस्तर गद्दा लैंप भंडारण मंजिल छूट कूपन "
    "उपहार कार्ड रद्द पता समय ट्रैकिंग",
}


def _text(rng: random.Random, language: str, n: int) -> str:
    words = WORDS[language].split()
    return " ".join(rng.choice(words) for _ in range(n))


def add_playbooks(rng: random.Random, count: int) -> None:
    """``count`` playbooks over 20 request categories (the requests get one each, once),
    half of them also for one channel, a fifth also for one tier: a request matches a
    handful, as in a company with a playbook per situation."""
    from django.db import connection

    from clientfocus.customers.models import Tier
    from clientfocus.knowledge.models import (
        Article,
        ArticleState,
        Playbook,
        ReplyTemplate,
        Step,
        TemplateState,
        Visibility,
    )  # fmt: skip
    from clientfocus.service.models import Category, Channel, Queue, Request

    categories = [
        Category.objects.get_or_create(
            name=f"Bench category {n}", defaults={"default_queue": Queue.objects.first()}
        )[0]
        for n in range(20)
    ]
    if Request.objects.filter(category__isnull=True).exists():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE service_request SET category_id = %s + (id %% 20) WHERE category_id IS NULL",
                [min(c.pk for c in categories)],
            )
    tiers = list(Tier.objects.all())
    article, _ = Article.objects.get_or_create(
        code="bench-guide",
        defaults={"visibility": Visibility.INTERNAL, "state": ArticleState.PUBLISHED},
    )
    template, _ = ReplyTemplate.objects.get_or_create(
        code="bench-reply",
        defaults={"name": "Bench reply", "state": TemplateState.PUBLISHED,
                  "texts": {"en": "Dear {customer_name}, about {reference}: {due}."}},
    )  # fmt: skip
    for i in range(count):
        playbook = Playbook.objects.create(
            code=f"bench-{i}", titles={"en": f"Situation {i}"},
            channels=[rng.choice(Channel.values)] if i % 2 else [],
            promises={"en": "An answer within one working day."}, avoid={"en": "unfortunately"},
        )  # fmt: skip
        playbook.categories.set([categories[i % 20]])
        if i % 5 == 0:
            playbook.tiers.set([rng.choice(tiers)])
        playbook.articles.set([article])
        playbook.templates.set([template])
        Step.objects.bulk_create(
            [Step(playbook=playbook, position=n, texts={"en": f"Step {n}"}, mandatory=n < 2)
             for n in range(6)]
        )  # fmt: skip


def add_articles(rng: random.Random, count: int) -> None:
    from django.db import transaction

    from clientfocus.knowledge.models import Article, ArticleState, ArticleText, Visibility
    from clientfocus.knowledge.services.articles import index_terms

    have = Article.objects.filter(code__startswith="help-").count()
    if have >= count:
        print(f"articles present: {have:,} (use --reload to rebuild)")
        return
    started = time.perf_counter()
    for start in range(have, count, 500):
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                [Article(code=f"help-{i}", visibility=Visibility.PUBLIC, state=ArticleState.PUBLISHED)
                 for i in range(start, min(start + 500, count))]
            )  # fmt: skip
            texts = []
            for article in articles:
                for language in WORDS:
                    text = ArticleText(
                        article=article, language=language, title=_text(rng, language, 5),
                        body_html="<p>" + _text(rng, language, 120) + "</p>",
                    )  # fmt: skip
                    index_terms(text)
                    texts.append(text)
            ArticleText.objects.bulk_create(texts)
    print(
        f"loaded {count - have:,} articles x 5 languages in {time.perf_counter() - started:.0f} s"
    )


def request_page(rng: random.Random, label: str) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from clientfocus.knowledge import selectors
    from clientfocus.service.models import Request

    candidates = list(
        Request.objects.filter(assignee__isnull=False).select_related("assignee", "customer")
        .order_by("-id")[:2000]
    )  # fmt: skip
    rng.shuffle(candidates)
    chosen = (
        [r for r in candidates if selectors.playbooks_for(r)][:40]
        if label != "before"
        else candidates[:40]
    )
    timings, queries, matched = [], [], []
    for req in chosen:
        client = Client(HTTP_HOST="localhost")
        client.force_login(req.assignee)
        client.get(f"/requests/{req.reference}/")  # warm up the session and the playbook copy
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(f"/requests/{req.reference}/")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured.captured_queries))
        matched.append(len(selectors.playbooks_for(req)))
    print(
        f"GET /requests/<ref>/ {label}: {statistics.median(timings):.1f} ms median "
        f"({statistics.median(queries):.0f} queries, {statistics.median(matched):.0f} playbooks shown)"
    )


def help_search(rng: random.Random) -> None:
    from django.test import Client

    from clientfocus.knowledge import selectors

    queries = [
        (lang, " ".join(rng.sample(words.split(), 2)))
        for lang, words in WORDS.items()
        for _ in range(40)
    ]
    for language, q in queries[:10]:
        selectors.search(q, language)
    timings, hits = [], []
    for language, q in queries:
        started = time.perf_counter()
        found = selectors.search(q, language)
        timings.append((time.perf_counter() - started) * 1000)
        hits.append(len(found))
    timings.sort()
    print(
        f"help-centre search ({len(queries)} queries, 5 languages): {statistics.median(timings):.1f} ms "
        f"median, p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, {statistics.mean(hits):.1f} hits"
    )
    client = Client(HTTP_HOST="localhost")
    for path in ("/portal/help/?lang={lang}&q={q}", "/api/portal/help?language={lang}&q={q}"):
        page = []
        for language, q in queries[::5]:
            started = time.perf_counter()
            response = client.get(path.format(lang=language, q=q))
            page.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        print(f"GET {path.split('?')[0]}?q=…: {statistics.median(page):.1f} ms median")


def main() -> None:
    parser = parser_with_database(__doc__, "2,000 customers / 5,000 requests, 100 articles")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--playbooks", type=int, default=200)
    args = parser.parse_args()
    url, articles, playbooks = args.database_url, args.articles, args.playbooks
    if args.quick:
        url, articles, playbooks = quick_database(url, requests=5_000), 100, 20
    else:
        ensure_database(url, args.reload)
    setup_django(url)
    rng = random.Random(3)
    load(rng)
    from clientfocus.knowledge.models import Playbook

    Playbook.objects.filter(code__startswith="bench-").delete()
    request_page(rng, "before")
    add_playbooks(rng, playbooks)
    request_page(rng, f"with {playbooks} playbooks")
    add_articles(rng, articles)
    help_search(rng)


if __name__ == "__main__":
    main()
