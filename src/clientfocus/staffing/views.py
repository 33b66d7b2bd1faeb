"""The staffing plan page and the roster."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clientfocus.core.charts import Chart, Series
from clientfocus.core.errors import ServiceError
from clientfocus.customers.services import decode_csv
from clientfocus.people.access import employee_required
from clientfocus.service.models import Queue
from clientfocus.service.permissions import can_see_overview
from clientfocus.staffing import services
from clientfocus.staffing.models import QueueStaffing, Shift


@employee_required
def plan(request: HttpRequest) -> HttpResponse:
    """Per queue and interval: forecast, agents needed for each tier's target, rostered
    staff, expected service level and ASA; gaps highlighted; a chart per day."""
    if not can_see_overview(request.user):
        raise Http404
    queues = list(Queue.objects.filter(staffing__isnull=False).select_related("department"))
    today = timezone.localdate()
    week_text = request.GET.get("week") or services.week_label(
        today - timedelta(days=today.weekday())
    )
    selected = next(
        (q for q in queues if str(q.pk) == request.GET.get("queue")), queues[0] if queues else None
    )
    error, result, days = "", None, []
    if selected is not None:
        try:
            result = services.week_plan(selected, services.parse_week(week_text))
        except ServiceError as exc:
            error = exc.message
    if result is not None:
        per_day = len(result.rows) // 7
        for d in range(7):
            rows = list(
                zip(
                    result.starts[d * per_day : (d + 1) * per_day],
                    result.rows[d * per_day : (d + 1) * per_day],
                    strict=True,
                )
            )
            bars = [{"start": start, "row": row} for start, row in rows]
            day = timezone.localtime(rows[0][0])
            chart = Chart(
                key=f"plan-{d}",
                title=_("%(day)s: staff needed and rostered per %(minutes)s-minute interval")
                % {"day": date_format(day, "l Y-m-d"), "minutes": result.interval_minutes},
                x_title=_("Interval start"),
                y_title=_("Staff (people)"),
                labels=[date_format(timezone.localtime(start), "H:i") for start, _row in rows],
                series=[
                    Series(_("Rostered"), [r.staff_rostered for _s, r in rows]),
                    Series(_("Needed"), [r.staff_needed for _s, r in rows], kind="line",
                           dashed=True),
                ],
                y_min=0,
            )  # fmt: skip
            days.append(
                {
                    "date": rows[0][0],
                    "chart": chart,
                    "bars": bars,
                    "contacts": round(sum(r.contacts for _, r in rows)),
                    "short": sum(1 for _, r in rows if r.gap < 0),
                }
            )
    return render(
        request,
        "staffing/plan.html",
        {
            "queues": queues,
            "selected": selected,
            "week": week_text,
            "result": result,
            "days": days,
            "error": error,
            "tiers": [t.tier for t in result.targets] if result else [],
        },
        status=422 if error else 200,
    )


@employee_required
def roster(request: HttpRequest) -> HttpResponse:
    """Who is on duty when: import a CSV, see the coming shifts."""
    if not can_see_overview(request.user):
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a CSV file.")]
        else:
            try:
                report = services.import_shifts_csv(
                    decode_csv(upload.read()), source=upload.name or "upload"
                )
            except ServiceError as exc:
                errors = [exc.message]
            else:
                errors = report.errors
                messages.success(request, _("%(n)s shift(s) added.") % {"n": report.created})
                if not errors:
                    return redirect("staffing:roster")
    now = timezone.now()
    shifts = Shift.objects.filter(end__gt=now, start__lt=now + timedelta(days=14)).select_related(
        "employee__user", "queue"
    )[:500]
    return render(
        request,
        "staffing/roster.html",
        {
            "shifts": shifts,
            "errors": errors,
            "configured": QueueStaffing.objects.select_related("queue").prefetch_related(
                "targets__tier"
            ),
        },
        status=422 if errors else 200,
    )
