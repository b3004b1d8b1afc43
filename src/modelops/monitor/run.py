"""A monitoring run: one window of one model version's traffic against that model's
reference, as one report (monitoring.json; the Markdown and the page are drawn from it).

What is judged per version and what across versions:
- per version (the monitored one, against its own reference): feature and score drift, the
  approval rate, the estimate, and live performance. Live performance is measured on the
  version's own approvals with an outcome (approved by the model, not by exploration) and
  judged against its reference's `views.approved`, the test rows the model approves: the
  same kind of rows. A score, a threshold and so a ROC AUC belong to one model, so two
  versions' outcomes are never pooled into one figure.
- across versions: how many labelled outcomes the window holds (window.versions, one line
  per version served in it, and window.with_outcome_all_versions). What a retrain would
  learn from is every outcome, whichever version's decision brought it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from modelops.config.contract import Contract
from modelops.config.params import Params
from modelops.monitor.coverage import SELECTION_BIAS, coverage_by_decision, exploration_cost
from modelops.monitor.drift import FeatureDrift, feature_drift, score_drift
from modelops.monitor.estimate import estimated_performance
from modelops.monitor.live import live_performance, shortfall
from modelops.monitor.reference import APPROVED_ROWS, Reference
from modelops.monitor.verdict import Findings, verdict
from modelops.monitor.window import Window, read_window
from modelops.store import PredictionStore

# Live performance needs outcomes of both kinds; fewer labelled rows than this say nothing.
MIN_LABELLED = 30
LIVE_ROWS = "the predictions the model approved (not by exploration) that have an outcome"


def outcomes_by_version(store: PredictionStore, since: datetime, until: datetime) -> list[dict]:
    """Per model version with predictions made in [since, until): predictions and how many
    have an outcome, largest first. Outcomes of every version: what a retrain learns from."""
    counts = store.outcome_counts(since, until)
    return [
        {"version": v, "predictions": n, "with_outcome": k}
        for v, (n, k) in sorted(counts.items(), key=lambda item: (-item[1][1], item[0]))
    ]


def monitor_window(
    store: PredictionStore,
    reference: Reference,
    contract: Contract,
    params: Params,
    since: datetime,
    until: datetime,
    version: str,
) -> dict:
    business, settings = params.business, params.monitor
    exploration = params.serve.exploration
    window = read_window(store, reference, contract, business.amount_column, since, until,
                         version, segment_columns=tuple(exploration.segments))  # fmt: skip
    features = [
        feature_drift(name, reference.features[name], counts, settings)
        for name, counts in window.features.items()
    ]
    score = score_drift(reference.score, window.score, settings)
    # The model's approval rate, as the reference's: approvals by exploration are rejections
    # by the model (otherwise turning exploration on would read as prediction drift).
    approved = ~window.rejected & ~window.explored
    approval = float(approved.mean()) if window.predictions else float("nan")
    refused = store.refusals(since, until, version)
    asked = refused["requests"] + window.predictions
    refused_share = refused["requests"] / asked if asked else None
    labelled = ~np.isnan(window.is_bad)
    # Live performance's rows: the model's own approvals with an outcome, as the reference's
    # approved view (explored approvals are the model's rejections, scored above threshold).
    judged = labelled & approved
    live = _live(window, judged, params)
    if live is not None:
        live = judged_against(live, reference.approved(), settings.confidence)
    estimated = (
        estimated_performance(
            window.p_bad,
            reference.threshold,
            reference.calibration,
            window.amount,
            business.margin,
            business.loss_given_default,
        )
        if window.predictions
        else None
    )
    level, reasons = verdict(
        Findings(
            features=features,
            score=score,
            approval_rate=approval,
            reference_approval_rate=reference.approval_rate,
            refused_share=refused_share,
            live=live,
            estimated=estimated,
            reference_metrics=reference.metrics,
            predictions=window.predictions,
            requests=asked,
        ),
        settings,
    )
    delays = window.delay_days[labelled]
    if live is not None:
        live = {
            **live,
            "view": LIVE_ROWS,
            "reference_view": APPROVED_ROWS,
            "confidence": params.monitor.confidence,  # of the bootstrap intervals
            "label_coverage": float(labelled.mean()),
            "label_delay_days": {
                "median": float(np.median(delays)),
                "p90": float(np.quantile(delays, 0.9)),
            },
        }
    if estimated is not None:  # the estimate covers every prediction: the all-rows figures
        estimated = {**estimated, "reference": {"roc_auc": reference.metrics.get("roc_auc")}}
    versions = outcomes_by_version(store, since, until)
    return {
        "verdict": level,
        "reasons": [{"level": r.level, "check": r.check, "message": r.message} for r in reasons],
        "window": {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "model_version": version,
            "predictions": window.predictions,
            "with_outcome": int(labelled.sum()),
            "reference": reference.source,
            # Every version served in the window: outcomes are counted across versions.
            "versions": versions,
            "with_outcome_all_versions": sum(v["with_outcome"] for v in versions),
        },
        "drift": {
            "features": [_drift(d) for d in features],
            "score": _drift(score),
            "approval_rate": {
                "reference": reference.approval_rate,
                "current": None if np.isnan(approval) else approval,
                "change": None if np.isnan(approval) else approval - reference.approval_rate,
                "level": "not judged"
                if window.predictions < settings.min_rows
                else next((r.level for r in reasons if r.check == "approval_rate"), "ok"),
            },
        },
        "input_quality": {
            "requests": asked,
            "refused": refused["requests"],
            "refused_share": refused_share,
            "by_rule": refused["by_rule"],
        },
        "label_coverage": {
            "by_decision": coverage_by_decision(window.rejected, window.explored, labelled),
            "note": SELECTION_BIAS,
        },
        "exploration": _exploration(window, params),
        "live": live,
        "estimated": estimated,
        "over_time": _over_time(window, labelled, judged, reference, params, until - since),
    }


def _exploration(window: Window, params: Params) -> dict:
    return exploration_cost(
        window.explored,
        window.rejected,
        window.p_bad,
        window.is_bad,
        window.amount,
        window.predicted_at,
        window.segments,
        params.serve.exploration,
        params.business.margin,
        params.business.loss_given_default,
    )


def judged_against(live: dict, view: dict, confidence: float) -> dict:
    """Each live metric with the reference figure it is judged against (the same metric on the
    reference's approved view), that figure's interval, and the shortfall (reference - live)
    with an interval counting both figures' noise."""
    metrics = {}
    for name, metric in live["metrics"].items():
        base = view["metrics"].get(name) or {}
        metrics[name] = {
            **metric,
            "reference": base.get("value"),
            "reference_low": base.get("low"),
            "reference_high": base.get("high"),
            "shortfall": shortfall(metric, confidence, base, view.get("confidence", confidence)),
        }
    return {**live, "metrics": metrics, "reference_rows": view["rows"]}


def _live(window: Window, labelled: np.ndarray, params: Params) -> dict | None:
    y = window.is_bad[labelled]
    if len(y) < MIN_LABELLED:
        return None
    settings, business = params.monitor, params.business
    return live_performance(
        window.p_bad[labelled],
        window.rejected[labelled],
        y.astype(bool),
        window.amount[labelled],
        business.margin,
        business.loss_given_default,
        settings.resamples,
        settings.confidence,
        settings.seed,
    )


def _drift(d: FeatureDrift) -> dict:
    return {
        "name": d.name,
        "psi": d.psi,
        "distance": d.distance,
        "missing_reference": d.missing_reference,
        "missing_current": d.missing_current,
        "rows": d.rows,
        "level": d.level,
        "labels": list(d.labels),
        "reference_shares": [float(s) for s in d.reference_shares],
        "current_shares": [float(s) for s in d.current_shares],
    }


def _over_time(
    window: Window,
    labelled: np.ndarray,
    judged: np.ndarray,
    reference: Reference,
    params: Params,
    span: timedelta,
) -> list[dict]:
    """Per day (per week beyond a month): predictions, label coverage, live (on `judged`,
    live performance's rows) and estimated ROC AUC, so a slow decline shows before the
    window's totals move."""
    if not window.predictions:
        return []
    freq = "D" if span <= timedelta(days=31) else "W"
    periods = pd.Series(window.predicted_at).dt.to_period(freq)
    rows = []
    for period, index in periods.groupby(periods).groups.items():
        at = np.asarray(index)
        known = at[judged[at]]
        y = window.is_bad[known].astype(bool)
        live_auc = _roc_auc(y, window.p_bad[known]) if len(known) >= MIN_LABELLED else None
        estimate = estimated_performance(
            window.p_bad[at],
            reference.threshold,
            reference.calibration,
            window.amount[at],
            params.business.margin,
            params.business.loss_given_default,
        )
        rows.append(
            {
                "period": str(period.start_time.date()),
                "predictions": len(at),
                "live_roc_auc": live_auc,
                "estimated_roc_auc": estimate["roc_auc"],
                "label_coverage": float(labelled[at].mean()),
            }
        )
    return rows


def _roc_auc(y: np.ndarray, p: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else None
