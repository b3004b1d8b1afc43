"""The pull-request report (reports/report.md): the verdict first, then what changed and why.

Charts are Mermaid, which GitHub renders in a comment, so nothing is uploaded to a third
party; attaching the PNG plots is an option (`--images`), off by default.
"""

from __future__ import annotations

import numpy as np

from modelops.review.gate import metric_value

WATERMARK = "<!-- modelops report -->"
HEADLINE_METRICS = [
    "roc_auc",
    "average_precision",
    "f1",
    "precision",
    "recall",
    "accuracy",
    "brier",
    "log_loss",
    "threshold",
    "business.approval_rate",
]
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


def _baselines_found(verdict: dict) -> list[dict]:
    return [b for b in verdict["baselines"] if b["found"]]


def verdict_section(verdict: dict) -> list[str]:
    if verdict["passed"]:
        lines = ["## ✅ Gate passed", ""]
    else:
        lines = ["## ❌ Gate failed", "", "Failing rules:", ""]
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
        where = f"`{b['ref']}` at `{b['commit'][:8]}`" if b["found"] else f"none ({b['note']})"
        lines.append(f"- Baseline **{b['name']}**: {where}")
    return [*lines, ""]


def _comparison_table(
    first_column: str, rows: list[tuple[str, str]], metrics: dict, verdict: dict, digits: int
) -> list[str]:
    """(label, metric) rows: this change's value, then each found baseline's value and delta."""
    found = _baselines_found(verdict)
    lines = [
        f"| {first_column} | this change |" + "".join(f" {b['name']} | Δ |" for b in found),
        "|---|---:|" + "---:|---:|" * len(found),
    ]
    for label, name in rows:
        value = metric_value(metrics, name)
        row = f"| {label} | {_fmt(value, digits)} |"
        for b in found:
            before = metric_value(b["metrics"], name)
            row += f" {_fmt(before, digits)} | {_delta(value, before, digits)} |"
        lines.append(row)
    return lines


def metrics_section(metrics: dict, verdict: dict) -> list[str]:
    rows = [(name, name) for name in HEADLINE_METRICS]
    table = _comparison_table("metric", rows, metrics, verdict, 4)
    return ["### Metrics (test set)", "", *table, ""]


def business_section(metrics: dict, verdict: dict) -> list[str]:
    return [
        "### Business value per application",
        "",
        "An approved good loan earns margin x amount; an approved default loses LGD x amount.",
        "",
        *_comparison_table("decisions", VALUE_ROWS, metrics, verdict, 2),
        "",
    ]


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


def _labels(names) -> str:
    return "[" + ", ".join(f'"{n}"' for n in names) + "]"


def _series(values) -> str:
    return "[" + ", ".join(f"{v:.4f}" for v in values) + "]"


def mermaid_bar(title: str, labels, values, y_label: str, line=None) -> list[str]:
    """A Mermaid xychart: bars for this change, an optional line for the baseline."""
    values = [0.0 if v is None else v for v in values]
    top = max([*values, *(line or [])], default=1.0)
    chart = [
        "```mermaid",
        "xychart-beta",
        f'    title "{title}"',
        f"    x-axis {_labels(labels)}",
        f'    y-axis "{y_label}" 0 --> {max(top * 1.1, 1e-6):.4f}',
        f"    bar {_series(values)}",
    ]
    if line is not None:
        chart.append(f"    line {_series([0.0 if v is None else v for v in line])}")
    return [*chart, "```", ""]


def roc_chart(roc_points: list[dict] | None) -> list[str]:
    """True-positive rate at false-positive rates 0, 0.1, ... 1 (interpolated)."""
    if not roc_points:
        return []
    fpr = np.array([p["fpr"] for p in roc_points], dtype=float)
    tpr = np.array([p["tpr"] for p in roc_points], dtype=float)
    grid = np.linspace(0, 1, 11)
    at_grid = np.interp(grid, fpr, tpr)
    return [
        "```mermaid",
        "xychart-beta",
        '    title "ROC curve: share of defaults caught at each false-alarm rate"',
        f"    x-axis {_labels(f'{g:.1f}' for g in grid)}",
        '    y-axis "true-positive rate" 0 --> 1',
        f"    line {_series(at_grid)}",
        f"    line {_series(grid)}",
        "```",
        "",
    ]


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
) -> str:
    """The whole Markdown report; current holds metrics, segments, data_quality, importance."""
    baseline_name = verdict["baselines"][0]["name"] if verdict["baselines"] else "baseline"
    metrics = current["metrics"]
    lines = [
        WATERMARK,
        *verdict_section(verdict),
        *metrics_section(metrics, verdict),
        *business_section(metrics, verdict),
        *params_section(changes, baseline_name),
        *data_quality_section(current.get("data_quality")),
        *segments_section(current.get("segments")),
        *charts_section(current, verdict, roc_points, images),
        *rules_section(verdict),
    ]
    return "\n".join(lines)
