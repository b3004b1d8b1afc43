"""The monitoring page: one self-contained HTML document rendered from the monitoring report.

Verdict first, then the reasons, the window, drift, performance and input quality. Charts are
inline SVG drawn here; the page has no script and loads nothing (its Content-Security-Policy
forbids it), so it can be opened from a file, a CI artifact or the service alike. Every value
that came from data (feature names, category labels, messages) is escaped.
"""

from __future__ import annotations

import math
from datetime import datetime
from html import escape

from modelops.monitor.coverage import exploration_statement
from modelops.monitor.verdict import only_too_little

LEVELS = ("alert", "warn", "ok")
VERDICT_LINES = {
    "alert": "Action needed: a check crossed its alert threshold.",
    "warn": "Watch: a check crossed its warning threshold.",
    "ok": "No check crossed a threshold.",
}
NOT_ENOUGH_TRAFFIC = "Not enough traffic yet: too few predictions or outcomes to judge."
METRIC_LABELS = {
    "roc_auc": "ROC AUC",
    "brier": "Brier score",
    "approval_rate": "Approval rate",
    "bad_rate_among_approved": "Bad rate among approved",
    "expected_bad_rate": "Expected bad rate",
    "business.value_per_application": "Business value per application",
}
# Shares and rates read best as percentages; scores and money as plain numbers.
PERCENT_METRICS = frozenset({"approval_rate", "bad_rate_among_approved", "expected_bad_rate"})
ESTIMATED_METRICS = (
    "roc_auc",
    "approval_rate",
    "bad_rate_among_approved",
    "expected_bad_rate",
    "business.value_per_application",
)
REFERENCE_COLOUR = "#8c959f"
CURRENT_COLOUR = "#0969da"
SERIES = (  # over time: key, label, colour, dash pattern (colour is not the only cue)
    ("live_roc_auc", "Live ROC AUC", "#0969da", ""),
    ("estimated_roc_auc", "Estimated ROC AUC", "#8250df", "6 4"),
    ("label_coverage", "Label coverage", "#1a7f37", "2 3"),
)

CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa;
  --ok: #1a7f37; --ok-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5;
  --alert: #cf222e; --alert-bg: #ffebe9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 6px;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 0 0 6px; }
p.note, .muted { color: var(--muted); font-size: 13px; }
.verdict { border: 2px solid var(--line); border-radius: 10px; padding: 18px 22px; }
.verdict.ok { border-color: var(--ok); background: var(--ok-bg); }
.verdict.warn { border-color: var(--warn); background: var(--warn-bg); }
.verdict.alert { border-color: var(--alert); background: var(--alert-bg); }
.verdict .label { font-size: 13px; text-transform: uppercase; letter-spacing: .08em; }
.verdict h1 { font-size: 34px; }
.verdict ul { margin: 10px 0 0; padding-left: 0; list-style: none; }
.verdict li { margin: 4px 0; }
.badge { display: inline-block; min-width: 52px; text-align: center; padding: 0 8px;
  border-radius: 10px; font-size: 12px; font-weight: 600; text-transform: uppercase;
  border: 1px solid var(--line); background: #fff; }
.badge.ok { color: var(--ok); border-color: var(--ok); }
.badge.warn { color: var(--warn); border-color: var(--warn); }
.badge.alert { color: #fff; background: var(--alert); border-color: var(--alert); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); }
dl.window { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
  gap: 10px; margin: 16px 0 0; }
dl.window div { background: var(--bg); border-radius: 8px; padding: 8px 12px; }
dl.window dt { color: var(--muted); font-size: 12px; }
dl.window dd { margin: 0; font-size: 17px; font-weight: 600; }
table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.alert td:first-child { border-left: 3px solid var(--alert); }
tr.warn td:first-child { border-left: 3px solid var(--warn); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card.alert { border-color: var(--alert); }
.card.warn { border-color: var(--warn); }
.legend { font-size: 13px; color: var(--muted); margin: 14px 0 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
  vertical-align: -1px; margin: 0 4px 0 10px; }
svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.empty { background: var(--bg); border-radius: 8px; padding: 10px 14px; color: var(--muted); }
details { margin-top: 8px; }
"""
# No script, nothing from another place: only inline styles and the empty data: favicon
# (without it the browser asks the server for /favicon.ico).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render_page(report: dict) -> str:
    """The monitoring report (monitoring.json) as one self-contained HTML document."""
    verdict = str(report.get("verdict") or "unknown")
    window = report.get("window") or {}
    title = f"Monitoring: {verdict.upper()}"
    if window.get("model_version"):
        title += f" — model {window['model_version']}"
    drift = report.get("drift") or {}
    body = [
        *_verdict_section(verdict, report.get("reasons") or [], window),
        *_drift_section(drift),
        *_performance_section(report.get("live"), report.get("estimated"), drift),
        *_coverage_section(report.get("label_coverage")),
        *_exploration_section(report.get("exploration")),
        *_over_time_section(report.get("over_time") or [], report.get("live")),
        *_input_quality_section(report.get("input_quality")),
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="icon" href="data:,">',
            f"<title>{_e(title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


# ---------------------------------------------------------------- formatting


def _e(value: object) -> str:
    """Any value as escaped text (quotes too: the same helper fills attributes)."""
    return escape(str(value), quote=True)


def _is_number(value: object) -> bool:
    """A finite number: NaN survives a JSON round trip, and must never become a coordinate."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _unknown(value: object) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _num(value: object, digits: int = 3) -> str:
    if _unknown(value):
        return "n/a"
    if not _is_number(value):
        return _e(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _pct(value: object, digits: int = 1) -> str:
    if not _is_number(value):
        return "n/a" if _unknown(value) else _e(value)
    return f"{100 * value:.{digits}f}%"


def _metric(name: str, value: object) -> str:
    return _pct(value) if name in PERCENT_METRICS else _num(value, 2 if "business" in name else 3)


def _when(value: object) -> str:
    """An ISO timestamp as `2026-11-20 00:00 UTC`; anything else as it is."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return _e(value)
    offset = moment.utcoffset()
    zone = "" if offset is None else (" UTC" if not offset else moment.strftime(" %z"))
    return _e(moment.strftime("%Y-%m-%d %H:%M") + zone)


def _level(level: object) -> str:
    """A level as a CSS class: only the known ones (data never becomes markup)."""
    return str(level) if level in LEVELS else "none"


def _badge(level: object) -> str:
    return f'<span class="badge {_level(level)}">{_e(level or "n/a")}</span>'


def _metric_label(name: str) -> str:
    return _e(METRIC_LABELS.get(name, name))


# ---------------------------------------------------------------- sections


def _headline(verdict: str, reasons: list[dict]) -> str:
    if only_too_little(reasons):
        return NOT_ENOUGH_TRAFFIC
    return VERDICT_LINES.get(verdict, "Unknown verdict.")


def _verdict_section(verdict: str, reasons: list[dict], window: dict) -> list[str]:
    order = {level: i for i, level in enumerate(LEVELS)}
    ranked = sorted(reasons, key=lambda r: order.get(r.get("level"), len(LEVELS)))
    items = [
        f"<li>{_badge(r.get('level'))} {_e(r.get('message', ''))} "
        f"<code>{_e(r.get('check', ''))}</code></li>"
        for r in ranked
    ]
    lines = [
        f'<section id="verdict" class="verdict {_level(verdict)}">',
        '<div class="label">Monitoring verdict</div>',
        f"<h1>{_e(verdict.upper())}</h1>",
        f"<div>{_e(_headline(verdict, reasons))}</div>",
        f'<ul id="reasons">{"".join(items)}</ul>' if items else "",
        "</section>",
    ]
    with_outcome = window.get("with_outcome")
    predictions = window.get("predictions")
    share = ""
    if _is_number(with_outcome) and _is_number(predictions):
        share = f" ({_pct(with_outcome / predictions)})" if predictions else ""
    cells = [
        ("Since", _when(window.get("since"))),
        ("Until", _when(window.get("until"))),
        ("Model version", _e(window.get("model_version") or "n/a")),
        ("Predictions", _num(predictions)),
        ("With outcome", _num(with_outcome) + share),
    ]
    if window.get("reference"):
        cells.append(("Reference", _e(window["reference"])))
    lines.append('<dl id="window" class="window">')
    lines += [f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in cells]
    lines.append("</dl>")
    return lines


def _drift_section(drift: dict) -> list[str]:
    features = drift.get("features") or []
    lines = [
        '<section id="drift">',
        "<h2>Drift: inputs now vs the reference (training data)</h2>",
        '<p class="note">PSI (population stability index) compares the share of rows per bin; '
        "the distance measures how far apart the two distributions are. Levels use the "
        "thresholds of the monitoring policy (policy.yaml), quoted in the reasons above.</p>",
    ]
    approval = drift.get("approval_rate")
    if approval:
        change = approval.get("change")
        lines.append(
            f'<p id="approval-rate">Approval rate {_badge(approval.get("level"))}: '
            f"{_pct(approval.get('current'))} now vs {_pct(approval.get('reference'))} "
            f"at reference"
            + (f" ({100 * change:+.1f} points)" if _is_number(change) else "")
            + "</p>"
        )
    if not features:
        lines.append('<p class="empty">No feature was compared.</p>')
    else:
        lines += _drift_table(features)
        lines.append(_legend([("Reference", REFERENCE_COLOUR), ("Now", CURRENT_COLOUR)]))
        lines.append('<div class="grid">')
        for feature in _by_severity(features):
            lines += [
                f'<div class="card {_level(feature.get("level"))}">',
                f"<h3>{_e(feature.get('name', ''))} {_badge(feature.get('level'))} "
                f'<span class="muted">PSI {_num(feature.get("psi"), 2)}</span></h3>',
                _bars_chart(feature, width=300, height=150),
                "</div>",
            ]
        lines.append("</div>")
    score = drift.get("score")
    lines.append("<h2>Score distribution: P(default) now vs reference</h2>")
    if score:
        lines += [
            f"<p>{_badge(score.get('level'))} PSI {_num(score.get('psi'), 2)}, "
            f"distance {_num(score.get('distance'))}</p>",
            _legend([("Reference", REFERENCE_COLOUR), ("Now", CURRENT_COLOUR)]),
            _bars_chart(score, width=900, height=240),
        ]
    else:
        lines.append('<p class="empty">No score distribution in this report.</p>')
    lines.append("</section>")
    return lines


def _by_severity(features: list[dict]) -> list[dict]:
    """Alerts first, then warnings, each by PSI, largest first: what to look at first."""
    order = {level: i for i, level in enumerate(LEVELS)}

    def key(f: dict) -> tuple:
        psi = f.get("psi")
        return (order.get(f.get("level"), len(LEVELS)), -psi if _is_number(psi) else 0)

    return sorted(features, key=key)


def _drift_table(features: list[dict]) -> list[str]:
    lines = [
        '<table id="drift-table">',
        "<thead><tr><th>feature</th><th class=num>PSI</th><th class=num>distance</th>"
        "<th class=num>missing now</th><th class=num>missing at reference</th>"
        "<th class=num>rows</th><th>level</th></tr></thead><tbody>",
    ]
    for f in _by_severity(features):
        lines.append(
            f'<tr class="{_level(f.get("level"))}"><td>{_e(f.get("name", ""))}</td>'
            f"<td class=num>{_num(f.get('psi'), 3)}</td>"
            f"<td class=num>{_num(f.get('distance'), 3)}</td>"
            f"<td class=num>{_pct(f.get('missing_current'))}</td>"
            f"<td class=num>{_pct(f.get('missing_reference'))}</td>"
            f"<td class=num>{_num(f.get('rows'))}</td>"
            f"<td>{_badge(f.get('level'))}</td></tr>"
        )
    return [*lines, "</tbody></table>"]


def _performance_section(live: dict | None, estimated: dict | None, drift: dict) -> list[str]:
    lines = [
        '<section id="performance">',
        "<h2>Performance: live (with outcomes) and estimated (without)</h2>",
    ]
    if live:
        delay = live.get("label_delay_days") or {}
        rows = live.get("reference_rows")
        view = _e(live.get("reference_view") or "the test set's rows the model approves")
        lines.append(
            f"<p>Live: {_num(live.get('rows'))} of the model's approvals with an outcome, "
            f"label coverage {_pct(live.get('label_coverage'))}; outcomes arrive after "
            f"{_num(delay.get('median'), 0)} days (median), {_num(delay.get('p90'), 0)} days "
            "(90th percentile). Outcomes come from approved applications: see the label "
            "coverage by decision below. Each live figure is judged against the same figure "
            f'on <span id="reference-view">{view}'
            f"{'' if rows is None else f' ({_num(rows)} rows)'}</span>, like with like, "
            "not on all its rows.</p>"
        )
    else:
        lines.append(
            '<p class="empty" id="no-live">No outcome yet in this window: live performance '
            "is unknown; the estimate below is all there is.</p>"
        )
    metrics = (live or {}).get("metrics") or {}
    names = list(metrics)
    if estimated:
        names += [n for n in ESTIMATED_METRICS if n not in names and n in estimated]
    if names:
        confidence = (live or {}).get("confidence")
        interval = "interval" if confidence is None else f"{confidence:.0%} interval"
        lines += [
            '<table id="performance-table">',
            "<thead><tr><th>metric</th><th class=num>reference (approved test rows)</th>"
            "<th class=num>live</th>"
            f"<th>{interval}</th><th class=num>estimated</th></tr></thead><tbody>",
        ]
        # The approval rate needs no outcome: its reference comes with the drift checks.
        approval = {"reference": (drift.get("approval_rate") or {}).get("reference")}
        for name in names:
            live_metric = metrics.get(name) or (approval if name == "approval_rate" else None)
            lines.append(_performance_row(name, live_metric, estimated))
        lines.append("</tbody></table>")
    if estimated:
        lines.append(
            f'<p class="note">Estimated on {_num(estimated.get("rows"))} predictions from '
            f"their calibrated probabilities{_all_rows(estimated)}. Assumption: "
            f"{_e(estimated.get('assumption', ''))}</p>"
        )
        lines += _confusion_table(estimated.get("confusion"))
    else:
        lines.append('<p class="empty" id="no-estimate">No estimate in this report.</p>')
    return [*lines, "</section>"]


def _all_rows(estimated: dict) -> str:
    """What the estimate (every prediction) is judged against: all the test set's rows."""
    base = (estimated.get("reference") or {}).get("roc_auc")
    if not _is_number(base):
        return ""
    return f", judged against all the test set's rows (ROC AUC {_num(base)})"


def _coverage_section(coverage: dict | None) -> list[str]:
    """Label coverage by decision, with the selection-bias note; reports written before
    exploration have none and show nothing."""
    if not coverage:
        return []
    lines = [
        '<section id="label-coverage">',
        "<h2>Label coverage by decision</h2>",
        '<table id="coverage-table"><thead><tr><th>decision</th><th class=num>predictions</th>'
        "<th class=num>with outcome</th><th class=num>share labelled</th></tr></thead><tbody>",
    ]
    for row in coverage.get("by_decision") or []:
        lines.append(
            f"<tr><td>{_e(row.get('decision', ''))}</td>"
            f"<td class=num>{_num(row.get('predictions'))}</td>"
            f"<td class=num>{_num(row.get('with_outcome'))}</td>"
            f"<td class=num>{_pct(row.get('share_labelled'))}</td></tr>"
        )
    lines += ["</tbody></table>", f'<p class="note">{_e(coverage.get("note", ""))}</p>']
    return [*lines, "</section>"]


def _exploration_section(cost: dict | None) -> list[str]:
    """What exploration cost and bought; reports written before it was budgeted show nothing."""
    if not cost:
        return []
    lines = ['<section id="exploration">', "<h2>Exploration</h2>"]
    lines += [f"<p>{_e(sentence)}</p>" for sentence in exploration_statement(cost)]
    if cost.get("by_segment"):
        lines.append(
            '<table id="exploration-table"><thead><tr><th>segment</th>'
            "<th class=num>predictions</th><th class=num>approved by the model</th>"
            "<th class=num>explored</th><th class=num>with outcome</th><th class=num>bad</th>"
            "<th class=num>realised value</th></tr></thead><tbody>"
        )
        for row in cost["by_segment"]:
            lines.append(
                f"<tr><td>{_e(row['column'])} = {_e(row['value'])}</td>"
                f"<td class=num>{_num(row['predictions'])}</td>"
                f"<td class=num>{_num(row['approved_by_model'])}</td>"
                f"<td class=num>{_num(row['explored_approvals'])}</td>"
                f"<td class=num>{_num(row['with_outcome'])}</td>"
                f"<td class=num>{_num(row['bad'])}</td>"
                f"<td class=num>{_num(row['realised_value'], 0)}</td></tr>"
            )
        lines.append("</tbody></table>")
    return [*lines, "</section>"]


def _performance_row(name: str, live: dict | None, estimated: dict | None) -> str:
    live = live or {}
    value = live.get("value")
    if _unknown(value) and live.get("reason"):
        live_cells = f"<td class=num>n/a</td><td class=muted>{_e(live['reason'])}</td>"
    elif _unknown(value):
        live_cells = "<td class=num>n/a</td><td></td>"
    else:
        low, high = live.get("low"), live.get("high")
        interval = (
            f"[{_metric(name, low)}, {_metric(name, high)}]"
            if _is_number(low) and _is_number(high)
            else ""
        )
        live_cells = f"<td class=num>{_metric(name, value)}</td><td>{interval}</td>"
    guess = (estimated or {}).get(name)
    return (
        f"<tr><td>{_metric_label(name)}</td>"
        f"<td class=num>{_metric(name, live.get('reference'))}</td>{live_cells}"
        f"<td class=num>{_metric(name, guess)}</td></tr>"
    )


def _confusion_table(confusion: dict | None) -> list[str]:
    """Positive is a default: predicted positive is a rejection."""
    if not confusion:
        return []
    c = {k: confusion.get(k) for k in ("tp", "fp", "tn", "fn")}
    return [
        "<h3>Estimated decisions and outcomes</h3>",
        '<table id="confusion">',
        "<thead><tr><th></th><th class=num>would default</th><th class=num>would repay</th>"
        "</tr></thead><tbody>",
        f"<tr><td>rejected</td><td class=num>{_num(c['tp'])}</td>"
        f"<td class=num>{_num(c['fp'])}</td></tr>",
        f"<tr><td>approved</td><td class=num>{_num(c['fn'])}</td>"
        f"<td class=num>{_num(c['tn'])}</td></tr>",
        "</tbody></table>",
    ]


def _over_time_section(periods: list[dict], live: dict | None) -> list[str]:
    lines = ['<section id="over-time">', "<h2>Performance over time</h2>"]
    if not periods:
        return [*lines, '<p class="empty">No period yet.</p>', "</section>"]
    lines += [
        '<p class="note">Live ROC AUC needs outcomes, which arrive late: recent periods '
        "have few or none, so the line stops where the estimate carries on.</p>",
        _legend([(label, colour) for _, label, colour, _ in SERIES]),
        _line_chart(periods, _reference_auc(live), width=900, height=260),
        "<details><summary>Values per period</summary>",
        '<table id="over-time-table"><thead><tr><th>period</th><th class=num>predictions</th>'
        "<th class=num>live ROC AUC</th><th class=num>estimated ROC AUC</th>"
        "<th class=num>label coverage</th></tr></thead><tbody>",
    ]
    for p in periods:
        lines.append(
            f"<tr><td>{_e(p.get('period', ''))}</td><td class=num>{_num(p.get('predictions'))}"
            f"</td><td class=num>{_num(p.get('live_roc_auc'))}</td>"
            f"<td class=num>{_num(p.get('estimated_roc_auc'))}</td>"
            f"<td class=num>{_pct(p.get('label_coverage'))}</td></tr>"
        )
    return [*lines, "</tbody></table></details>", "</section>"]


def _reference_auc(live: dict | None) -> float | None:
    reference = (((live or {}).get("metrics") or {}).get("roc_auc") or {}).get("reference")
    return reference if _is_number(reference) else None


def _input_quality_section(quality: dict | None) -> list[str]:
    lines = ['<section id="input-quality">', "<h2>Input quality: requests refused</h2>"]
    if not quality:
        return [
            *lines,
            '<p class="empty">Unknown: no refusal counts in this report.</p>',
            "</section>",
        ]
    requests = quality.get("requests")
    lines.append(
        f"<p>{_num(quality.get('refused'))} of {_num(requests)} requests refused "
        f"({_pct(quality.get('refused_share'))}) for breaking the data contract.</p>"
    )
    by_rule = sorted(
        (quality.get("by_rule") or {}).items(), key=lambda kv: -kv[1] if _is_number(kv[1]) else 0
    )
    if by_rule:
        lines.append(_rule_bars(by_rule, requests, width=900))
    return [*lines, "</section>"]


# ---------------------------------------------------------------- charts


def _legend(entries: list[tuple[str, str]]) -> str:
    return (
        '<div class="legend">'
        + "".join(f'<span class="swatch" style="background:{c}"></span>{_e(t)}' for t, c in entries)
        + "</div>"
    )


def _bar_height(share: float, plot: float, top: float) -> float:
    """A non-zero share is never drawn invisible: at least one pixel."""
    return 0.0 if share <= 0 else max(1.0, share / top * plot)


def _bars_chart(dist: dict, width: int, height: int) -> str:
    """Reference and current shares per bin as grouped bars."""
    name = str(dist.get("name", ""))
    labels = [str(label) for label in dist.get("labels") or []]
    ref = [_share(s) for s in dist.get("reference_shares") or []]
    cur = [_share(s) for s in dist.get("current_shares") or []]
    n = min(len(labels), len(ref), len(cur))
    if n == 0:
        return '<p class="empty">No bins.</p>'
    rotate = n > 4
    left, right, top_pad = 34, 6, 8
    bottom = 52 if rotate else 22
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max(0.05, *ref[:n], *cur[:n])
    top = min(1.0, math.ceil(round(top * 10, 6)) / 10)  # the axis ends at the next 10%
    group = plot_w / n
    bar_w = max(1.0, min(28.0, group * 0.38))
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(name)}: share per bin, reference vs now">'
    ]
    for tick in (0.0, top / 2, top):
        y = top_pad + plot_h - tick / top * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#d1d9e0" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{100 * tick:.0f}%</text>'
        )
    for i in range(n):
        x0 = left + i * group + group / 2
        for offset, share, colour, series in ((-1, ref[i], REFERENCE_COLOUR, "reference"),
                                              (0, cur[i], CURRENT_COLOUR, "now")):  # fmt: skip
            h = _bar_height(share, plot_h, top)
            x = x0 + offset * bar_w
            tip = f"{name}, {labels[i]}: {series} {100 * share:.1f}%"
            parts.append(
                f'<rect class="bar" data-share="{share:.6f}" x="{x:.1f}" '
                f'y="{top_pad + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{_e(tip)}</title></rect>'
            )
        short = labels[i] if len(labels[i]) <= 14 else labels[i][:13] + "…"
        y_label = top_pad + plot_h + 14
        transform = f' transform="rotate(-35 {x0:.1f} {y_label})"' if rotate else ""
        anchor = "end" if rotate else "middle"
        parts.append(
            f'<text x="{x0:.1f}" y="{y_label}" text-anchor="{anchor}"{transform}>'
            f"{_e(short)}<title>{_e(labels[i])}</title></text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _share(value: object) -> float:
    return float(value) if _is_number(value) and value > 0 else 0.0


def _line_chart(periods: list[dict], reference_auc: float | None, width: int, height: int) -> str:
    """Each series on an axis from 0 to 1; a missing value breaks its line (never drawn as zero).
    The reference ROC AUC, when known, is a dashed grey line."""
    left, right, top_pad, bottom = 40, 12, 10, 28
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = len(periods)
    step = plot_w / max(1, n - 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + (i * step if n > 1 else plot_w / 2)
        return x, top_pad + plot_h - min(1.0, max(0.0, value)) * plot_h

    parts = [
        f'<svg class="chart lines" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="Live ROC AUC, estimated ROC AUC and label coverage per period">'
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        _, y = xy(0, tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#d1d9e0" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick:.2f}</text>'
        )
    every = math.ceil(n / 10)  # at most ten period labels, so that they never overlap
    for i, period in enumerate(periods):
        if i % every and i != n - 1:
            continue
        x, _ = xy(i, 0.0)
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{_e(period.get('period', ''))}</text>"
        )
    if reference_auc is not None:
        _, y = xy(0, reference_auc)
        parts.append(
            f'<line class="reference" x1="{left}" x2="{width - right}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="{REFERENCE_COLOUR}" stroke-width="1.5" stroke-dasharray="8 4"/>'
            f'<text x="{width - right}" y="{y - 5:.1f}" text-anchor="end">'
            f"reference ROC AUC {reference_auc:.3f}</text>"
        )
    for key, label, colour, dash in SERIES:
        points = [(i, p.get(key)) for i, p in enumerate(periods)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in points:
            if _is_number(value):
                runs[-1].append(xy(i, value))
            elif runs[-1]:
                runs.append([])
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in (r for r in runs if len(r) > 1):
            d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<path class="series" data-series="{key}" d="{d}" fill="none" '
                f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        for i, value in points:
            if _is_number(value):
                x, y = xy(i, value)
                tip = f"{periods[i].get('period', '')}: {label} {value:.3f}"
                parts.append(
                    f'<circle class="point" data-series="{key}" cx="{x:.1f}" cy="{y:.1f}" '
                    f'r="3.5" fill="{colour}"><title>{_e(tip)}</title></circle>'
                )
    parts.append("</svg>")
    return "".join(parts)


def _rule_bars(by_rule: list[tuple[str, int]], requests: object, width: int) -> str:
    """Refused requests per contract rule, as horizontal bars (share of all requests)."""
    row_h, label_w, right = 24, 200, 150
    height = row_h * len(by_rule) + 6
    most = max((count for _, count in by_rule if _is_number(count)), default=0) or 1
    plot_w = width - label_w - right
    parts = [
        f'<svg class="chart rules" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="Refused requests per rule">'
    ]
    for i, (rule, count) in enumerate(by_rule):
        count = count if _is_number(count) else 0
        y = 3 + i * row_h
        w = 0.0 if count <= 0 else max(1.0, count / most * plot_w)
        share = f" ({_pct(count / requests)})" if _is_number(requests) and requests else ""
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(rule)}</text>'
            f'<rect class="bar" data-share="{count}" x="{label_w}" y="{y + 3}" width="{w:.1f}" '
            f'height="{row_h - 8}" fill="{CURRENT_COLOUR}">'
            f"<title>{_e(rule)}: {count}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{count:,}{share}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
