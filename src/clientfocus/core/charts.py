"""Charts people can read: a title that says what is shown, axes with units, a legend,
values on hover, and the same figures as a table (for screen readers, printing and
copying). Drawn in the browser by Chart.js (vendored, static/clientfocus/vendor) from the
JSON a view builds here; the table is server-rendered, so the figures are on the page
even without JavaScript.

Views build a ``Chart``; templates draw it with ``{% include "core/_chart.html" %}``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext as _

Kind = Literal["bar", "line"]

# Colours that keep 3:1 against white (WCAG 1.4.11 for graphics), told apart by more
# than hue: lines are dashed or solid, bars filled.
PALETTE = ["#1f5fa8", "#a3421a", "#2e7d32", "#6a3d9a", "#7a5c00", "#00695c"]


@dataclass
class Series:
    label: str
    values: list[float | None]
    kind: Kind = "bar"
    dashed: bool = False
    # Where each point's table cell links (e.g. the verbatims behind it); "" = none.
    links: list[str] = field(default_factory=list)


@dataclass
class Chart:
    key: str
    title: str
    x_title: str
    y_title: str
    labels: list[str]
    series: list[Series]
    y_min: float | None = None
    y_max: float | None = None
    # Added to every value on hover and in the table, e.g. " %".
    unit: str = ""
    stacked: bool = False

    @property
    def dom_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def config_id(self) -> str:
        return f"chart-{self.key}-data"

    @property
    def empty(self) -> bool:
        return all(v is None for s in self.series for v in s.values)

    def config(self) -> dict[str, Any]:
        """What static/clientfocus/app.js hands to Chart.js."""
        datasets = []
        for i, s in enumerate(self.series):
            colour = PALETTE[i % len(PALETTE)]
            datasets.append({
                "type": s.kind, "label": s.label, "data": s.values,
                "borderColor": colour,
                "backgroundColor": colour if s.kind == "bar" else "#ffffff",
                "borderWidth": 2, "borderDash": [6, 4] if s.dashed else [],
                "pointRadius": 3 if s.kind == "line" else 0, "spanGaps": False,
                # Lines are drawn over the bars.
                "order": 0 if s.kind == "line" else 1,
            })  # fmt: skip
        y_axis: dict[str, Any] = {
            "title": {"display": True, "text": self.y_title},
            "stacked": self.stacked,
        }
        if self.y_min is not None:
            y_axis["min"] = self.y_min
        if self.y_max is not None:
            y_axis["max"] = self.y_max
        return {
            "data": {"labels": self.labels, "datasets": datasets},
            "unit": self.unit,
            "options": {
                "animation": False,
                "responsive": True,
                "maintainAspectRatio": False,
                "interaction": {"mode": "index", "intersect": False},
                "plugins": {
                    "title": {"display": True, "text": self.title},
                    "legend": {"display": True, "position": "bottom"},
                },
                "scales": {
                    "x": {"title": {"display": True, "text": self.x_title},
                          "stacked": self.stacked},
                    "y": y_axis,
                },
            },
        }  # fmt: skip

    def table(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Rows of the table view: (x label, [(value text, link), …] per series)."""
        rows = []
        for i, label in enumerate(self.labels):
            cells = []
            for s in self.series:
                value = s.values[i] if i < len(s.values) else None
                text = "—" if value is None else f"{_number(value)}{self.unit}"
                cells.append((text, s.links[i] if i < len(s.links) else ""))
            rows.append((label, cells))
        return rows

    def summary(self) -> str:
        """One line for the canvas's accessible name."""
        return _("%(title)s: %(y)s by %(x)s (%(series)s). The figures are in the table.") % {
            "title": self.title, "y": self.y_title, "x": self.x_title,
            "series": ", ".join(s.label for s in self.series),
        }  # fmt: skip


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:.1f}"
