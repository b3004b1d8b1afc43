"""The short result `make run` prints: how good the model is and what it is worth."""

from __future__ import annotations

from pathlib import Path

from modelops.errors import InputError

NEEDED = ("n_test", "bad_rate", "roc_auc", "average_precision", "brier", "threshold", "recall")
NEEDED_BUSINESS = (
    "approval_rate",
    "value_per_application",
    "approve_all_per_application",
    "perfect_per_application",
)


def format_summary(metrics: dict, reports: Path) -> str:
    """A few lines a person reads after a run: quality, decision threshold, money."""
    metrics = metrics if isinstance(metrics, dict) else {}
    b = metrics.get("business") if isinstance(metrics.get("business"), dict) else {}
    missing = [k for k in NEEDED if not _is_number(metrics.get(k))]
    missing += [f"business.{k}" for k in NEEDED_BUSINESS if not _is_number(b.get(k))]
    if missing:
        raise InputError(f"{reports}/metrics.json lacks '{missing[0]}' (run dvc repro)")
    return "\n".join(
        [
            f"Test set: {metrics['n_test']} applications, {metrics['bad_rate']:.1%} defaulted",
            f"  ROC AUC {metrics['roc_auc']:.3f}   average precision "
            f"{metrics['average_precision']:.3f}   Brier {metrics['brier']:.3f}",
            f"  at threshold {metrics['threshold']:.3f} (reject when P(default) >= it): "
            f"recall {metrics['recall']:.3f}, precision {metrics['precision']:.3f}, "
            f"approval rate {b['approval_rate']:.1%}",
            "Business value per application:",
            f"  model        {b['value_per_application']:10.2f}",
            f"  approve all  {b['approve_all_per_application']:10.2f}",
            f"  perfect      {b['perfect_per_application']:10.2f}",
            f"Reports: {reports}/metrics.json, segments.json, importance.json, "
            "data_quality.json, live/plots/",
            "Model:   models/model.skops",
        ]
    )


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
