"""monitoring.md: the verdict first, then its reasons, then the tables and charts (the same
conventions as the pull-request report)."""

from __future__ import annotations

from modelops.monitor.coverage import exploration_statement
from modelops.monitor.verdict import only_too_little
from modelops.render.charts import mermaid_bar

HEADINGS = {
    "ok": "## ✅ Monitoring: ok",
    "warn": "## ⚠️ Monitoring: warn",
    "alert": "## 🚨 Monitoring: alert",
}


def _num(value, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _cell(text) -> str:
    """Data (feature names, categories) inside a table cell: no pipes, no line breaks."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _chart_label(text: str) -> str:
    return str(text).replace('"', "'")


def render_markdown(report: dict) -> str:
    w = report["window"]
    lines = [
        "<!-- modelops monitoring -->",
        "## ⏳ Monitoring: not enough traffic yet"
        if only_too_little(report["reasons"])
        else HEADINGS[report["verdict"]],
        "",
        f"Model **{_cell(w['model_version'])}**, {w['since']} to {w['until']}: "
        f"{w['predictions']} predictions, {w['with_outcome']} with an outcome.",
        "",
        *_versions(w),
    ]
    lines += [
        f"- **{r['level']}** `{r['check']}`: {_cell(r['message'])}" for r in report["reasons"]
    ]
    lines += ["", "### Data drift", "",
              "| feature | PSI | distance | missing now | missing ref | level |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    drift = report["drift"]
    for d in [*drift["features"], drift["score"]]:
        lines.append(
            f"| {_cell(d['name'])} | {_num(d['psi'])} | {_num(d['distance'])} | "
            f"{_num(d['missing_current'])} | {_num(d['missing_reference'])} | {d['level']} |"
        )
    approval = drift["approval_rate"]
    lines += [
        "",
        f"Approval rate: {_num(approval['current'])} now, {_num(approval['reference'])} on the "
        f"reference test set ({approval['level']}).",
        "",
    ]
    score = drift["score"]
    lines += mermaid_bar(
        "Score distribution: now (bars) vs reference (line)",
        [_chart_label(label) for label in score["labels"]],
        score["current_shares"],
        "share",
        line=score["reference_shares"],
    )
    lines += _performance(report)
    lines += _coverage(report.get("label_coverage"))
    lines += _exploration(report.get("exploration"))
    quality = report.get("input_quality")
    if quality:
        lines += ["### Input quality", "",
                  f"{quality['refused']} of {quality['requests']} requests refused "
                  f"({_num(quality['refused_share'])}).", ""]  # fmt: skip
        lines += [f"- `{_cell(rule)}`: {n}" for rule, n in sorted(quality["by_rule"].items())]
        lines.append("")
    return "\n".join(lines) + "\n"


def _coverage(coverage: dict | None) -> list[str]:
    """Who has an outcome, by decision; absent from reports written before exploration."""
    if not coverage:
        return []
    lines = [
        "### Label coverage by decision",
        "",
        "| decision | predictions | with outcome | share labelled |",
        "|---|---|---|---|",
    ]
    for row in coverage["by_decision"]:
        lines.append(
            f"| {row['decision']} | {row['predictions']} | {row['with_outcome']} | "
            f"{_num(row['share_labelled'])} |"
        )
    return [*lines, "", coverage["note"], ""]


def _exploration(cost: dict | None) -> list[str]:
    """What exploration cost and bought; absent from reports written before it was budgeted."""
    if not cost:
        return []
    lines = ["### Exploration", "", *[_cell(s) for s in exploration_statement(cost)], ""]
    if cost["by_segment"]:
        lines += ["| segment | predictions | approved by the model | explored | with outcome "
                  "| bad | realised value |", "|---|---|---|---|---|---|---|"]  # fmt: skip
        for row in cost["by_segment"]:
            lines.append(
                f"| {_cell(row['column'])} = {_cell(row['value'])} | {row['predictions']} | "
                f"{row['approved_by_model']} | {row['explored_approvals']} | "
                f"{row['with_outcome']} | {row['bad']} | {_num(row['realised_value'], 0)} |"
            )
        lines.append("")
    return lines


def _all_rows(estimated: dict) -> str:
    base = (estimated.get("reference") or {}).get("roc_auc")
    return "" if base is None else f" vs {_num(base)} on all the test set's rows"


def _reference_rows(live: dict) -> str:
    rows = live.get("reference_rows")
    view = live.get("reference_view", "the test set's rows the model approves")
    return view if rows is None else f"{view} ({rows} rows)"


def _shortfall(gap: dict | None) -> str:
    if not gap:
        return "n/a"
    return f"{_num(gap['value'])} ([{_num(gap['low'])}, {_num(gap['high'])}])"


def _versions(window: dict) -> list[str]:
    """Every version served in the window, when more than one: outcomes count across them."""
    versions = window.get("versions") or []
    if len(versions) < 2:
        return []
    shown = ", ".join(
        f"{_cell(v['version'])} {v['predictions']} ({v['with_outcome']} with an outcome)"
        for v in versions
    )
    return [
        f"Versions served in the window: {shown}; {window['with_outcome_all_versions']} "
        "outcomes in all (what a retrain learns from). Drift and performance below are "
        f"{_cell(window['model_version'])}'s, against its own reference.",
        "",
    ]


def _performance(report: dict) -> list[str]:
    lines = ["### Performance", ""]
    live, estimated = report.get("live"), report.get("estimated")
    if live is None:
        lines += ["Live: too few outcomes yet.", ""]
    else:
        delay = _num(live["label_delay_days"]["median"], 0)
        lines += [
            f"Live, on {live['rows']} of the model's approvals with an outcome (label coverage "
            f"{_num(live['label_coverage'])}, median delay {delay} days), each figure judged "
            f"against the same figure on {_reference_rows(live)}: like with like (approvals by "
            "exploration and rejections are not in it).",
            "",
            f"| metric | live | {live['confidence']:.0%} interval | judged against | "
            "shortfall (interval) |",
            "|---|---|---|---|---|",
        ]
        for name, m in live["metrics"].items():
            interval = f"[{_num(m.get('low'))}, {_num(m.get('high'))}]"
            lines.append(
                f"| {name} | {_num(m['value'])} | {interval} | {_num(m.get('reference'))} |"
                f" {_shortfall(m.get('shortfall'))} |"
            )
        lines.append("")
    if estimated is not None:
        lines += [
            f"Estimated on all {estimated['rows']} predictions (before outcomes): ROC AUC "
            f"{_num(estimated['roc_auc'])}{_all_rows(estimated)}, business value per application "
            f"{_num(estimated['business.value_per_application'], 2)}. {estimated['assumption']} "
            "A change in how applicants default given what they declare is invisible to the "
            "estimate: only live performance, once outcomes arrive, finds it.",
            "",
        ]
    periods = report.get("over_time") or []
    if periods:
        lines += mermaid_bar(
            "Estimated ROC AUC per period (bars), live where known (line)",
            [p["period"] for p in periods],
            [p["estimated_roc_auc"] for p in periods],
            "ROC AUC",
            line=[p["live_roc_auc"] for p in periods]
            if any(p["live_roc_auc"] is not None for p in periods)
            else None,
        )
    return lines
