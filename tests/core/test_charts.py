"""Charts people can read: title, axes with units, legend, hover values, a table view."""

from __future__ import annotations

import json

from clientfocus.core.charts import Chart, Series


def test_the_config_names_what_is_shown_and_the_table_holds_every_figure():
    chart = Chart(
        key="t", title="Targets met", x_title="Queue", y_title="Within target (%)",
        labels=["Care", "Logistics"],
        series=[Series("First response", [92.5, None]), Series("Needed", [3, 4], kind="line",
                                                                dashed=True)],
        y_min=0, y_max=100, unit=" %",
    )  # fmt: skip
    config = chart.config()
    options = config["options"]
    assert options["plugins"]["title"] == {"display": True, "text": "Targets met"}
    assert options["plugins"]["legend"]["display"] is True
    assert options["scales"]["x"]["title"]["text"] == "Queue"
    assert options["scales"]["y"]["title"]["text"] == "Within target (%)"
    assert (options["scales"]["y"]["min"], options["scales"]["y"]["max"]) == (0, 100)
    kinds = [(d["type"], d["borderDash"]) for d in config["data"]["datasets"]]
    assert kinds == [("bar", []), ("line", [6, 4])]
    assert config["unit"] == " %"
    json.dumps(config)  # goes to the page as JSON
    assert chart.table() == [
        ("Care", [("92.5 %", ""), ("3 %", "")]),
        ("Logistics", [("—", ""), ("4 %", "")]),
    ]
    assert "Targets met" in chart.summary() and "First response, Needed" in chart.summary()
