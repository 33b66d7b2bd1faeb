"""Each scorecard criterion measured from the company's own data over a period, for the
company or one department: (value, part, whole). Run by the worker into monthly
snapshots, never by a page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from clientfocus.grants.models import Grant
from clientfocus.ideas.models import Notice as IdeaNotice
from clientfocus.ideas.models import NoticeState as IdeaNoticeState
from clientfocus.knowledge.models import Enrolment, PlaybookRun, TemplateUse
from clientfocus.notify.models import Notification
from clientfocus.orders.models import Milestone, OrderMilestone
from clientfocus.retention.selectors import contacted_in_time
from clientfocus.service.models import MessageKind, Request
from clientfocus.value.models import TierPolicyVersion
from clientfocus.voice.models import Alert, FeedbackItem, FollowUp, SurveyResponse, normalised

Figure = tuple[float | None, int, int]  # value, part, whole
GRANT_DECISION = timedelta(days=1)
ALERT_ACTION = timedelta(days=2)
PROACTIVE_WITHIN = timedelta(days=1)


def _share(part: int, whole: int) -> Figure:
    return (round(part / whole, 4) if whole else None), part, whole


def _dept(queryset, path: str, department: int | None):
    return queryset if department is None else queryset.filter(**{path: department})


def first_response(since, until, department) -> Figure:
    rows = _dept(
        Request.objects.filter(
            first_responded_at__gte=since,
            first_responded_at__lt=until,
            first_response_met__isnull=False,
        ),
        "queue__department_id",
        department,
    ).aggregate(n=Count("pk"), met=Count("pk", filter=Q(first_response_met=True)))
    return _share(rows["met"], rows["n"])


def resolution(since, until, department) -> Figure:
    rows = _dept(
        Request.objects.filter(
            resolved_at__gte=since, resolved_at__lt=until, resolution_met__isnull=False
        ),
        "queue__department_id",
        department,
    ).aggregate(n=Count("pk"), met=Count("pk", filter=Q(resolution_met=True)))
    return _share(rows["met"], rows["n"])


def _resolved(since, until, department):
    return _dept(
        Request.objects.filter(
            resolved_at__gte=since, resolved_at__lt=until, customer__isnull=False
        ),
        "queue__department_id",
        department,
    )


def first_contact(since, until, department) -> Figure:
    replies = (
        _resolved(since, until, department)
        .annotate(replies=Count("messages", filter=Q(messages__kind=MessageKind.REPLY)))
        .values_list("replies", flat=True)
    )
    whole = part = 0
    for n in replies.iterator(chunk_size=5000):
        whole += 1
        part += int(n <= 1)
    return _share(part, whole)


def promised(since, until, department) -> Figure:
    rows = _dept(
        Request.objects.filter(created_at__gte=since, created_at__lt=until, customer__isnull=False),
        "queue__department_id",
        department,
    ).aggregate(
        n=Count("pk"),
        promised=Count(
            "pk", filter=Q(resolution_due__isnull=False) | Q(first_response_due__isnull=False)
        ),
    )
    return _share(rows["promised"], rows["n"])


def csat(since, until, department) -> Figure:
    rows = _dept(
        FeedbackItem.objects.filter(
            created_at__gte=since, created_at__lt=until, score_kind="csat", score__isnull=False
        ),
        "request__queue__department_id",
        department,
    ).aggregate(n=Count("pk"), good=Count("pk", filter=Q(score__gte=4)))
    return _share(rows["good"], rows["n"])


def trained(since, until, department) -> Figure:
    """Staff with a course their queues require: those who completed all of them by the
    end of the period."""
    enrolments = _dept(
        Enrolment.objects.filter(
            course__required_for__isnull=False,
            course__active=True,
            assigned_at__lte=until,
            user__is_active=True,
        ),
        "user__employee__department_id",
        department,
    ).values_list("user_id", "completed_at")
    complete: dict[int, bool] = {}
    for user_id, done in enrolments.distinct():
        ok = done is not None and done < until
        complete[user_id] = complete.get(user_id, True) and ok
    return _share(sum(complete.values()), len(complete))


def _resolved_share(since, until, department, related) -> Figure:
    resolved = _resolved(since, until, department)
    rows = resolved.aggregate(
        n=Count("pk"),
        covered=Count("pk", filter=Q(Exists(related.filter(request_id=OuterRef("pk"))))),
    )
    return _share(rows["covered"], rows["n"])


def playbook_coverage(since, until, department) -> Figure:
    return _resolved_share(since, until, department, PlaybookRun.objects.all())


def knowledge_reuse(since, until, department) -> Figure:
    return _resolved_share(since, until, department, TemplateUse.objects.all())


def internal_csat(since, until, department) -> Figure:
    answers = _dept(
        SurveyResponse.objects.filter(
            invitation__employee__isnull=False, answered_at__gte=since, answered_at__lt=until
        ),
        "invitation__request__queue__department_id",
        department,
    ).values_list("invitation__survey__kind", "score")
    whole = part = 0
    for kind, score in answers.iterator(chunk_size=5000):
        whole += 1
        part += int(normalised(kind, score) >= 0.75)  # CSAT 4–5, NPS 9–10, CES 1–2
    return _share(part, whole)


def grants_in_time(since, until, department) -> Figure:
    asked = _dept(
        Grant.objects.filter(created_at__gte=since, created_at__lt=until).exclude(exceeds=""),
        "granted_by__employee__department_id",
        department,
    ).values_list("created_at", "decided_at")
    whole = part = 0
    for created, decided in asked:
        whole += 1
        part += int(decided is not None and decided - created <= GRANT_DECISION)
    return _share(part, whole)


def tiers_reviewed(since, until, department) -> Figure:
    """Days from the tier policy's last review (a version saved) to the period's end,
    if a value-based policy is applied; no data without one."""
    applied = TierPolicyVersion.objects.filter(
        is_active=True, applied_at__isnull=False, applied_at__lt=until
    ).exists()
    last = (
        TierPolicyVersion.objects.filter(created_at__lt=until)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if not applied or last is None:
        return None, 0, 0
    return float((until - last).days), 1, 1


def _nps(since, until) -> Figure:
    rows = FeedbackItem.objects.filter(
        created_at__gte=since, created_at__lt=until, score_kind="nps", score__isnull=False
    ).aggregate(
        n=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=9)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )
    if not rows["n"]:
        return None, 0, 0
    return round(100 * (rows["promoters"] - rows["detractors"]) / rows["n"], 1), 0, rows["n"]


def nps(since, until, department) -> Figure:
    return _nps(since, until)


def nps_trend(since, until, department) -> Figure:
    recent = _nps(until - timedelta(days=91), until)
    before = _nps(until - timedelta(days=182), until - timedelta(days=91))
    if recent[0] is None or before[0] is None:
        return None, 0, recent[2] + before[2]
    return round(recent[0] - before[0], 1), 0, recent[2] + before[2]


def detractors_in_time(since, until, department) -> Figure:
    rows = _dept(
        FollowUp.objects.filter(due_at__gte=since, due_at__lt=until),
        "owner__employee__department_id",
        department,
    ).values_list("due_at", "closed_at")
    whole = part = 0
    for due_at, closed_at in rows.iterator(chunk_size=5000):
        whole += 1
        part += int(closed_at is not None and closed_at <= due_at)
    return _share(part, whole)


def close_the_loop(since, until, department) -> Figure:
    closed = _dept(
        FollowUp.objects.filter(closed_at__gte=since, closed_at__lt=until),
        "owner__employee__department_id",
        department,
    ).aggregate(n=Count("pk"), told=Count("pk", filter=Q(customer_notified=True)))
    whole, part = closed["n"], closed["told"]
    if department is None:
        notices = (
            IdeaNotice.objects.filter(created_at__gte=since, created_at__lt=until)
            .exclude(state=IdeaNoticeState.UNSUBSCRIBED)
            .aggregate(n=Count("pk"), told=Count("pk", filter=Q(state=IdeaNoticeState.QUEUED)))
        )
        whole, part = whole + notices["n"], part + notices["told"]
    return _share(part, whole)


def alerts_in_time(since, until, department) -> Figure:
    whole = part = 0
    for created, acted in Alert.objects.filter(
        created_at__gte=since, created_at__lt=until
    ).values_list("created_at", "acted_at"):
        whole += 1
        part += int(acted is not None and acted - created <= ALERT_ACTION)
    return _share(part, whole)


def proactive(since, until, department) -> Figure:
    told_by_time: dict[int, bool] = defaultdict(bool)
    delays = list(
        OrderMilestone.objects.filter(
            kind=Milestone.DELAYED, occurred_at__gte=since, occurred_at__lt=until
        ).values_list("order_id", "occurred_at")
    )
    if not delays:
        return None, 0, 0
    ids = {order_id for order_id, _ in delays}
    sent: dict[int, list[datetime]] = defaultdict(list)
    for order_id, at in Notification.objects.filter(
        order_id__in=ids, created_at__gte=since - PROACTIVE_WITHIN
    ).values_list("order_id", "created_at"):
        sent[order_id].append(at)
    for order_id, occurred in delays:
        told_by_time[order_id] |= any(
            occurred - timedelta(hours=1) <= at <= occurred + PROACTIVE_WITHIN
            for at in sent.get(order_id, [])
        )
    return _share(sum(told_by_time.values()), len(told_by_time))


def at_risk_in_time(since, until, department) -> Figure:
    whole, part = contacted_in_time(
        since=since.date(), until=(until - timedelta(seconds=1)).date(), department_id=department
    )
    return _share(part, whole)


MEASURES: dict[str, Callable[[datetime, datetime, int | None], Figure]] = {
    "first_response": first_response,
    "resolution": resolution,
    "first_contact": first_contact,
    "promised": promised,
    "csat": csat,
    "trained": trained,
    "playbook_coverage": playbook_coverage,
    "knowledge_reuse": knowledge_reuse,
    "internal_csat": internal_csat,
    "grants_in_time": grants_in_time,
    "tiers_reviewed": tiers_reviewed,
    "nps": nps,
    "nps_trend": nps_trend,
    "detractors_in_time": detractors_in_time,
    "close_the_loop": close_the_loop,
    "alerts_in_time": alerts_in_time,
    "proactive": proactive,
    "at_risk_in_time": at_risk_in_time,
}
