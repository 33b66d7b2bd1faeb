"""Ideas customers and staff put forward, the votes that weigh them by what the voters
are worth, their status history, and the notices that close the loop with everybody
who asked."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientfocus.core.models import AppendOnlyModel


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SHIPPED = "shipped", _("Shipped")
    DECLINED = "declined", _("Declined")


# The outcomes everybody who asked is told about.
TOLD_STATUSES = (Status.PLANNED, Status.SHIPPED, Status.DECLINED)
# Where an idea may go from each status (a status may also be set again with a new message).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Status.OPEN: (Status.UNDER_REVIEW, Status.PLANNED, Status.DECLINED),
    Status.UNDER_REVIEW: (Status.OPEN, Status.PLANNED, Status.DECLINED),
    Status.PLANNED: (Status.UNDER_REVIEW, Status.IN_PROGRESS, Status.SHIPPED, Status.DECLINED),
    Status.IN_PROGRESS: (Status.PLANNED, Status.SHIPPED, Status.DECLINED),
    Status.SHIPPED: (Status.IN_PROGRESS,),
    Status.DECLINED: (Status.UNDER_REVIEW, Status.PLANNED),
}


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    HELD = "held", _("Held for approval")
    HIDDEN = "hidden", _("Hidden")


class Importance(models.TextChoices):
    NICE = "nice", _("Nice to have")
    IMPORTANT = "important", _("Important")
    CRITICAL = "critical", _("Critical")


class Idea(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    product_line = models.CharField(_("product line"), max_length=60, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    # Who put it forward: a customer in the portal, or an employee (for a customer or not).
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("customer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    official_response = models.TextField(_("official response"), blank=True)
    official_response_at = models.DateTimeField(null=True, blank=True)
    # Stems of title and description: what the full-text index reads (voice.textsearch).
    search_title = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    # Kept by every vote and by the nightly refresh (value changes): the ranking reads them.
    votes = models.PositiveIntegerField(_("votes"), default=0)
    weighted_votes = models.FloatField(_("weighted votes"), default=0)
    value_at_stake = models.FloatField(_("revenue at stake"), default=0)
    critical_votes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-weighted_votes", "-id"]
        indexes = [
            models.Index(fields=["-weighted_votes", "-id"], name="idea_weighted"),
            models.Index(fields=["-votes", "-id"], name="idea_votes"),
            models.Index(fields=["-created_at"], name="idea_newest"),
            models.Index(
                fields=["created_at"], condition=models.Q(visibility="held"), name="idea_held"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_listed(self) -> bool:
        """Shown to customers and offered as similar."""
        return self.visibility == Visibility.PUBLIC and self.merged_into_id is None

    @property
    def closed(self) -> bool:
        return self.merged_into_id is not None or self.status == Status.DECLINED


class Vote(models.Model):
    """One per customer per idea; the voter's value, tier and segment are kept as of the
    vote and refreshed nightly, so rankings read them without joining the value engine."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="vote_set")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="idea_votes"
    )
    importance = models.CharField(
        _("how important"), max_length=10, choices=Importance.choices, blank=True
    )
    # An employee who recorded it for the customer (a call, a visit).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    value = models.FloatField(default=0)  # the voter's expected value, 12 months
    weight = models.FloatField(default=0)  # value with the floor
    tier_id = models.IntegerField(null=True, blank=True)
    segment = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "customer"], name="one_vote_per_customer")
        ]
        indexes = [
            models.Index(fields=["customer"], name="vote_customer"),
            models.Index(fields=["tier_id", "idea"], name="vote_tier"),
            models.Index(fields=["segment", "idea"], name="vote_segment"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.idea_id}"


class Tally(models.Model):
    """Votes of an idea from one tier or one segment: the filtered rankings read these."""

    TIER, SEGMENT = "tier", "segment"
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="tallies")
    dimension = models.CharField(max_length=10)
    key = models.CharField(max_length=30)
    votes = models.PositiveIntegerField(default=0)
    weighted_votes = models.FloatField(default=0)
    value_at_stake = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "dimension", "key"], name="one_tally")
        ]
        indexes = [
            models.Index(fields=["dimension", "key", "-weighted_votes"], name="tally_weighted"),
            models.Index(fields=["dimension", "key", "-votes"], name="tally_votes"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} {self.dimension}={self.key}: {self.votes}"


class Link(models.Model):
    """Where a customer asked for it: a request, a feedback item, a call (no object)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="links")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="idea_links"
    )
    request = models.ForeignKey(
        "service.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback = models.ForeignKey(
        "voice.FeedbackItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["customer"], name="idea_link_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} asked for {self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    official = models.BooleanField(_("official answer"), default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class StatusChange(AppendOnlyModel):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="history")
    old_status = models.CharField(max_length=20, choices=Status.choices)
    new_status = models.CharField(max_length=20, choices=Status.choices)
    message = models.TextField(_("public message"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]


class NoticeState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    UNREACHABLE = "unreachable", _("Could not be reached")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed from this idea")


class Notice(models.Model):
    """One person who asked, told of one outcome: the close-the-loop record."""

    change = models.ForeignKey(StatusChange, on_delete=models.CASCADE, related_name="notices")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="notices")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="idea_notices"
    )
    state = models.CharField(max_length=12, choices=NoticeState.choices)
    reason = models.CharField(max_length=200, blank=True)
    notification = models.ForeignKey(
        "notify.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField()  # when this customer voted or was linked
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "customer"], name="one_notice_per_change")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.state}"


class Mute(models.Model):
    """A customer who asked not to hear about one idea again (one-click unsubscribe)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="mutes")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "customer"], name="one_mute")]

    def __str__(self) -> str:
        return f"{self.customer_id} muted {self.idea_id}"


class DuplicateState(models.TextChoices):
    PENDING = "pending", _("Pending")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Dismissed")


class DuplicateCandidate(models.Model):
    """Two ideas the similarity search thinks are one; staff merge or dismiss."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    original = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    state = models.CharField(
        max_length=10, choices=DuplicateState.choices, default=DuplicateState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "original"], name="one_candidate_per_pair")
        ]
        indexes = [models.Index(fields=["state", "-score"], name="duplicate_pending")]

    def __str__(self) -> str:
        return f"{self.idea_id} ~ {self.original_id} ({self.score})"


class ModerationAction(models.TextChoices):
    APPROVED = "approved", _("Approved")
    HIDDEN = "hidden", _("Hidden")
    SHOWN = "shown", _("Shown again")
    EDITED = "edited", _("Edited")
    MERGED = "merged", _("Merged")
    COMMENT_HIDDEN = "comment_hidden", _("Comment hidden")


class ModerationEntry(AppendOnlyModel):
    """What staff did to an idea besides its status, and why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="moderation")
    action = models.CharField(max_length=20, choices=ModerationAction.choices)
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
