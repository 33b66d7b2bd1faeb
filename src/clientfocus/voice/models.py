"""The voice of the customer (S10, S12, S19, S21, S22): surveys, feedback from anyone,
themes and tags, follow-ups, trend alerts, digests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScoreKind(models.TextChoices):
    NPS = "nps", _("NPS (0–10)")
    CSAT = "csat", _("CSAT (1–5)")
    CES = "ces", _("CES (1–7)")


SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def normalised(kind: str, score: int) -> float:
    """A score of any kind on one scale, 0 (worst) to 1 (best); CES is inverted (7 = a
    lot of effort)."""
    low, high = SCORE_RANGES[kind]
    value = (score - low) / (high - low)
    return 1 - value if kind == "ces" else value


def is_detractor(kind: str, score: int | None) -> bool:
    """NPS 0–6, CSAT 1–2, CES 6–7 (7 = a lot of effort)."""
    if score is None:
        return False
    return {
        "nps": score <= 6,
        "csat": score <= 2,
        "ces": score >= 6,
    }.get(kind, False)


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("negative")
    NEUTRAL = "neutral", _("neutral")
    POSITIVE = "positive", _("positive")


class Source(models.TextChoices):
    SURVEY = "survey", _("Survey")
    CUSTOMER = "customer", _("Customer (portal)")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    EMPLOYEE = "employee", _("Employee: a customer told me")


class Theme(models.Model):
    """One entry of the company's taxonomy with its multilingual keyword rules."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "One per line, any language. stem* matches any ending; several words match a phrase."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")

    def __str__(self) -> str:
        return self.name


class FeedbackItem(models.Model):
    """What a customer said, in their own words and language, with what we made of it.
    Survey answers are feedback items too (with their score)."""

    text = models.TextField(_("text"), blank=True)
    truncated = models.BooleanField(default=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    sentiment_score = models.FloatField(default=0.0)
    sentiment_by_staff = models.BooleanField(default=False)
    angry = models.BooleanField(_("angry"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    score_kind = models.CharField(max_length=4, choices=ScoreKind.choices, blank=True)
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    request = models.ForeignKey(
        "service.Request",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Snapshot of who the customer was when they spoke, for the breakdowns.
    tier_code = models.CharField(max_length=30, blank=True)
    segment = models.CharField(max_length=30, blank=True)
    queue = models.ForeignKey(
        "service.Queue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product_line = models.CharField(max_length=60, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When its text was removed (retention or erasure on request); score and themes stay.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    themes: models.ManyToManyField[Theme, ThemeTag] = models.ManyToManyField(
        Theme, through="ThemeTag", related_name="items"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="feedback_customer"),
            models.Index(fields=["score_kind", "created_at"], name="feedback_scores"),
        ]

    def __str__(self) -> str:
        return self.text[:60] or f"{self.score_kind} {self.score}"

    @property
    def is_detractor(self) -> bool:
        return is_detractor(self.score_kind, self.score)


class TagSource(models.TextChoices):
    RULE = "rule", _("keyword rule")
    MODEL = "model", _("classifier")
    STAFF = "staff", _("staff")


class ThemeTag(models.Model):
    """A theme on an item, who or what set it. A staff correction is kept: ``active``
    False means staff removed the theme; re-tagging never overrides staff."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="tags")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    # Copied from the item, so theme volumes over time read one index.
    created_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=5, choices=TagSource.choices)
    confidence = models.FloatField(default=1.0)
    active = models.BooleanField(default=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "theme"], name="one_tag_per_theme")]
        indexes = [models.Index(fields=["theme", "created_at"], name="tag_theme_time")]

    def __str__(self) -> str:
        return f"{self.theme} ({self.source})"


class ClassifierModel(models.Model):
    """A trained classifier (signed with SECRET_KEY; only the newest is used)."""

    created_at = models.DateTimeField(default=timezone.now)
    examples = models.PositiveIntegerField()
    blob = models.BinaryField()
    metrics = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"classifier {self.created_at:%Y-%m-%d %H:%M} ({self.examples} examples)"


class Trigger(models.TextChoices):
    REQUEST_RESOLVED = "request_resolved", _("Request resolved")
    ORDER_DELIVERED = "order_delivered", _("Order delivered")
    INTERNAL_RESOLVED = "internal_resolved", _("Internal request resolved")


class Survey(models.Model):
    """Which question to ask after which event, to whom, and how often at most."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=4, choices=ScoreKind.choices)
    trigger = models.CharField(_("after"), max_length=20, choices=Trigger.choices)
    tiers = models.ManyToManyField(
        "customers.Tier", blank=True, verbose_name=_("tiers"), help_text=_("Empty: every tier.")
    )
    min_days_between = models.PositiveIntegerField(
        _("minimum days between surveys of one customer"), default=90
    )
    valid_days = models.PositiveIntegerField(_("link valid for days"), default=30)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("survey")

    def __str__(self) -> str:
        return self.name


class InvitationState(models.TextChoices):
    SENT = "sent", _("sent")
    ANSWERED = "answered", _("answered")
    SKIPPED = "skipped", _("not sent")


class SurveyInvitation(models.Model):
    """A customer asked after a resolved request or a delivered order; or, for an
    internal request, the employee of the requesting department who filed it (S1:
    departments are each other's customers), answered in the app."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="internal_surveys",
    )
    department = models.ForeignKey(
        "people.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request = models.ForeignKey(
        "service.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8)
    notification = models.ForeignKey(
        "notify.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=InvitationState.choices, default=InvitationState.SENT
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["customer", "-created_at"], name="invitation_customer")]

    def __str__(self) -> str:
        return f"{self.survey} → {self.customer}"


class SurveyResponse(models.Model):
    """One answer per invitation: the one-to-one key makes a link single-use even when
    two clicks race."""

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response"
    )
    score = models.SmallIntegerField()
    # Customers' answers are feedback items (analysed, themed); an employee's answer about
    # another department is not customer feedback: its comment stays here.
    item = models.OneToOneField(
        FeedbackItem, on_delete=models.CASCADE, null=True, blank=True, related_name="response"
    )
    comment = models.TextField(blank=True, default="", db_default="")
    answered_at = models.DateTimeField(default=timezone.now)
    commented_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.invitation.survey.kind} {self.score}"


class FollowUpState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class FollowUp(models.Model):
    """Close the loop with an unhappy customer: owner, response target, outcome."""

    item = models.OneToOneField(FeedbackItem, on_delete=models.CASCADE, related_name="follow_up")
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voice_follow_ups",
    )
    reason = models.CharField(max_length=20)  # "detractor" | "angry"
    due_at = models.DateTimeField()
    overdue_notified = models.BooleanField(default=False)
    state = models.CharField(
        max_length=10, choices=FollowUpState.choices, default=FollowUpState.OPEN
    )
    outcome = models.TextField(_("what was done"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["state", "due_at"]
        indexes = [models.Index(fields=["state", "due_at"], name="follow_up_due")]

    def __str__(self) -> str:
        return f"follow-up {self.pk} ({self.state})"


class AlertState(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    CLOSED = "closed", _("closed")


class Alert(models.Model):
    """A theme rising beyond chance, with the statistic and the verbatims behind it."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12)  # "volume" | "negativity"
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    observed = models.FloatField()
    expected = models.FloatField()
    p_value = models.FloatField()
    statistic = models.TextField()
    # "" = all customers; "tier:<code>" or "segment:<code>": the rise within that group.
    group = models.CharField(max_length=70, blank=True, default="", db_default="")
    items = models.ManyToManyField(FeedbackItem, related_name="alerts", blank=True)
    state = models.CharField(max_length=12, choices=AlertState.choices, default=AlertState.OPEN)
    action = models.TextField(_("what was done"), blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.theme}: {self.kind}"


class AlertSubscription(models.Model):
    """A decision maker who wants alerts (all themes, or one), in-app and by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voice_subscriptions"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, help_text=_("Empty: all themes.")
    )
    email = models.BooleanField(_("also by e-mail"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "theme"], name="one_subscription_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.theme or 'all'}"


class Digest(models.Model):
    """The weekly customer-insight digest (S22), kept as the figures it showed."""

    week_start = models.DateField(unique=True)
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"digest {self.week_start}"


class DailyRollup(models.Model):
    """Per day and breakdown value (and theme): counts behind the decision makers'
    page, so it reads a few hundred rows, not a million items."""

    day = models.DateField()
    dimension = models.CharField(max_length=12)  # all | tier | segment | queue | product_line
    value = models.CharField(max_length=60, blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)  # items with words (not bare scores)
    negative = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    nps_n = models.PositiveIntegerField(default=0)
    nps_promoters = models.PositiveIntegerField(default=0)
    nps_detractors = models.PositiveIntegerField(default=0)
    csat_n = models.PositiveIntegerField(default=0)
    csat_satisfied = models.PositiveIntegerField(default=0)
    ces_n = models.PositiveIntegerField(default=0)
    ces_sum = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["dimension", "day"], name="rollup_dimension_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}"
