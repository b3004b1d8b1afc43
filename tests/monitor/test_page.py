"""Protects the monitoring page: verdict first with one line per reason, every feature shown,
every value from data escaped, nothing loaded from anywhere, and every report the monitor may
write (no outcome yet, no estimate, unknown input quality, a metric without a value) renders.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import pytest

from modelops.monitor.page import render_page

HOSTILE = "<img src=x onerror=alert(1)>"


class Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and (cls is None or cls in (a.get("class") or "").split())
        ]


def test_verdict_comes_first_with_every_reason(example_report):
    html = render_page(example_report)
    body = html[html.index("<body>") :]
    first_section = Elements(body).all("section")[0]
    assert first_section["id"] == "verdict"
    assert "verdict alert" in first_section["class"]
    assert "<title>Monitoring: ALERT — model v0.1.0</title>" in html
    verdict = body[: body.index('id="drift"')]
    assert "<h1>ALERT</h1>" in verdict
    for reason in example_report["reasons"]:
        assert escape(reason["message"]) in verdict
        assert reason["check"] in verdict
    # The alert is listed before the warning, whatever order the monitor wrote them in.
    assert verdict.index("drift.Income") < verdict.index("drift.Amount")


def test_window_is_shown(example_report):
    window = render_page(example_report).split('id="window"')[1].split("</dl>")[0]
    for shown in ("2026-11-20 00:00 UTC", "2026-11-27 00:00 UTC", "v0.1.0", "10,000", "3,200"):
        assert shown in window
    assert "32.0%" in window


def test_every_feature_has_a_row_and_a_chart(example_report):
    html = render_page(example_report)
    table = html.split('id="drift-table"')[1].split("</table>")[0]
    charts = Elements(html).all("svg", "bars")
    labels = [svg["aria-label"] for svg in charts]
    features = example_report["drift"]["features"]
    assert len(features) == 13
    for feature in features:
        assert f"<td>{feature['name']}</td>" in table
        assert f"{feature['name']}: share per bin, reference vs now" in labels
    assert "p_default: share per bin, reference vs now" in labels
    assert len(charts) == len(features) + 1


def test_alerts_lead_the_drift_table(example_report):
    table = render_page(example_report).split('id="drift-table"')[1]
    rows = table.split("<tr")[2:]
    assert "<td>Income</td>" in rows[0] and "<td>Amount</td>" in rows[1]


def test_bars_are_as_tall_as_their_shares(example_report):
    """A share of 0.6 is twice as tall as 0.3; a tiny share stays visible; zero draws nothing."""
    income = example_report["drift"]["features"][4]
    income["current_shares"] = [0.6, 0.3999, 0.0001]
    income["reference_shares"] = [0.3, 0.7, 0.0]
    svg = render_page(example_report).split('aria-label="Income: share per bin')[1]
    bars = Elements(svg.split("</svg>")[0]).all("rect", "bar")
    heights = {float(b["data-share"]): float(b["height"]) for b in bars}
    assert heights[0.6] == pytest.approx(2 * heights[0.3], abs=0.15)
    assert heights[0.0001] >= 1
    assert heights[0.0] == 0


def test_missing_shares_in_the_drift_table(example_report):
    row = render_page(example_report).split("<td>Income</td>")[1].split("</tr>")[0]
    assert "9.0%" in row and "8.0%" in row  # missing now, then at the reference


@pytest.mark.parametrize(
    "place",
    ["feature", "label", "reason", "rule", "period", "version", "assumption", "metric"],
)
def test_values_from_data_are_escaped(example_report, place):
    report = example_report
    if place == "feature":
        report["drift"]["features"][0]["name"] = HOSTILE
    elif place == "label":
        report["drift"]["features"][9]["labels"][0] = HOSTILE
    elif place == "reason":
        report["reasons"][0]["message"] = HOSTILE
        report["reasons"][0]["check"] = HOSTILE
    elif place == "rule":
        report["input_quality"]["by_rule"][HOSTILE] = 3
    elif place == "period":
        report["over_time"][0]["period"] = HOSTILE
    elif place == "version":
        report["window"]["model_version"] = HOSTILE
    elif place == "assumption":
        report["estimated"]["assumption"] = HOSTILE
    elif place == "metric":
        report["live"]["metrics"][HOSTILE] = {"value": None, "reason": HOSTILE}
    html = render_page(report)
    assert HOSTILE not in html
    assert escape(HOSTILE) in html
    assert not Elements(html).all("img")


def test_an_attribute_cannot_be_broken_out_of(example_report):
    example_report["drift"]["features"][0]["name"] = '" onmouseover="alert(1)'
    page = Elements(render_page(example_report))
    assert not any("onmouseover" in attrs for _, attrs in page.tags)


def test_the_page_loads_nothing_and_runs_nothing(example_report):
    """No script, no address of another host: the page works offline and leaks nothing."""
    html = render_page(example_report)
    assert "http://" not in html and "https://" not in html
    page = Elements(html)
    assert not page.all("script")
    assert not [a for _, a in page.tags if "src" in a]
    assert [a["href"] for _, a in page.tags if "href" in a] == ["data:,"]
    csp = page.all("meta")[1]
    assert csp["http-equiv"] == "Content-Security-Policy"
    assert "default-src 'none'" in csp["content"]


def test_no_outcome_yet(example_report):
    example_report["live"] = None
    html = render_page(example_report)
    assert 'id="no-live"' in html
    # The estimate still fills its column.
    row = html.split("<td>ROC AUC</td>")[1].split("</tr>")[0]
    assert "0.820" in row and "n/a" in row


def test_no_estimate(example_report):
    example_report["estimated"] = None
    html = render_page(example_report)
    assert 'id="no-estimate"' in html
    assert "[0.760, 0.820]" in html  # live ROC AUC with its interval
    assert "<th>90% interval</th>" in html  # the confidence the monitor used (monitor.confidence)


def test_neither_live_nor_estimated(example_report):
    example_report["live"] = None
    example_report["estimated"] = None
    html = render_page(example_report)
    assert 'id="no-live"' in html and 'id="no-estimate"' in html
    assert 'id="performance-table"' not in html


def test_input_quality_unknown(example_report):
    example_report["input_quality"] = None
    html = render_page(example_report)
    section = html.split('id="input-quality"')[1]
    assert "Unknown" in section
    assert not Elements(html).all("svg", "rules")


def test_refusals_by_rule(example_report):
    section = render_page(example_report).split('id="input-quality"')[1]
    assert "400 of 10,400 requests refused (3.8%)" in section
    assert section.index("Age.range") < section.index("Home.allowed")  # most refused first
    assert "250 (2.4%)" in section


def test_a_metric_without_a_value_shows_why(example_report):
    brier = {"value": None, "reason": "no outcome among approved applications"}
    example_report["live"]["metrics"]["brier"] = brier
    row = render_page(example_report).split("<td>Brier score</td>")[1].split("</tr>")[0]
    assert "n/a" in row and "no outcome among approved applications" in row


def test_periods_without_outcomes_break_the_line(example_report):
    """Live ROC AUC is None in the last three periods: no point there, never a zero."""
    svg = Elements(render_page(example_report)).all
    live_points = [c for c in svg("circle", "point") if c["data-series"] == "live_roc_auc"]
    assert len(live_points) == 5
    example_report["over_time"][2]["live_roc_auc"] = None
    paths = Elements(render_page(example_report)).all("path", "series")
    assert [p["data-series"] for p in paths].count("live_roc_auc") == 2


def test_reference_roc_auc_line(example_report):
    html = render_page(example_report)
    assert "reference ROC AUC 0.859" in html
    example_report["live"] = None
    assert "reference ROC AUC" not in render_page(example_report)


def test_a_quiet_week():
    """The smallest report the monitor writes: verdict ok, nothing known yet."""
    report = {
        "verdict": "ok",
        "reasons": [],
        "window": {"since": "2026-11-20T00:00:00+00:00", "until": "2026-11-27T00:00:00+00:00",
                   "model_version": "v0.1.0", "predictions": 0, "with_outcome": 0},
        "drift": {"features": [], "score": None, "approval_rate": None},
        "input_quality": None,
        "live": None,
        "estimated": None,
        "over_time": [],
    }  # fmt: skip
    html = render_page(report)
    assert "<h1>OK</h1>" in html and "No check crossed a threshold." in html
    assert 'class="verdict ok"' in html
    assert not Elements(html).all("svg")


def test_an_unknown_verdict_is_shown_not_styled(example_report):
    example_report["verdict"] = "<b>"
    html = render_page(example_report)
    assert "<h1>&lt;B&gt;</h1>" in html
    assert 'class="verdict none"' in html


def test_not_a_number_is_shown_as_unknown(example_report):
    """json.dump writes NaN and json.load reads it back: never a "nan" on screen or in a chart."""
    nan = float("nan")
    income = example_report["drift"]["features"][4]
    income["psi"] = nan
    income["current_shares"][0] = nan
    example_report["over_time"][0]["estimated_roc_auc"] = nan
    example_report["live"]["metrics"]["roc_auc"] = {"value": nan, "low": nan, "high": nan}
    html = render_page(example_report)
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    assert "n/a" in html.split("<td>Income</td>")[1].split("</tr>")[0]


def test_what_the_monitor_writes_besides(example_report):
    """The monitor also names its reference, and has no approval rate without predictions."""
    example_report["window"]["reference"] = "reports/monitoring/reference.json"
    example_report["drift"]["approval_rate"] |= {"current": None, "change": None}
    html = render_page(example_report)
    assert "reports/monitoring/reference.json" in html.split('id="window"')[1].split("</dl>")[0]
    approval = html.split('id="approval-rate"')[1].split("</p>")[0]
    assert "n/a now vs 49.0% at reference" in approval
    assert "points" not in approval


TOO_LITTLE = {"level": "warn", "check": "predictions", "message": "too few predictions: 1 < 500"}


def headline(html: str) -> str:
    return html.split("<h1>")[1].split("</section>")[0]


def test_too_little_traffic_is_said_so_not_action_needed(example_report):
    report = {**example_report, "verdict": "warn", "reasons": [TOO_LITTLE]}
    top = headline(render_page(report))
    assert "Not enough traffic yet" in top
    assert "Action needed" not in top and "Watch" not in top


def test_a_finding_beside_too_little_traffic_keeps_its_headline(example_report):
    drift = {"level": "alert", "check": "input.refused", "message": "99% refused"}
    report = {**example_report, "verdict": "alert", "reasons": [drift, TOO_LITTLE]}
    top = headline(render_page(report))
    assert "Action needed" in top and "Not enough traffic yet" not in top


def test_the_markdown_says_too_little_traffic_too(example_report):
    from modelops.monitor.markdown import render_markdown

    report = {**example_report, "verdict": "warn", "reasons": [TOO_LITTLE]}
    assert "## ⏳ Monitoring: not enough traffic yet" in render_markdown(report)
    assert "## 🚨 Monitoring: alert" in render_markdown(example_report)
