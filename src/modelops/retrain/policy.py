"""The retrain policy: from one monitoring report (monitoring.json), retrain or keep, and why.

Rules (limits in policy.yaml retrain.*; a null limit switches its rule off); any one that
fires means retrain:
- live ROC AUC (outcomes known, at least min_labelled_rows of them): the low end of its
  bootstrap interval below live_auc_floor
- estimated ROC AUC (from scores alone) below the reference test set's by more than
  estimated_auc_drop
- a share of the input features at drift level alert of at least drift_alert_share, with at
  least min_labelled_rows outcomes in the window (without them a retrain learns nothing new)
- the model older than max_model_age_days at the window's end

A key a rule needs that the report lacks is a ValueError naming it: no rule passes for want of
its input. `live: null` (no outcomes yet) is the one absence the report means: that rule is
then not judged, and the decision says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from modelops.config.params import RetrainParams


@dataclass(frozen=True)
class Decision:
    """retrain: the rules that fired, one line each naming value and limit. keep: one line
    saying every rule holds, with each rule's value and limit (or why it was not judged)."""

    retrain: bool
    reasons: list[str]


def decide(
    monitoring: dict,
    reference_metrics: dict,
    model_age_days: float | None,
    params: RetrainParams,
) -> Decision:
    """Apply the policy to a monitoring report, the reference test set's metrics (roc_auc) and
    the model's age in days (None only when max_model_age_days is off)."""
    checks = [
        _live_auc(monitoring, params),
        _estimated_auc(monitoring, reference_metrics, params),
        _drift(monitoring, params),
        _age(model_age_days, params),
    ]
    fired = [line for retrain, line in checks if retrain]
    if fired:
        return Decision(True, fired)
    return Decision(False, ["every rule holds: " + "; ".join(line for _, line in checks)])


def model_age_days(monitoring: dict, trained_at: datetime) -> float:
    """Days from the model's training (an aware time) to the end of the report's window."""
    until = _get(monitoring, "window", "until")
    try:
        end = datetime.fromisoformat(until)
    except (TypeError, ValueError):
        raise ValueError(
            f"monitoring report's 'window.until' {until!r} is not an ISO time"
        ) from None
    if end.tzinfo is None:
        raise ValueError(f"monitoring report's 'window.until' {until!r} has no time zone")
    return (end - trained_at).total_seconds() / 86400


def _get(data: object, *keys: str | int):
    """data[keys[0]][keys[1]]...; a missing key (or a non-mapping on the way) is a ValueError
    naming the whole path."""
    value = data
    for i, key in enumerate(keys):
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            path = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys[: i + 1])
            raise ValueError(f"monitoring report lacks '{path[1:]}'") from None
    return value


def _number(data: dict, *keys: str) -> float | None:
    value = _get(data, *keys)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        path = ".".join(keys)
        raise ValueError(f"monitoring report's '{path}' is {value!r}, not a number")
    return value


def _live_auc(monitoring: dict, params: RetrainParams) -> tuple[bool, str]:
    floor = params.live_auc_floor
    live = _get(monitoring, "live")
    if floor is None:
        return False, "live ROC AUC: rule off (retrain.live_auc_floor is null)"
    if live is None:
        return False, "live ROC AUC: no outcomes yet, not judged"
    rows = _number(monitoring, "live", "rows")
    if rows < params.min_labelled_rows:
        return False, (
            f"live ROC AUC: {rows} labelled rows < min_labelled_rows"
            f" {params.min_labelled_rows}, not judged"
        )
    low = _number(monitoring, "live", "metrics", "roc_auc", "low")
    if low is None:  # live_performance's answer when the outcomes hold one class only
        return False, "live ROC AUC: not computable on these outcomes, not judged"
    if low < floor:
        return True, f"live ROC AUC interval low end {low:.3f} below the floor {floor:g}"
    return False, f"live ROC AUC low end {low:.3f} >= floor {floor:g}"


def _estimated_auc(monitoring: dict, reference: dict, params: RetrainParams) -> tuple[bool, str]:
    drop = params.estimated_auc_drop
    estimated = _get(monitoring, "estimated")
    if drop is None:
        return False, "estimated ROC AUC: rule off (retrain.estimated_auc_drop is null)"
    if estimated is None:  # the monitor writes null for a window without predictions
        return False, "estimated ROC AUC: no predictions in the window, not judged"
    estimate = _number(monitoring, "estimated", "roc_auc")
    base = reference.get("roc_auc")
    if base is None:
        raise ValueError("reference metrics lack 'roc_auc'")
    if estimate is None:
        return False, "estimated ROC AUC: not computable, not judged"
    if estimate < base - drop:
        return True, (f"estimated ROC AUC {estimate:.3f} below the reference {base:.3f} - {drop:g}")
    return False, f"estimated ROC AUC {estimate:.3f} >= reference {base:.3f} - {drop:g}"


def _drift(monitoring: dict, params: RetrainParams) -> tuple[bool, str]:
    share_limit = params.drift_alert_share
    features = _get(monitoring, "drift", "features")
    labelled = _number(monitoring, "window", "with_outcome")
    if share_limit is None:
        return False, "drift: rule off (retrain.drift_alert_share is null)"
    if not isinstance(features, list) or not features:
        raise ValueError("monitoring report's 'drift.features' lists no feature")
    alerts = sum(_get(monitoring, "drift", "features", i, "level") == "alert"
                 for i in range(len(features)))  # fmt: skip
    share = alerts / len(features)
    shown = f"{alerts} of {len(features)} features at drift alert ({share:.0%})"
    if share < share_limit:
        return False, f"drift: {shown} < {share_limit:.0%}"
    if labelled < params.min_labelled_rows:
        return False, (
            f"drift: {shown} >= {share_limit:.0%}, but {labelled} labelled rows"
            f" < min_labelled_rows {params.min_labelled_rows}: nothing new to learn yet"
        )
    return True, (
        f"drift: {shown} >= {share_limit:.0%}, with {labelled} labelled rows"
        f" >= min_labelled_rows {params.min_labelled_rows}"
    )


def _age(model_age_days: float | None, params: RetrainParams) -> tuple[bool, str]:
    limit = params.max_model_age_days
    if limit is None:
        return False, "model age: rule off (retrain.max_model_age_days is null)"
    if model_age_days is None:
        raise ValueError("the model's age is unknown, and retrain.max_model_age_days needs it")
    if model_age_days > limit:
        return True, f"model age {model_age_days:.1f} days above max_model_age_days {limit}"
    return False, f"model age {model_age_days:.1f} days <= {limit}"
