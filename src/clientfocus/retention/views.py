"""The at-risk worklist pages: today's cases (mine or all), one case with its evidence and
the outcome form, and what contacting achieved; the list exports to CSV, XLSX or PDF."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clientfocus.core.documents import FORMATS, Document, Table, download
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.people.access import employee_required
from clientfocus.retention import drift, selectors, services
from clientfocus.retention.models import Outcome
from clientfocus.retention.permissions import can_act, can_reassign, sees_all, shows_value

SIGNAL_NAMES = {
    "value_falling": gettext_lazy("value falling"),
    "detractor": gettext_lazy("detractor or angry"),
    "breached": gettext_lazy("targets breached"),
    "complaint": gettext_lazy("unresolved complaint"),
    "stopped_after_delay": gettext_lazy("stopped buying after a delay"),
}


def signal_name(code: str) -> str:
    return str(SIGNAL_NAMES.get(code, code))


def evidence(signal: dict) -> list[tuple[str, str]]:
    """(text, link) for each piece of evidence behind a signal."""
    code = signal.get("code")
    out: list[tuple[str, str]] = []
    if code == "value_falling":
        if "p_alive" in signal:
            high, now = signal["p_alive"]
            out.append((_("P(alive) %(high)s → %(now)s") % {"high": high, "now": now}, ""))
        if "value" in signal:
            high, now = signal["value"]
            out.append((_("12-month value %(high)s → %(now)s") % {"high": high, "now": now}, ""))
    elif code == "detractor":
        for s in signal.get("scores", []):
            out.append((f"{s['kind'].upper()} {s['score']} ({s['at']})", ""))
        for a in signal.get("angry", []):
            out.append((_("angry comment (%(at)s)") % {"at": a["at"]}, ""))
    elif code == "breached":
        for ref in signal.get("requests", []):
            out.append((ref, reverse("service:request", args=[ref])))
    elif code == "complaint":
        for c in signal.get("items", []):
            out.append((c["theme"], reverse("voice:themes")))
    elif code == "stopped_after_delay":
        out.append((
            _("order %(order)s delayed; %(days)s days without an order (usually %(gap)s)")
            % {"order": signal.get("order", ""), "days": signal.get("days_since_order"),
               "gap": signal.get("usual_gap_days")},
            reverse("orders:page", args=[signal.get("order", "")]) if signal.get("order") else "",
        ))  # fmt: skip
    return out


def _rows(user, cases) -> tuple[list[str], list[list[object]]]:
    header = [_("customer"), _("tier"), _("signals"), _("value at stake"), _("P(alive)"),
              _("assignee"), _("opened"), _("due"), _("outcome")]  # fmt: skip
    rows = []
    for case in cases:
        rows.append([
            case.customer.name, case.customer.tier.code,
            ", ".join(signal_name(c) for c in case.codes),
            case.value_at_stake if shows_value(user, case) else "",
            "" if case.p_alive is None else round(case.p_alive, 3),
            case.assignee.get_username() if case.assignee else "",
            str(case.opened_on), str(case.due_on), case.get_outcome_display() or "",
        ])  # fmt: skip
    return header, rows


@employee_required
def worklist(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in selectors.STATES:
        state = "open"
    signal = request.GET.get("signal", "")
    mine = request.GET.get("mine") == "1" or not sees_all(request.user)
    cases = selectors.worklist(request.user, state=state, mine=mine, signal=signal)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        header, rows = _rows(request.user, cases[:10000])
        title = _("Customers at risk")
        return download(Document(title, tables=[Table(title, header, rows)]), fmt, "at-risk")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    entries = [
        {
            "case": case,
            "signals": [(signal_name(s.get("code", "")), evidence(s)) for s in case.signals],
            "value": case.value_at_stake if shows_value(request.user, case) else None,
            "overdue": case.is_open and case.due_on < timezone.localdate(),
        }
        for case in page.object_list
    ]
    return render(request, "retention/worklist.html", {
        "page": page, "entries": entries, "state": state, "mine": mine, "signal": signal,
        "signals": [(c, signal_name(c)) for c in drift.SIGNALS],
        "counts": selectors.counts(request.user), "sees_all": sees_all(request.user),
        "states": selectors.STATES, "formats": FORMATS,
    })  # fmt: skip


def _case_or_404(request: HttpRequest, case_id: int):
    case = selectors.case_for(request.user, case_id)
    if case is None:
        raise Http404
    return case


@employee_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    found = _case_or_404(request, case_id)
    return render(request, "retention/case.html", {
        "case": found,
        "signals": [(signal_name(s.get("code", "")), evidence(s)) for s in found.signals],
        "value": found.value_at_stake if shows_value(request.user, found) else None,
        "can_act": can_act(request.user, found), "can_reassign": can_reassign(request.user),
        "outcomes": Outcome.choices,
    })  # fmt: skip


@require_POST
@employee_required
def outcome(request: HttpRequest, case_id: int) -> HttpResponse:
    found = _case_or_404(request, case_id)
    try:
        services.record_outcome(
            actor=request.user,
            case=found,
            outcome=request.POST.get("outcome", "")[:20],
            note=request.POST.get("note", "")[:2000],
        )
        messages.success(request, _("Outcome recorded."))
    except NotAllowed as exc:
        return HttpResponse(str(exc), status=403)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("retention:case", case_id=found.pk)


@require_POST
@employee_required
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    found = _case_or_404(request, case_id)
    due = None
    if request.POST.get("due_on"):
        try:
            due = date.fromisoformat(request.POST["due_on"][:10])
        except ValueError:
            messages.error(request, _("Give the due date as YYYY-MM-DD."))
            return redirect("retention:case", case_id=found.pk)
    try:
        services.reassign(
            actor=request.user,
            case=found,
            username=request.POST.get("assignee", "")[:150],
            due_on=due,
        )
        messages.success(request, _("Case reassigned."))
    except NotAllowed as exc:
        return HttpResponse(str(exc), status=403)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("retention:case", case_id=found.pk)


@employee_required
def effect(request: HttpRequest) -> HttpResponse:
    report = selectors.effect_report(request.user)
    return render(request, "retention/effect.html", {"report": report})
