"""The metrics the evaluate stage reports, by the names gate rules use.

This is the agreement between `modelops evaluate` (which must report each of these; a test
checks it) and policy.yaml `gate.*` (whose rules may name only these): a misspelled metric
in a rule is a config error, never a rule that silently does not exist.
"""

from __future__ import annotations

# How well the model ranks, decides and is calibrated on the test set (the PR report's headline).
QUALITY_METRICS = (
    "roc_auc",
    "average_precision",
    "f1",
    "precision",
    "recall",
    "accuracy",
    "brier",
    "log_loss",
    "threshold",
)
# Test-set metrics in reports/metrics.json; nested ones by dotted path.
METRICS = (
    *QUALITY_METRICS,
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

# The values a metric can take, (low, high); None: no bound on that side (money is in the
# business's currency, a count has no top). A rule's limit outside them could never fail or
# never pass: a floor of roc_auc 80 (a percentage for a share) is refused, not obeyed.
_SHARE = (0.0, 1.0)
METRIC_RANGES: dict[str, tuple[float | None, float | None]] = {
    **dict.fromkeys(
        ("roc_auc", "average_precision", "f1", "precision", "recall", "accuracy", "brier"),
        _SHARE,
    ),
    **dict.fromkeys(("threshold", "bad_rate", "business.approval_rate", "approval_rate"), _SHARE),
    "log_loss": (0.0, None),
    "n_test": (0.0, None),
    "n": (0.0, None),
}


def limit_problem(kind: str, metric: str, limit: float) -> str | None:
    """Why a rule's limit on metric cannot work (a floor or ceiling outside the values the
    metric takes, a drop larger than its whole range); None when it can."""
    low, high = METRIC_RANGES.get(metric, (None, None))
    span = f"[{_bound(low)}, {_bound(high)}]"
    outside = (low is not None and limit < low) or (high is not None and limit > high)
    if kind in ("floors", "ceilings") and outside:
        return f"{kind}.{metric} {limit!r} is outside the values {metric} takes, {span}"
    moves = None if low is None or high is None else high - low
    if kind in ("max_drop", "max_gap") and moves is not None and limit > moves:
        return (
            f"{kind}.{metric} {limit!r} is more than {metric} can move ({span}): "
            "the rule could never fail"
        )
    return None


def _bound(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:g}"


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
