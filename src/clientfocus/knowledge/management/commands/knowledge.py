"""`clientfocus knowledge …`: playbooks, articles, templates and training for operators.

- ``articles [--json] [--search TEXT] [--language L]``: the knowledge base, or a search;
- ``export [--output FILE]``: articles (every language), templates, playbooks and courses
  as one JSON document, the shape ``load`` reads;
- ``load FILE --as USER``: write articles, templates, playbooks and courses from it
  (a manager's rights; each item as a whole, in order; a bad item stops with its number);
- ``skipped [--days N] [--json]``: resolved requests where a mandatory step was skipped;
- ``training [--json]``: who is not trained for the queues that require a course;
- ``remind``: enrol new staff and remind those whose training is due (the nightly job).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.knowledge import selectors, services
from clientfocus.knowledge.models import Article, Course, Playbook, ReplyTemplate
from clientfocus.knowledge.services.training import untrained_by_queue
from clientfocus.service.models import Queue

MAX_FILE = 50 * 1024 * 1024


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


class Command(BaseCommand):
    help = "Playbooks, articles, templates and training: list, search, export, load, check."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        articles = sub.add_parser("articles", help="the knowledge base, or a search")
        articles.add_argument("--json", action="store_true")
        articles.add_argument("--search", default="")
        articles.add_argument("--language", default="en")
        export = sub.add_parser("export", help="everything as JSON (what load reads)")
        export.add_argument("--output", help="a file to write (default: standard output)")
        load = sub.add_parser("load", help="articles, templates, playbooks, courses from JSON")
        load.add_argument("file")
        load.add_argument("--as", dest="user", required=True, help="a manager's user name")
        skipped = sub.add_parser("skipped", help="resolved requests with a skipped mandatory step")
        skipped.add_argument("--days", type=int, default=30)
        skipped.add_argument("--json", action="store_true")
        training = sub.add_parser("training", help="who is not trained for their queues")
        training.add_argument("--json", action="store_true")
        sub.add_parser("remind", help="enrol new staff; remind those whose training is due")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, "do_" + action)(**options)
        except ServiceError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        except NotAllowed as exc:
            raise CommandError(str(exc)) from exc

    def do_articles(self, *, json: bool, search: str, language: str, **_) -> None:
        rows = selectors.listing(search, language, limit=None)
        if json:
            self.stdout.write(_json(rows))
            return
        if not rows:
            self.stdout.write("no articles" + (" found" if search.strip() else " yet"))
        for r in rows:
            self.stdout.write(
                f"{r['code']:<32} {r['state']:<10} {r['visibility']:<9}"
                f" [{r['language']}] {r['title']}"
            )

    def do_export(self, *, output: str | None, **_) -> None:
        document = {
            "articles": [
                {
                    "code": a.code,
                    "visibility": a.visibility,
                    "state": a.state,
                    "review_every_days": a.review_every_days,
                    "texts": [
                        {"language": t.language, "title": t.title, "body_html": t.body_html}
                        for t in a.texts.all()
                    ],
                }
                for a in Article.objects.prefetch_related("texts")
            ],
            "templates": [
                {"code": t.code, "name": t.name, "texts": t.texts, "state": t.state}
                for t in ReplyTemplate.objects.all()
            ],
            "playbooks": [
                {
                    "code": p.code,
                    "titles": p.titles,
                    "active": p.active,
                    "steps": [
                        {"kind": s.kind, "texts": s.texts, "mandatory": s.mandatory}
                        for s in p.steps.all()
                    ],
                    "categories": [c.name for c in p.categories.all()],
                    "channels": p.channels,
                    "tiers": [t.code for t in p.tiers.all()],
                    "product_lines": p.product_lines,
                    "themes": [t.code for t in p.themes.all()],
                    "promises": p.promises,
                    "avoid": p.avoid,
                    "articles": [a.code for a in p.articles.all()],
                    "templates": [t.code for t in p.templates.all()],
                }
                for p in Playbook.objects.prefetch_related(
                    "steps", "categories", "tiers", "themes", "articles", "templates"
                )
            ],
            "courses": [
                {
                    "code": c.code,
                    "titles": c.titles,
                    "descriptions": c.descriptions,
                    "playbooks": [p.code for p in c.playbooks.all()],
                    "articles": [a.code for a in c.articles.all()],
                    "quiz": c.quiz,
                    "pass_mark": c.pass_mark,
                    "due_days": c.due_days,
                    "active": c.active,
                    "required_for": [q.pk for q in c.required_for.all()],
                    "audiences": [
                        {
                            k: v
                            for k, v in (
                                ("role", a.role),
                                ("department", a.department.code if a.department else None),
                                ("queue", a.queue_id),
                            )
                            if v
                        }
                        for a in c.audiences.all()
                    ],
                }
                for c in Course.objects.prefetch_related(
                    "playbooks", "articles", "required_for", "audiences__department"
                )
            ],
        }
        text = _json(document)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"wrote {output}")
        else:
            self.stdout.write(text)

    def do_load(self, *, file: str, user: str, **_) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"--as: no user {user!r}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if path.stat().st_size > MAX_FILE:
            raise CommandError(f"{file}: larger than 50 MB")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: not JSON ({exc})") from exc
        if not isinstance(document, dict):
            raise CommandError(f"{file}: an object with articles, templates, playbooks, courses")
        counts = {"articles": 0, "templates": 0, "playbooks": 0, "courses": 0}
        with transaction.atomic():  # all or nothing
            for kind in counts:
                items = document.get(kind) or []
                if not isinstance(items, list):
                    raise CommandError(f"{kind}: a list is expected")
                for n, item in enumerate(items, start=1):
                    if not isinstance(item, dict) or not isinstance(item.get("code"), str):
                        raise CommandError(f"{kind} #{n}: an object with a code")
                    try:
                        self._load_one(kind, item, actor)
                    except ServiceError as exc:
                        raise CommandError(
                            f"{kind} #{n} ({item['code']}): {exc.field}: {exc.message}"
                        ) from exc
                    counts[kind] += 1
        self.stdout.write(", ".join(f"{n} {kind}" for kind, n in counts.items()) + " loaded")

    def _load_one(self, kind: str, item: dict, actor) -> None:
        code = item["code"]
        if kind == "articles":
            texts = item.get("texts") or []
            if not isinstance(texts, list) or not texts:
                raise ServiceError("texts", "an article needs at least one text")
            for text in texts:
                if not isinstance(text, dict):
                    raise ServiceError("texts", "each text is an object")
                article = services.save_article(
                    actor=actor,
                    code=code,
                    language=str(text.get("language", "")),
                    title=str(text.get("title", "")),
                    body=str(text.get("body_html") or text.get("body") or ""),
                    html="body_html" in text,
                    visibility=item.get("visibility"),
                    review_every_days=item.get("review_every_days"),
                )
            if item.get("state") in {"published", "archived"}:
                services.set_state(actor=actor, article=article, state=item["state"])
        elif kind == "templates":
            services.save_template(
                actor=actor,
                code=code,
                name=str(item.get("name", "")),
                texts=item.get("texts"),
                state=item.get("state"),
            )
        elif kind == "playbooks":
            data = {k: v for k, v in item.items() if k != "code"}
            services.save_playbook(
                actor=actor, code=code, data=data, material=bool(item.get("material", False))
            )
        else:
            services.save_course(
                actor=actor, code=code, data={k: v for k, v in item.items() if k != "code"}
            )

    def do_skipped(self, *, days: int, json: bool, **_) -> None:
        if not 1 <= days <= 3650:
            raise CommandError("--days: from 1 to 3650")
        runs = selectors.skipped_runs(since=timezone.now() - timedelta(days=days))[:1000]
        rows = [
            {
                "request": r.request.reference,
                "playbook": r.playbook.code,
                "skipped": r.skipped_count,
                "assignee": r.assignee.get_username() if r.assignee else None,
                "resolved_at": r.resolved_at.isoformat(),
            }
            for r in runs
        ]
        if json:
            self.stdout.write(_json(rows))
            return
        if not rows:
            self.stdout.write(f"no mandatory step skipped in {days} days")
        for r in rows:
            self.stdout.write(
                f"{r['request']:<14} {r['playbook']:<24} {r['skipped']} skipped"
                f"  {r['assignee'] or '-'}  {str(r['resolved_at'])[:16]}"
            )

    def do_training(self, *, json: bool, **_) -> None:
        rows = [
            {"queue": q.name, "user": u.get_username(), "courses": [c.code for c in lacking]}
            for q, people in untrained_by_queue(Queue.objects.select_related("department"))
            for u, lacking in people
        ]
        if json:
            self.stdout.write(_json(rows))
            return
        if not rows:
            self.stdout.write("everyone is trained for the queues they work in")
        for r in rows:
            self.stdout.write(f"{r['queue']:<24} {r['user']:<20} {', '.join(r['courses'])}")

    def do_remind(self, **_) -> None:
        done = services.daily()
        self.stdout.write(f"{done['enrolled']} enrolled, {done['reminded']} reminded")
