"""Playbooks, knowledge articles, reply templates and courses.

Texts that staff or customers read are kept per language (``{"en": …, "lt": …}``); a
reader gets their language, else English, else any language there is.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientfocus.core.texts import text_in

__all__ = ["text_in"]


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("internal")
    PUBLIC = "public", _("public (help centre)")


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class Article(models.Model):
    """A piece of knowledge in one or more languages, with an owner who keeps it true and
    a date by which it is read again."""

    shown: Any  # the text a page shows (knowledge.selectors.text_for)
    open: bool  # still to acknowledge in a course

    code = models.SlugField(_("code"), max_length=80, unique=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    review_every_days = models.PositiveIntegerField(_("review every (days)"), default=180)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    created_from = models.ForeignKey(
        "service.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("article")
        indexes = [models.Index(fields=["visibility", "state"], name="article_public")]

    def __str__(self) -> str:
        return self.code


class ArticleText(models.Model):
    """An article in one language: its current title and body (sanitised HTML), its
    version number in that language, and the stems the help-centre search reads."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("body"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Stems of title and body (voice.textsearch): what the full-text index reads.
    search_title = models.TextField(blank=True, default="")
    search_body = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="one_text_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.article.code} [{self.language}] v{self.version}"


class ArticleRevision(models.Model):
    """Every version of an article text as it was saved (the history)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    language = models.CharField(max_length=8)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body_html = models.TextField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.article_id} [{self.language}] v{self.version}"


class ArticleView(models.Model):
    """A help-centre article read by a customer; ``suggested``: opened from the
    suggestions shown while they wrote a new request (self-service)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    suggested = models.BooleanField(default=False)
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["suggested", "viewed_at"], name="article_view_suggested")]

    def __str__(self) -> str:
        return f"{self.article_id} read {self.viewed_at:%Y-%m-%d}"


class TemplateState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class ReplyTemplate(models.Model):
    """An answer to insert in the reply box, per language, with placeholders
    ({customer_name}, {reference}, {order}, {due}, {agent_name})."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    texts = models.JSONField(_("texts"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=TemplateState.choices, default=TemplateState.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_from = models.ForeignKey(
        "service.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reply template")

    def __str__(self) -> str:
        return self.name


class TemplateUse(models.Model):
    """A template inserted into a reply on a request (its outcome: the CSAT after)."""

    template = models.ForeignKey(ReplyTemplate, on_delete=models.CASCADE, related_name="uses")
    request = models.ForeignKey("service.Request", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["template", "request"], name="template_use")]

    def __str__(self) -> str:
        return f"{self.template_id} on {self.request_id}"


class Playbook(models.Model):
    """What to do in one situation. A criterion left empty matches any value; a request
    matches when every criterion that is set matches it."""

    # Filled by knowledge.selectors (the per-process copy) and the pages.
    step_list: list[Any]
    article_list: list[Any]
    template_list: list[Any]
    title: str
    open: bool

    code = models.SlugField(_("code"), max_length=80, unique=True)
    titles = models.JSONField(_("title"), default=dict)
    categories = models.ManyToManyField("service.Category", blank=True, related_name="+")
    channels = models.JSONField(default=list, blank=True)
    tiers = models.ManyToManyField("customers.Tier", blank=True, related_name="+")
    product_lines = models.JSONField(default=list, blank=True)
    themes = models.ManyToManyField("voice.Theme", blank=True, related_name="+")
    promises = models.JSONField(_("promises we make"), default=dict, blank=True)
    avoid = models.JSONField(_("words to avoid"), default=dict, blank=True)
    articles = models.ManyToManyField(Article, blank=True, related_name="playbooks")
    templates = models.ManyToManyField(ReplyTemplate, blank=True, related_name="playbooks")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    # When the playbook last changed materially: courses that hold it are read again.
    changed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("playbook")

    def __str__(self) -> str:
        return self.code


class StepKind(models.TextChoices):
    DO = "do", _("do")
    DONT = "dont", _("don't")


class Step(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=4, choices=StepKind.choices, default=StepKind.DO)
    texts = models.JSONField(default=dict)
    mandatory = models.BooleanField(_("mandatory"), default=False)

    class Meta:
        ordering = ["playbook", "position", "id"]

    def __str__(self) -> str:
        return f"{self.playbook_id} #{self.position}"


class StepTick(models.Model):
    """An agent's tick: this step was done on this request."""

    request = models.ForeignKey("service.Request", on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="ticks")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "step"], name="one_tick")]

    def __str__(self) -> str:
        return f"{self.step_id} on {self.request_id}"


class PlaybookRun(models.Model):
    """Recorded when a request is resolved: which playbook applied and which of its
    mandatory steps were not ticked (what the manager sees)."""

    missing: list[str]  # the skipped steps' texts, filled by the page

    request = models.ForeignKey("service.Request", on_delete=models.CASCADE, related_name="+")
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="runs")
    version = models.PositiveIntegerField()
    mandatory = models.PositiveSmallIntegerField(default=0)
    skipped = models.JSONField(default=list)  # ids of the mandatory steps not ticked
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    queue = models.ForeignKey(
        "service.Queue", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(default=timezone.now)
    skipped_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "playbook"], name="one_run_per_request")
        ]
        indexes = [models.Index(fields=["skipped_count", "-resolved_at"], name="run_skipped")]

    def __str__(self) -> str:
        return f"{self.playbook_id} on {self.request_id}: {self.skipped_count} skipped"


# -- training -------------------------------------------------------------------------------


class Course(models.Model):
    """Playbooks and articles to read and acknowledge, optionally a short quiz
    (``quiz``: ``[{"question": {lang: …}, "options": [{lang: …}, …], "answer": i}]``)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    titles = models.JSONField(_("title"), default=dict)
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    playbooks = models.ManyToManyField(Playbook, blank=True, related_name="courses")
    articles = models.ManyToManyField(Article, blank=True, related_name="courses")
    quiz = models.JSONField(default=list, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    due_days = models.PositiveSmallIntegerField(_("days to complete"), default=14)
    # Queues whose agents must have completed this course.
    required_for = models.ManyToManyField(
        "service.Queue", blank=True, related_name="+", verbose_name=_("required for queues")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")

    def __str__(self) -> str:
        return self.code


class Audience(models.Model):
    """Who a course is assigned to: everyone with a role, everyone in a department, or
    everyone working a queue (the queue's department)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="audiences")
    role = models.CharField(max_length=20, blank=True)
    department = models.ForeignKey(
        "people.Department", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    queue = models.ForeignKey(
        "service.Queue", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return (
            self.role or f"department {self.department_id}"
            if not self.queue_id
            else f"queue {self.queue_id}"
        )


class Enrolment(models.Model):
    """One employee's course: due date, the last reminder, whether (still) complete.
    ``completed_at`` is cleared when a playbook of the course changes materially."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    quiz_score = models.PositiveSmallIntegerField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="one_enrolment")]

    def __str__(self) -> str:
        return f"{self.course_id} → {self.user_id}"


class Acknowledgement(models.Model):
    """Read and understood: a playbook at a version, or an article."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="acks")
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, null=True, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.playbook_id or self.article_id} v{self.version}"
