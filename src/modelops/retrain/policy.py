"""The retrain policy: from one monitoring report (monitoring.json), retrain or keep, and why.

Degradation rules (limits in policy.yaml retrain.*; a null limit switches its rule off); any
one that fires is an alarm, and an alarm means retrain:
- live ROC AUC, on the monitored version's approvals with an outcome, below the same figure
  on its reference's approved test rows (views.approved: like with like) by more than
  live_auc_drop, the shortfall's whole interval beyond it (the noise of the live figure and
  of the reference's both counted, so few outcomes give a wide interval, not a false alarm);
  judged with at least min_labelled_rows outcomes in the window, every version's (fewer:
  nothing new for a retrain to learn)
- estimated ROC AUC (from scores alone, every prediction) below the reference test set's
  (all rows, as the estimate) by more than estimated_auc_drop
- a share of the input features at drift level alert of at least drift_alert_share, with at
  least min_labelled_rows outcomes in the window, every version's (without them a retrain
  learns nothing new)
- the model older than max_model_age_days at the window's end

Beside them, a scheduled retrain (schedule_min_outcomes; off by default): at least that many
final outcomes the model did not train on: those the export takes now and did not take when
it was trained (observed since, min_outcome_age_days earlier), of every version. It is no
alarm: nothing was found wrong, there is enough new to learn from, and the gate decides
whether the retrained model is served. Decision.kind says which: "alarm" (a degradation rule
fired, whether or not the schedule is due too), "scheduled" or "keep".

Per version and across versions: scores, thresholds and so ROC AUC, drift and the estimate
belong to one model and are judged for the monitored version against its own reference; what
is counted across every version is outcomes (the drift rule's min_labelled_rows and the
schedule), since a retrain learns from each, whichever version's decision brought it.

A key a rule needs that the report lacks is a ValueError naming it: no rule passes for want of
its input. `live: null` (no outcomes yet) is the one absence the report means: that rule is
then not judged, and the decision says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from modelops.config.params import RetrainParams
from modelops.monitor.live import shortfall

KINDS = ("alarm", "scheduled", "keep")


@dataclass(frozen=True)
class Decision:
    """kind "alarm": the degradation rules that fired (alarms), one line each naming value and
    limit; "scheduled": no alarm, the schedule is due (scheduled); "keep": neither. reasons:
    what `modelops retrain decide` prints, alarms and schedule first, or for a keep one line
    saying every rule holds with each rule's value and limit (or why it was not judged)."""

    kind: str
    reasons: list[str]
    alarms: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)

    @property
    def retrain(self) -> bool:
        return self.kind != "keep"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "retrain": self.retrain} | asdict(self)


def decide(
    monitoring: dict,
    reference_metrics: dict,
    approved: dict | None,
    model_age_days: float | None,
    params: RetrainParams,
    new_outcomes: int | None = None,
) -> Decision:
    """Apply the policy to a monitoring report; the monitored version's reference: its test
    metrics on all rows (`metrics`: roc_auc, for the estimate) and on the rows it approves
    (`views.approved`, Reference.approved(): for live ROC AUC; None only when the report has
    no live outcomes or the rule is off); the model's age in days (None only when
    max_model_age_days is off); and the count of new labelled outcomes since it was trained,
    every version's (None only when schedule_min_outcomes is off; new_labelled_outcomes)."""
    checks = [
        _live_auc(monitoring, approved, params),
        _estimated_auc(monitoring, reference_metrics, params),
        _drift(monitoring, params),
        _age(model_age_days, params),
    ]
    due, schedule_line = _schedule(new_outcomes, params)
    alarms = [line for fired, line in checks if fired]
    scheduled = [schedule_line] if due else []
    if alarms:
        return Decision("alarm", [*alarms, *scheduled], alarms, scheduled)
    if scheduled:
        held = "no alarm: " + "; ".join(line for _, line in checks)
        return Decision("scheduled", [schedule_line, held], [], scheduled)
    lines = [line for _, line in checks] + [schedule_line]
    return Decision("keep", ["every rule holds: " + "; ".join(lines)])


def new_labelled_outcomes(
    store, trained_at: datetime, until: datetime, min_outcome_age_days: int
) -> int:
    """The final outcomes a retrain now would learn that the model did not: those the export
    takes at until (observed min_outcome_age_days before it) but did not take at trained_at.
    Every version's, whichever decision brought them, and counted by when the outcome was
    observed: a loan decided before the training whose outcome came after is new too."""
    age = timedelta(days=min_outcome_age_days)
    return store.outcomes_observed(trained_at - age, until - age)


def model_age_days(monitoring: dict, trained_at: datetime) -> float:
    """Days from the model's training (an aware time) to the end of the report's window."""
    return (window_end(monitoring) - trained_at).total_seconds() / 86400


def window_end(monitoring: dict) -> datetime:
    """The report's window.until as an aware time (a ValueError naming it otherwise)."""
    until = _get(monitoring, "window", "until")
    try:
        end = datetime.fromisoformat(until)
    except (TypeError, ValueError):
        raise ValueError(
            f"monitoring report's 'window.until' {until!r} is not an ISO time"
        ) from None
    if end.tzinfo is None:
        raise ValueError(f"monitoring report's 'window.until' {until!r} has no time zone")
    return end


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


def _live_auc(monitoring: dict, view: dict | None, params: RetrainParams) -> tuple[bool, str]:
    drop = params.live_auc_drop
    live = _get(monitoring, "live")
    if drop is None:
        return False, "live ROC AUC: rule off (retrain.live_auc_drop is null)"
    if live is None:
        return False, "live ROC AUC: no outcomes yet, not judged"
    _number(monitoring, "live", "rows")  # the approvals it was measured on (its interval's)
    labelled = _number(monitoring, "window", "with_outcome_all_versions")
    if labelled < params.min_labelled_rows:
        return False, (
            f"live ROC AUC: {labelled} labelled rows (every version) < min_labelled_rows"
            f" {params.min_labelled_rows}: nothing new to learn yet, not judged"
        )
    value = _number(monitoring, "live", "metrics", "roc_auc", "value")
    if value is None:  # live_performance's answer when the outcomes hold one class only
        return False, "live ROC AUC: not computable on these outcomes, not judged"
    metric = {
        key: _number(monitoring, "live", "metrics", "roc_auc", key)
        for key in ("value", "low", "high")
    }
    confidence = _number(monitoring, "live", "confidence")
    if view is None:
        raise ValueError(
            "the reference's test metrics among approved rows (views.approved) are not given,"
            " and live ROC AUC is judged against them"
        )
    base = view["metrics"]["roc_auc"]
    gap = shortfall(metric, confidence, base, view.get("confidence", confidence))
    if gap is None:
        raise ValueError("monitoring report's 'live.metrics.roc_auc' has no interval")
    shown = (
        f"live ROC AUC among approved loans {value:.3f} [{metric['low']:.3f},"
        f" {metric['high']:.3f}] vs {base['value']:.3f} on the test set's approved rows"
        f" (shortfall {gap['value']:.3f} [{gap['low']:.3f}, {gap['high']:.3f}])"
    )
    if gap["low"] > drop:
        return True, f"{shown}: below it by more than live_auc_drop {drop:g}, beyond the noise"
    return False, f"{shown}: not below it by more than {drop:g} beyond the noise"


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
    labelled = _number(monitoring, "window", "with_outcome_all_versions")
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
            f"drift: {shown} >= {share_limit:.0%}, but {labelled} labelled rows (every version)"
            f" < min_labelled_rows {params.min_labelled_rows}: nothing new to learn yet"
        )
    return True, (
        f"drift: {shown} >= {share_limit:.0%}, with {labelled} labelled rows (every version)"
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


def _schedule(new_outcomes: int | None, params: RetrainParams) -> tuple[bool, str]:
    least = params.schedule_min_outcomes
    if least is None:
        return False, "schedule: off (retrain.schedule_min_outcomes is null)"
    if new_outcomes is None:
        raise ValueError(
            "the count of new labelled outcomes is unknown, and retrain.schedule_min_outcomes"
            " needs it"
        )
    if new_outcomes >= least:
        return True, (
            f"scheduled: {new_outcomes} new labelled outcomes since the model was trained"
            f" >= schedule_min_outcomes {least} (the gate decides)"
        )
    return False, f"schedule: {new_outcomes} new labelled outcomes < {least}"
