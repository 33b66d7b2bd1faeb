"""The scorecard and the reports as tables: for the pages' CSV, XLSX and PDF downloads,
the CLI, and the monthly e-mail. One place decides the columns of each."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clientfocus.core.charts import Chart, Series
from clientfocus.core.documents import Document, Table, pdf_bytes
from clientfocus.scorecard.selectors import Card


def _yes(met: bool | None) -> str:
    return "—" if met is None else (_("met") if met else _("not met"))


def _levels(card: Card) -> dict[str, str]:
    return {
        "then": card.level_then_name or _("none yet"),
        "now": card.level_now_name or _("none yet"),
    }


def card_table(card: Card) -> Table:
    rows = [
        [
            x.level_name, x.name, x.shown, x.part, x.whole, x.threshold_then_shown,
            _yes(x.met_then), x.threshold_now_shown, _yes(x.met_now),
            "" if x.slope is None else round(x.slope * (100 if x.unit == "share" else 1), 2),
        ]
        for x in card.lines
    ]  # fmt: skip
    chart = Chart(
        key="scorecard",
        title=_("Criteria against their thresholds"),
        x_title=_("criterion"),
        y_title=_("of the threshold, per cent"),
        labels=[x.name for x in card.lines],
        series=[
            Series(
                _("value against the threshold, per cent"),
                [
                    None
                    if x.value is None or not x.threshold_now
                    else round(100 * (x.threshold_now / x.value if x.direction == "at_most"
                                      and x.value else x.value / x.threshold_now), 1)
                    for x in card.lines
                ],
            )
        ],
        unit=" %",
    )  # fmt: skip
    return Table(
        title=card.scope_name or _("Company"),
        header=[
            _("level"), _("criterion"), _("value"), _("part"), _("of"), _("threshold then"),
            _("then"), _("threshold now"), _("now"), _("trend per month"),
        ],
        rows=rows,
        note=_("Level reached: %(then)s (with today's thresholds: %(now)s).")
        % _levels(card),
        chart=chart,
    )  # fmt: skip


def card_document(card: Card) -> Document:
    steps = Table(
        title=_("What would move you to the next level soonest"),
        header=[_("criterion"), _("value"), _("threshold")],
        rows=[[x.name, x.shown, x.threshold_now_shown] for x in card.steps],
    )
    return Document(
        title=_("Customer orientation scorecard, %(month)s") % {"month": f"{card.month:%Y-%m}"},
        subtitle=card.scope_name,
        tables=[card_table(card), steps],
    )


def card_text(card: Card) -> str:
    lines = [
        _("Customer orientation scorecard, %(month)s") % {"month": f"{card.month:%Y-%m}"},
        _("Level reached: %(then)s (with today's thresholds: %(now)s).")
        % _levels(card),
        "",
    ]  # fmt: skip
    for x in card.lines:
        lines.append(f"- {x.name}: {x.shown} ({_yes(x.met_then)}; {x.threshold_then_shown})")
    if card.steps:
        lines += ["", _("What would move you to the next level soonest:")]
        lines += [f"- {x.name}: {x.shown} → {x.threshold_now_shown}" for x in card.steps]
    return "\n".join(lines)


def card_pdf(card: Card) -> bytes:
    return pdf_bytes(card_document(card))


def _share(value) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


VERDICTS = {
    "no_policy": gettext_noop(
        "No value-based tier policy has been applied: there is nothing to compare against."
    ),
    "too_early": gettext_noop(
        "The tier policy applied less than 90 days ago: retention changes show later."
    ),
    "no_history": gettext_noop(
        "No value figures from before the policy: the change cannot be measured."
    ),
    "too_few": gettext_noop("Too few customers in this group to tell a change from noise."),
    "measured": gettext_noop("Measured."),
}


def verdict(code: str) -> str:
    return _(VERDICTS.get(code, code))


def payback_document(data: dict, month: date, *, with_value: bool) -> Document:
    header = [_("by"), _("group"), _("customers"), _("cost: time"), _("cost: grants"),
              _("P(alive) then"), _("P(alive) now"), _("change")]  # fmt: skip
    if with_value:
        header += [_("value then"), _("value now"), _("value gained"), _("payback")]
    header.append(_("verdict"))
    rows = []
    for r in data.get("rows", []):
        row = [r["dimension"], r["key"], r["customers"], r["cost_time"], r["cost_grants"],
               r["p_alive_then"], r["p_alive_now"], r["p_alive_change"]]  # fmt: skip
        if with_value:
            row += [r["value_then"], r["value_now"], r["value_gained"], r["payback"]]
        row.append(verdict(r["verdict"]))
        rows.append(row)
    note = (
        _("Since the tier policy first applied (%(since)s), compared with the month %(base)s.")
        % {"since": (data.get("since") or "")[:10], "base": data.get("base_month") or "—"}
        if data.get("since")
        else verdict("no_policy")
    )
    tiers = [r for r in data.get("rows", []) if r["dimension"] == "tier"]
    chart = Chart(
        key="payback", title=_("Cost of service per tier"), x_title=_("tier"),
        y_title=_("cost"), labels=[r["key"] for r in tiers],
        series=[Series(_("time"), [r["cost_time"] for r in tiers]),
                Series(_("grants"), [r["cost_grants"] for r in tiers])],
        stacked=True,
    )  # fmt: skip
    return Document(
        title=_("Does customer orientation pay back? %(month)s") % {"month": f"{month:%Y-%m}"},
        tables=[Table(_("Payback per tier and segment"), header, rows, note=note, chart=chart)],
    )


REPORT_TITLES = {
    "product_line": gettext_noop("Per product line"),
    "tier": gettext_noop("Per tier"),
    "segment": gettext_noop("Per segment"),
}


def report_document(data: dict, month: date, *, with_value: bool) -> Document:
    dimension = data.get("dimension", "")
    header = [_("group"), _("customers"), _("requests"), _("resolved within target"),
              _("orders"), _("feedback"), _("negative"), _("CSAT 4–5"), _("NPS"),
              _("top complaint themes"), _("P(alive) falling"), _("ideas"),
              _("idea weight")]  # fmt: skip
    if with_value:
        header[5:5] = [_("revenue"), _("12-month value")]
    rows = []
    for r in data.get("rows", []):
        row = [r["key"], r["customers"], r["requests"], _share(r["resolved_met"]), r["orders"],
               r["feedback"], _share(r["negative"]), _share(r["csat"]), r["nps"],
               ", ".join(r["themes"]), r["falling"], r["ideas"], r["idea_weight"]]  # fmt: skip
        if with_value:
            row[5:5] = [r["revenue"], r["value"]]
        rows.append(row)
    top = data.get("rows", [])[:12]
    chart = Chart(
        key=f"report-{dimension}", title=_("Requests and complaints per group"),
        x_title=_("group"), y_title=_("count"), labels=[r["key"] for r in top],
        series=[Series(_("requests"), [r["requests"] for r in top]),
                Series(_("feedback"), [r["feedback"] for r in top])],
    )  # fmt: skip
    title = _(REPORT_TITLES.get(dimension, dimension))
    return Document(
        title=_("%(title)s, %(month)s") % {"title": title, "month": f"{month:%Y-%m}"},
        tables=[Table(title, header, rows, chart=chart)],
    )


def order_cycle_document(data: dict, month: date) -> Document:
    rows = [[r["stage"], r["open"], r["late"], r["delays"], r["complaints"]]
            for r in data.get("rows", [])]  # fmt: skip
    chart = Chart(
        key="order-cycle", title=_("Orders by stage"), x_title=_("stage"), y_title=_("orders"),
        labels=[r[0] for r in rows],
        series=[Series(_("open"), [r[1] for r in rows]), Series(_("late"), [r[2] for r in rows]),
                Series(_("complaints"), [r[4] for r in rows])],
    )  # fmt: skip
    return Document(
        title=_("The order cycle, %(month)s") % {"month": f"{month:%Y-%m}"},
        tables=[Table(_("Orders by stage"),
                      [_("stage"), _("open orders"), _("late"), _("delays this month"),
                       _("complaints this month")], rows, chart=chart)],
    )  # fmt: skip
