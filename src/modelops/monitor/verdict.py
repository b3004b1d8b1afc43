"""The monitor's verdict: ok, warn or alert, with one reason per rule that fired.

Rules (limits in policy.yaml monitor.*):
- an input feature at alert: alert; at warn, or too few rows to judge it: warn
- the model's score drifted: the same, with its own PSI limits (score_psi_warn, score_psi_alert)
- the approval rate moved from the reference test set's by more than approval_change_warn or
  approval_change_alert (share points); not judged on fewer than min_rows predictions
- the share of requests refused as invalid input is above refused_warn or refused_alert; not
  judged on fewer than min_rows requests
- live ROC AUC (outcomes known), on the model's approvals with an outcome, against the same
  figure on the reference's approved view (the test rows the model approves: like with like,
  never the all-rows figure): the shortfall (reference - live) beyond live_auc_drop_warn
  with its whole interval (both figures' noise counted, monitor.confidence): warn; beyond
  live_auc_drop_alert: alert. The same for business value per approved application with
  value_drop_warn and value_drop_alert. A live figure these outcomes cannot give: warn, not
  judged
- fewer of the model's approvals with an outcome than min_rows: warn (coverage), live
  performance not judged
- estimated ROC AUC (no outcomes) below the reference by more than estimated_auc_drop_warn:
  warn only, since the estimate assumes P(bad | score) has not changed
- fewer predictions than min_rows: one warn, standing for every feature it leaves unjudged
"""

from __future__ import annotations

from dataclasses import dataclass

from modelops.config.params import MonitorParams
from modelops.monitor.drift import SCORE, FeatureDrift

LEVELS = ("ok", "warn", "alert")
# Reasons that say only that there is too little traffic to judge: alone, they are no finding,
# and the page and the Markdown say "not enough traffic yet" rather than a warning.
TOO_LITTLE_TO_JUDGE = frozenset({"predictions", "coverage"})


def only_too_little(reasons: list[dict]) -> bool:
    """Whether a report's reasons (as monitoring.json holds them) are all too-little-traffic."""
    return bool(reasons) and all(r.get("check") in TOO_LITTLE_TO_JUDGE for r in reasons)


@dataclass(frozen=True)
class Reason:
    """One rule that fired: its level, what it checked and one line naming value and limit."""

    level: str  # "warn" | "alert"
    check: str  # "drift.Income", "score.psi", "approval_rate", "live.roc_auc", ...
    message: str


@dataclass(frozen=True)
class Findings:
    """Everything the monitor measured over one window of predictions."""

    features: list[FeatureDrift]
    score: FeatureDrift
    approval_rate: float
    reference_approval_rate: float
    refused_share: float | None  # None: the service's refusals were not counted
    # live_performance's output on the model's approvals with an outcome, each metric with its
    # reference on the approved view and its shortfall (run.judged_against); None: no
    # outcomes yet
    live: dict | None
    estimated: dict | None  # estimated_performance's output
    reference_metrics: dict  # the reference test set's, all rows: roc_auc (for the estimate)
    predictions: int
    requests: int | None = None  # predictions and refusals; None: refusals not counted


def verdict(findings: Findings, params: MonitorParams) -> tuple[str, list[Reason]]:
    """The overall level and the reasons for it, alerts first."""
    reasons = [
        *_drift_reasons(findings, params),
        *_approval_and_refusals(findings, params),
        *_live_reasons(findings, params),
        *_estimate_reasons(findings, params),
    ]
    reasons.sort(key=lambda r: r.level != "alert")  # stable: rule order within a level
    level = max((r.level for r in reasons), key=LEVELS.index, default="ok")
    return level, reasons


def _drift_reasons(findings: Findings, params: MonitorParams):
    if findings.predictions < params.min_rows:
        yield Reason(
            "warn",
            "predictions",
            f"too few predictions: {findings.predictions} < min_rows {params.min_rows}",
        )
        return
    for drift in (*findings.features, findings.score):
        check = "score.psi" if drift is findings.score else f"drift.{drift.name}"
        if drift.level == "insufficient":
            yield Reason("warn", check, f"{drift.name}: too few rows to judge ({drift.rows})")
        elif drift.level in ("warn", "alert"):
            yield Reason(drift.level, check, _drift_message(drift, params))


def _drift_message(drift: FeatureDrift, params: MonitorParams) -> str:
    score = drift.name == SCORE
    psi_limit = getattr(params, f"{'score_' if score else ''}psi_{drift.level}")
    distance_limit = getattr(params, f"distance_{drift.level}")
    text = f"{drift.name}: PSI {drift.psi:.3f}, distance {drift.distance:.3f}"
    if drift.psi >= psi_limit and drift.distance >= distance_limit:
        text += f" (limits PSI {psi_limit:g}, distance {distance_limit:g})"
    if abs(drift.missing_current - drift.missing_reference) > params.max_missing_change:
        text += (
            f"; missing {drift.missing_reference:.1%} -> {drift.missing_current:.1%}"
            f" (limit ±{params.max_missing_change * 100:g} points)"
        )
    return text


def _approval_and_refusals(findings: Findings, params: MonitorParams):
    # A share of fewer than min_rows is noise (one prediction is an approval rate of 0 or 1):
    # not judged; the "too few predictions" reason already says so.
    change = findings.approval_rate - findings.reference_approval_rate
    level = _level(abs(change), params.approval_change_warn, params.approval_change_alert)
    if findings.predictions < params.min_rows:
        level = None
    if level:
        limit = getattr(params, f"approval_change_{level}")
        yield Reason(
            level,
            "approval_rate",
            f"approval rate {findings.approval_rate:.1%} vs {findings.reference_approval_rate:.1%}"
            f" on the reference ({change * 100:+.1f} points; limit ±{limit * 100:g})",
        )
    # Requests hold the predictions: fewer than min_rows of them are fewer predictions too,
    # which the "too few predictions" reason says; many refusals are judged however few
    # predictions they leave.
    asked = findings.predictions if findings.requests is None else findings.requests
    if findings.refused_share is not None and asked >= params.min_rows:
        level = _level(findings.refused_share, params.refused_warn, params.refused_alert)
        if level:
            limit = getattr(params, f"refused_{level}")
            yield Reason(
                level,
                "input.refused",
                f"{findings.refused_share:.1%} of requests refused as invalid input"
                f" (limit {limit:.1%})",
            )


def _level(value: float, warn: float, alert: float) -> str | None:
    return "alert" if value > alert else "warn" if value > warn else None


LIVE_LABELS = {
    "roc_auc": ("ROC AUC among approved loans", "live_auc_drop", 3),
    "business.value_per_application": ("value per approved application", "value_drop", 2),
}


def _live_reasons(findings: Findings, params: MonitorParams):
    if findings.live is None:
        return
    rows = findings.live["rows"]
    if rows < params.min_rows:
        yield Reason(
            "warn",
            "coverage",
            f"{rows} of the model's approvals have an outcome, fewer than min_rows"
            f" {params.min_rows}: live performance not judged",
        )
        return
    for name, (label, drop, digits) in LIVE_LABELS.items():
        metric = findings.live["metrics"].get(name, {})
        gap = metric.get("shortfall")
        if metric.get("value") is None or gap is None:
            why = metric.get("reason") or (
                "no reference figure on the approved rows" if metric else "not measured"
            )
            yield Reason("warn", f"live.{name}", f"live {label}: {why}, not judged")
            continue
        n = f".{digits}f"
        shown = (
            f"live {label} {metric['value']:{n}} [{metric['low']:{n}}, {metric['high']:{n}}]"
            f" vs {metric['reference']:{n}} on the test set's approved rows"
        )
        for level in ("alert", "warn"):
            limit = getattr(params, f"{drop}_{level}")
            if gap["low"] > limit:
                yield Reason(
                    level,
                    f"live.{name}",
                    f"{shown}: below it by {gap['value']:{n}}, more than {limit:g} beyond the"
                    f" noise of both (shortfall [{gap['low']:{n}}, {gap['high']:{n}}])",
                )
                break


def _estimate_reasons(findings: Findings, params: MonitorParams):
    if findings.estimated is None:
        return
    estimate, reference = (
        findings.estimated.get("roc_auc"),
        findings.reference_metrics.get("roc_auc"),
    )
    if estimate is None or reference is None:
        return
    limit = params.estimated_auc_drop_warn
    if estimate < reference - limit:
        yield Reason(
            "warn",
            "estimated.roc_auc",
            f"estimated roc_auc {estimate:.3f} (no outcomes yet) below the reference"
            f" {reference:.3f} - {limit:g}; assumes P(bad | score) is unchanged",
        )
