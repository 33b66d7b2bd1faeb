"""Charts are drawn by the vendored Chart.js: title, axis titles, a legend, values on
hover, and the same figures in a table."""

from __future__ import annotations

from playwright.sync_api import expect

from clientfocus.service.models import State
from clientfocus.service.services import add_message, change_state, open_request
from tests.e2e.test_accessibility import violations
from tests.e2e.test_agent_journey import sign_in


def test_the_overview_chart_has_axes_legend_hover_values_and_a_table(page, company):
    request = open_request(actor=company.agent, subject="Oven", body="Broken",
                           customer=company.customer, queue=company.care_queue)  # fmt: skip
    add_message(request=request, actor=company.agent, body="On our way.")
    change_state(request=request, actor=company.agent, state=State.RESOLVED)
    sign_in(page, "manager")
    page.goto("/overview/")
    canvas = page.locator("canvas[data-chart]")
    expect(canvas).to_have_count(1)
    drawn = page.evaluate("""() => {
        const chart = document.querySelector('canvas[data-chart]').chart;
        return {
          title: chart.options.plugins.title.text,
          x: chart.options.scales.x.title.text,
          y: chart.options.scales.y.title.text,
          legend: chart.legend.legendItems.map(i => i.text),
        };
    }""")
    assert drawn["title"] == "Targets met by queue, last 7 and 30 days"
    assert drawn["x"] == "Queue" and drawn["y"] == "Requests within target (%)"
    assert drawn["legend"][0] == "First response, 7 d" and len(drawn["legend"]) == 4
    box = canvas.bounding_box()
    assert box and box["height"] > 100
    # Hovering over the bars shows their values.
    for x in range(20, 100, 10):
        page.mouse.move(box["x"] + box["width"] * x / 100, box["y"] + box["height"] / 2)
        shown = page.evaluate(
            "() => document.querySelector('canvas[data-chart]').chart.tooltip.body"
            "?.map(b => b.lines.join(' ')) || []"
        )
        if shown:
            break
    assert any("%" in line for line in shown), shown
    # The table view holds the same figures, for screen readers and copying.
    page.get_by_text("Targets met by queue, last 7 and 30 days — table").click()
    table = page.locator(".chart-table table")
    expect(table).to_contain_text("Care")
    expect(table).to_contain_text("100.0 %")
    assert not violations(page)
