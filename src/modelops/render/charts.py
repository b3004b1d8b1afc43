"""Mermaid charts for the Markdown reports (GitHub draws them): bars with an optional
baseline line, and the ROC curve."""

from __future__ import annotations

import numpy as np


def _labels(names) -> str:
    return "[" + ", ".join(f'"{n}"' for n in names) + "]"


def _series(values) -> str:
    return "[" + ", ".join(f"{v:.4f}" for v in values) + "]"


def mermaid_bar(title: str, labels, values, y_label: str, line=None) -> list[str]:
    """A Mermaid xychart: bars for this change, an optional line for the baseline."""
    values = [0.0 if v is None else v for v in values]
    # A line may have gaps (the monitor's live ROC AUC where outcomes are too few): drawn as 0.
    top = max([*values, *(v for v in line or [] if v is not None)], default=1.0)
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
