"""What people read for each criterion and level, and where the data behind it is."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LEVEL_NAMES = {
    "quality": _("Quality service"),
    "professional": _("Professional service"),
    "centre": _("Service centre"),
}

NAMES = {
    "first_response": _("First answers within target"),
    "resolution": _("Requests resolved within target"),
    "first_contact": _("Resolved at first contact"),
    "promised": _("Requests with a promise"),
    "csat": _("Satisfied customers (CSAT 4–5)"),
    "trained": _("Staff trained for their queues"),
    "playbook_coverage": _("Resolved requests with a playbook"),
    "knowledge_reuse": _("Resolved requests with a reply template"),
    "internal_csat": _("Satisfied internal customers"),
    "grants_in_time": _("Grants decided within a day"),
    "tiers_reviewed": _("Days since the tier policy was reviewed"),
    "nps": _("Net Promoter Score"),
    "nps_trend": _("NPS change, last 3 months against the 3 before"),
    "detractors_in_time": _("Unhappy customers followed up in time"),
    "close_the_loop": _("Customers told what became of their feedback and ideas"),
    "alerts_in_time": _("Alerts acted on within two days"),
    "proactive": _("Delayed orders told before the customer asked"),
    "at_risk_in_time": _("Customers at risk contacted in time"),
}

# The page where the figures behind each criterion are (URL names).
SOURCES = {
    "first_response": "insights:overview",
    "resolution": "insights:overview",
    "first_contact": "insights:overview",
    "promised": "service:queue",
    "csat": "voice:dashboard",
    "trained": "knowledge:training",
    "playbook_coverage": "knowledge:skipped",
    "knowledge_reuse": "knowledge:templates",
    "internal_csat": "voice:scorecards",
    "grants_in_time": "grants:pending",
    "tiers_reviewed": "value:tiers",
    "nps": "voice:dashboard",
    "nps_trend": "voice:dashboard",
    "detractors_in_time": "voice:follow_ups",
    "close_the_loop": "voice:follow_ups",
    "alerts_in_time": "voice:alerts",
    "proactive": "scorecard:order_cycle",
    "at_risk_in_time": "retention:effect",
}


def source_url(code: str) -> str:
    return reverse(SOURCES[code])


def display(code: str, unit: str, value: float | None) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return f"{100 * value:.1f} %"
    if unit == "days":
        return f"{value:.0f}"
    return f"{value:+.1f}" if code == "nps_trend" else f"{value:.1f}"
