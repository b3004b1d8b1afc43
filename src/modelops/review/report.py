"""The pull-request report (reports/report.md): the verdict first, then what changed and why.

Charts are Mermaid, which GitHub renders in a comment, so nothing is uploaded to a third
party; attaching the PNG plots is an option (`--images`), off by default.
"""

from __future__ import annotations

import difflib

from modelops.config.metrics import LOWER_IS_BETTER, QUALITY_METRICS, metric_value
from modelops.render.charts import mermaid_bar, roc_chart
from modelops.review.gate import features_used

WATERMARK = "<!-- modelops report -->"
HEADLINE_METRICS = [*QUALITY_METRICS, "business.approval_rate"]
# Changed lines of the model card shown in the report; the rest are counted, and linked.
CARD_DIFF_LINES = 40
VALUE_ROWS = [
    ("model", "business.value_per_application"),
    ("approve all", "business.approve_all_per_application"),
    ("perfect model", "business.perfect_per_application"),
]


def flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    """Nested params as dotted keys: {'train': {'model': x}} -> {'train.model': x}."""
    flat: dict[str, object] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def params_changes(before: dict | None, after: dict) -> list[tuple[str, object, object]] | None:
    """(key, before, after) for every params key whose value differs; None without a before."""
    if before is None:
        return None
    old, new = flatten(before), flatten(after)
    keys = sorted(set(old) | set(new))
    return [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _fmt(value, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _delta(value, before, digits: int = 4) -> str:
    if value is None or before is None:
        return "n/a"
    return f"{value - before:+.{digits}f}"


def _compared(verdict: dict) -> list[dict]:
    """Baselines whose model was scored on this change's rows."""
    return [
        b for b in verdict["baselines"] if (b.get("same_rows") or {}).get("status") == "compared"
    ]


def _stored(verdict: dict) -> list[dict]:
    """Baselines with metrics stored at their commit (measured on their own test set)."""
    return [b for b in verdict["baselines"] if b["found"]]


def verdict_section(verdict: dict) -> list[str]:
    lines = []
    declared = [r for r in verdict["rules"] if r["rule"] == "gate.new_baseline declared"]
    if declared:
        lines += [
            "> [!WARNING]",
            "> This change declares a **new baseline** (`gate.new_baseline: true` in "
            f"policy.yaml): {declared[0]['note']}. Drop rules against a baseline that cannot "
            "score its rows pass; reviewers: check that this is intended.",
            "",
        ]
    if verdict["passed"]:
        lines += ["## ✅ Gate passed", ""]
    else:
        lines += ["## ❌ Gate failed", "", "Failing rules:", ""]
        lines += [
            f"- **{r['rule']}**: {_fmt(r['value'])} (needs {r['threshold']}"
            + (f"; baseline {_fmt(r['baseline'])}" if r["baseline"] is not None else "")
            + (f"; {r['note']}" if r["note"] else "")
            + ")"
            for r in verdict["rules"]
            if not r["passed"]
        ]
        lines.append("")
    for b in verdict["baselines"]:
        where = f"`{b['ref']}` at `{b['commit'][:8]}`" if b["commit"] else f"none ({b['note']})"
        same = b.get("same_rows")
        if same and same.get("equivalence"):
            where += f"; {b['name']}'s model rebuilt on this machine: {same['equivalence']}"
        elif same:
            where += f"; its model on this change's rows: {same['status']} ({same['note']})"
        lines.append(f"- Baseline **{b['name']}**: {where}")
    return [*lines, ""]


def _interval(same: dict, name: str, digits: int) -> str:
    """The change's difference from the baseline model, as an interval (from its drop's)."""
    drop = (same.get("drops") or {}).get(name)
    if not drop:
        return ""
    sign = 1 if name in LOWER_IS_BETTER else -1
    low, high = sorted((sign * drop["low"], sign * drop["high"]))
    return f" [{low:+.{digits}f}, {high:+.{digits}f}]"


def _comparison_table(
    first_column: str, rows: list[tuple[str, str]], metrics: dict, verdict: dict, digits: int
) -> list[str]:
    """(label, metric) rows: this change's value; each baseline's model on the same rows and
    the difference (with its bootstrap interval where a rule gates it); and each baseline's
    value as stored, measured on its own test set."""
    same, stored = _compared(verdict), _stored(verdict)
    header = f"| {first_column} | this change |"
    header += "".join(f" {b['name']}, same rows | Δ |" for b in same)
    header += "".join(f" {b['name']}, its own test set |" for b in stored)
    lines = [header, "|---|---:|" + "---:|---:|" * len(same) + "---:|" * len(stored)]
    for label, name in rows:
        value = metric_value(metrics, name)
        row = f"| {label} | {_fmt(value, digits)} |"
        for b in same:
            before = metric_value(b["same_rows"]["metrics"], name)
            delta = _delta(value, before, digits)
            if not _on_newest(b["same_rows"]):  # the drops' intervals are for these rows
                delta += _interval(b["same_rows"], name, digits)
            row += f" {_fmt(before, digits)} | {delta} |"
        for b in stored:
            row += f" {_fmt(metric_value(b['metrics'], name), digits)} |"
        lines.append(row)
    return lines


def _on_newest(same: dict) -> bool:
    """The drop rules compared on other rows than the reference rows (the newest outcomes)."""
    return same.get("champion_metrics") not in (None, same.get("metrics"))


def newest_outcomes_section(verdict: dict) -> list[str]:
    """Where the drop rules compared the candidate and each baseline's model on the newest
    outcomes: both models' figures there, with the interval of the difference."""
    compared = [b for b in _compared(verdict) if _on_newest(b["same_rows"])]
    if not compared:
        return []
    lines = [
        f"### The drop rules' rows: {compared[0]['same_rows']['compared_on']}",
        "",
        "The candidate (fitted without these outcomes; the served model is its refit) against "
        "each baseline's model, each deciding at its own threshold.",
        "",
        "| metric | candidate |" + "".join(f" {b['name']} | Δ |" for b in compared),
        "|---|---:|" + "---:|---:|" * len(compared),
    ]
    for label, name, digits in (
        *((n, n, 4) for n in HEADLINE_METRICS),
        ("value per application", "business.value_per_application", 2),
    ):
        value = metric_value(compared[0]["same_rows"]["challenger_metrics"], name)
        row = f"| {label} | {_fmt(value, digits)} |"
        for b in compared:
            before = metric_value(b["same_rows"]["champion_metrics"], name)
            delta = _delta(value, before, digits) + _interval(b["same_rows"], name, digits)
            row += f" {_fmt(before, digits)} | {delta} |"
        lines.append(row)
    return [*lines, ""]


def metrics_section(metrics: dict, verdict: dict) -> list[str]:
    rows = [(name, name) for name in HEADLINE_METRICS]
    table = _comparison_table("metric", rows, metrics, verdict, 4)
    note = (
        "Each baseline's model is scored on this change's reference test rows, deciding at its own "
        "threshold; Δ is this change minus it, with the bootstrap interval of the difference "
        "where a gate rule judges it. The last columns are each baseline's metrics as stored, "
        "from its own test set: they differ when the data changed."
    )
    return ["### Metrics (test set)", "", note, "", *table, "", *newest_outcomes_section(verdict)]


def business_section(metrics: dict, verdict: dict) -> list[str]:
    return [
        "### Business value per application",
        "",
        "An approved good loan earns margin x amount; an approved default loses LGD x amount.",
        "",
        *_comparison_table("decisions", VALUE_ROWS, metrics, verdict, 2),
        "",
    ]


def data_change_section(change: dict | None) -> list[str]:
    """What changed in the data against the first baseline: why the test rows differ."""
    if change is None:
        return []
    lines = [f"### Data changed vs {change['name']}", ""]
    files = change["files"]
    if not files:
        lines.append("No source or data output changed.")
    else:
        lines += ["| file | at the baseline | now |", "|---|---|---|"]
        lines += [f"| `{p}` | {_md5(a)} | {_md5(b)} |" for p, a, b in files]
    rows = [
        ("rows in", "data_quality", "rows_in"),
        ("rows quarantined", "data_quality", "rows_quarantined"),
        ("rows out", "data_quality", "rows_out"),
        ("test rows", "metrics", "n_test"),
        ("default rate (test)", "metrics", "bad_rate"),
    ]
    lines += ["", "| | at the baseline | now |", "|---|---:|---:|"]
    for label, report, key in rows:
        before = metric_value(change["before"].get(report), key)
        after = metric_value(change["after"].get(report), key)
        digits = 3 if key == "bad_rate" else 0
        lines.append(f"| {label} | {_fmt_n(before, digits)} | {_fmt_n(after, digits)} |")
    return [*lines, ""]


def _md5(value: str | None) -> str:
    return "absent" if value is None else f"`{value[:8]}`"


def _fmt_n(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def features_section(current: list[str] | None, metrics: dict, verdict: dict) -> list[str]:
    """Which features left or joined against each baseline, and what it cost there: this
    change's ROC AUC and business value minus the baseline model's on the same rows."""
    lines = ["### Features changed", ""]
    if current is None:
        return [*lines, "This change's features are not reported.", ""]
    rows = []
    for b in verdict["baselines"]:
        if b.get("features") is None:
            rows.append(f"| {b['name']} | n/a (not reported there) | | | |")
            continue
        before, after = set(b["features"]), set(current)
        left, joined = sorted(before - after), sorted(after - before)
        same = b.get("same_rows") or {}
        costs = ["n/a", "n/a"]
        if same.get("status") == "compared":
            costs = [
                _delta(metric_value(metrics, name), metric_value(same["metrics"], name), d)
                for name, d in (("roc_auc", 4), ("business.value_per_application", 2))
            ]
        elif same:
            costs = [f"not compared ({same.get('status')})"] * 2
        rows.append(
            f"| {b['name']} | {', '.join(left) or 'none'} | {', '.join(joined) or 'none'} | "
            f"{costs[0]} | {costs[1]} |"
        )
    if not rows:
        return [*lines, "No baseline to compare features with.", ""]
    header = [
        "| vs | features that left | features that joined | ROC AUC Δ, same rows | "
        "value/appl. Δ, same rows |",
        "|---|---|---|---:|---:|",
    ]
    note = (
        "A change of features is a model change like any other: Δ is this change minus the "
        "baseline model, both scored on this change's test rows."
    )
    return [*lines, note, "", *header, *rows, ""]


def params_section(
    changes: list[tuple[str, object, object]] | None, baseline_name: str
) -> list[str]:
    lines = [f"### Params changed vs {baseline_name}", ""]
    if changes is None:
        return [*lines, "No baseline to compare params with.", ""]
    if not changes:
        return [*lines, "No params changed.", ""]
    lines += ["| param | before | after |", "|---|---|---|"]
    lines += [f"| `{k}` | {_fmt(a)} | {_fmt(b)} |" for k, a, b in changes]
    return [*lines, ""]


def data_quality_section(quality: dict | None) -> list[str]:
    lines = ["### Data quality", ""]
    if not quality:
        return [*lines, "No data-quality report.", ""]
    verdict = "kept" if quality["passed"] else "**broken**"
    lines.append(
        f"Contract {verdict}: {quality['rows_in']} rows in, {quality['rows_corrected']} "
        f"corrected, {quality['exact_duplicates_dropped']} duplicates dropped, "
        f"{quality['rows_quarantined']} quarantined, {quality['rows_out']} out."
    )
    if quality["quarantined_by_rule"]:
        lines += ["", "| quarantined by rule | rows |", "|---|---:|"]
        lines += [f"| `{rule}` | {n} |" for rule, n in quality["quarantined_by_rule"].items()]
    if quality.get("warnings"):
        lines += ["", "Warnings: " + ", ".join(f"`{w}`" for w in quality["warnings"])]
    return [*lines, ""]


def feedback_section(feedback: dict | None) -> list[str]:
    """Production feedback in this change's data by decision (feedback/trained_on.py), with what
    it cannot show: nothing when no row came from feedback."""
    if not feedback or not any(feedback[part]["feedback"] for part in ("train", "test")):
        return []
    train, test = feedback["train"], feedback["test"]
    lines = [
        "### Production feedback by decision",
        "",
        f"{train['feedback']} of {train['rows']} training rows and {test['feedback']} of "
        f"{test['rows']} test rows are production outcomes (feedback), by the decision taken:",
        "",
        "| decision | train rows | test rows |",
        "|---|---|---|",
    ]
    for group, rows in train["by_decision"].items():
        lines.append(f"| {group} | {rows} | {test['by_decision'][group]} |")
    explored = train["by_decision"]["approved by exploration"]
    lines += [
        "",
        "Rejected applications have no outcome: feedback covers only the applicants who were "
        "approved, so this model learned nothing new about the applicants it rejects"
        + (
            f" beyond the {explored} approved by exploration."
            if explored
            else " (no approval by exploration: serve.exploration.rate is 0 or brought none)."
        )
        + " The gate's figures on feedback test rows describe approved applicants too.",
        "",
    ]
    return lines


def segments_section(segments: dict | None) -> list[str]:
    lines = ["### Segments", ""]
    if not segments:
        return [*lines, "No segment report.", ""]
    for column, groups in segments.items():
        lines += [
            f"**{column}**",
            "",
            "| segment | n | default rate | ROC AUC | recall | approval rate | value/appl. |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, m in groups.items():
            lines.append(
                f"| {name} | {m['n']} | {_fmt(m['bad_rate'], 3)} | {_fmt(m['roc_auc'], 3)} | "
                f"{_fmt(m['recall'], 3)} | {_fmt(m['approval_rate'], 3)} | "
                f"{_fmt(m['value_per_application'], 2)} |"
            )
        lines.append("")
    return lines


def charts_section(
    current: dict, verdict: dict, roc_points: list[dict] | None, images: bool
) -> list[str]:
    lines = ["### Charts", ""]
    importance = current.get("importance") or []
    if importance:
        lines += mermaid_bar(
            "Permutation importance (drop in test ROC AUC when shuffled)",
            [r["feature"] for r in importance],
            [max(r["importance"], 0.0) for r in importance],
            "drop in ROC AUC",
        )
    segments = current.get("segments") or {}
    if segments:
        column, groups = next(iter(segments.items()))
        lines += mermaid_bar(
            f"ROC AUC by {column}",
            list(groups),
            [g["roc_auc"] for g in groups.values()],
            "ROC AUC",
        )
    lines += roc_chart(roc_points)
    if images:
        lines += [
            "![Permutation importance](reports/live/plots/images/permutation_importance.png)",
            "",
        ]
    return lines


def card_changes(before: str, after: str) -> list[str]:
    """The card's changed lines as a diff: removed (-) and added (+) lines, each run of them
    under an @@ line naming the card's section it is in."""
    old, new = before.splitlines(), after.splitlines()
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        heading = next((line for line in reversed(new[:j1]) if line.startswith("## ")), "")
        lines.append(f"@@ {heading or 'top'} @@")
        lines += [f"-{line}" for line in old[i1:i2]] + [f"+{line}" for line in new[j1:j2]]
    return lines


def card_section(card: dict | None) -> list[str]:
    """A link to this change's model card and what changed in it against the first baseline
    (card: {"link", "baseline", "before", "after"}; before/after None where there is none)."""
    if card is None:
        return []
    lines = ["### Model card", ""]
    if card["after"] is None:
        return [*lines, "No model card (models/model_card.md): run `dvc repro`.", ""]
    lines += [f"This change's card: [models/model_card.md]({card['link']}).", ""]
    if card["before"] is None:
        return [*lines, f"{card['baseline']} has no model card: this is the first.", ""]
    changes = card_changes(card["before"], card["after"])
    if not changes:
        return [*lines, f"Unchanged since {card['baseline']}.", ""]
    changed = sum(1 for line in changes if not line.startswith("@@"))
    lines += [f"Changed since {card['baseline']} ({changed} lines):", "", "```diff"]
    lines += changes[:CARD_DIFF_LINES]
    lines.append("```")
    if len(changes) > CARD_DIFF_LINES:
        lines.append(f"... and {len(changes) - CARD_DIFF_LINES} more lines of the diff.")
    return [*lines, ""]


def rules_section(verdict: dict) -> list[str]:
    lines = [
        "<details><summary>All gate rules</summary>",
        "",
        "| rule | value | threshold | baseline | result | note |",
        "|---|---:|---|---:|---|---|",
    ]
    for r in verdict["rules"]:
        lines.append(
            f"| {r['rule']} | {_fmt(r['value'])} | {r['threshold']} | {_fmt(r['baseline'])} | "
            f"{'pass' if r['passed'] else '**fail**'} | {r['note']} |"
        )
    return [*lines, "", "</details>", ""]


def build_report(
    current: dict,
    verdict: dict,
    changes: list[tuple[str, object, object]] | None,
    roc_points: list[dict] | None = None,
    images: bool = False,
    data_change: dict | None = None,
    card: dict | None = None,
) -> str:
    """The whole Markdown report; current holds metrics, segments, data_quality, importance,
    training, fairness and feedback (feedback/trained_on.py); card the model card now and at the
    first baseline."""
    baseline_name = verdict["baselines"][0]["name"] if verdict["baselines"] else "baseline"
    metrics = current["metrics"]
    lines = [
        WATERMARK,
        *verdict_section(verdict),
        *metrics_section(metrics, verdict),
        *business_section(metrics, verdict),
        *features_section(features_used(current), metrics, verdict),
        *params_section(changes, baseline_name),
        *data_change_section(data_change),
        *data_quality_section(current.get("data_quality")),
        *feedback_section(current.get("feedback")),
        *segments_section(current.get("segments")),
        *card_section(card),
        *charts_section(current, verdict, roc_points, images),
        *rules_section(verdict),
    ]
    return "\n".join(lines)
