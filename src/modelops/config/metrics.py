"""The metrics the evaluate stage reports, by the names gate rules use.

This is the agreement between `modelops evaluate` (which must report each of these; a test
checks it) and policy.yaml `gate.*` (whose rules may name only these): a misspelled metric
in a rule is a config error, never a rule that silently does not exist.
"""

from __future__ import annotations

# Test-set metrics in reports/metrics.json; nested ones by dotted path.
METRICS = (
    "roc_auc",
    "average_precision",
    "f1",
    "precision",
    "recall",
    "accuracy",
    "brier",
    "log_loss",
    "threshold",
    "n_test",
    "bad_rate",
    "business.value_per_application",
    "business.approve_all_per_application",
    "business.perfect_per_application",
    "business.uplift_per_application",
    "business.approval_rate",
)

# Metrics of each segment in reports/segments.json.
SEGMENT_METRICS = ("n", "bad_rate", "roc_auc", "recall", "approval_rate", "value_per_application")

# Where a smaller value is better; every other metric is better when larger.
LOWER_IS_BETTER = frozenset({"brier", "log_loss"})


def metric_value(metrics: dict | None, name: str) -> float | None:
    """A metric by dotted path (`business.value_per_application`); None when absent or when
    the path names something that is not a number (a section, a text)."""
    value = metrics
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
