"""The reference a model is monitored against, written by the evaluate stage beside its
metrics (reports/reference.json) and released in its bundle: the training data's shape per
feature, the test set's scores and how they were calibrated, and the test metrics. It holds no
rows, so monitoring needs no training data, and it travels with the model it describes.

The test metrics come in two views. `metrics` is all test rows: what the estimate from scores
alone (every prediction, no outcome needed) is compared with. `views.approved` is the test rows
the model approves: outcomes come only from approved loans, so live performance is measured
there, and a live figure is judged against this view's (ROC AUC among approved loans is far
below ROC AUC over all applicants: 0.69 against 0.85 on the credit data, for a healthy model).
A reference written before this view existed is read, but a comparison that needs the view
refuses it (InputError naming the file and the field): never the all-rows figure instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from modelops.config.contract import Contract
from modelops.config.params import BusinessParams, MonitorParams
from modelops.errors import InputError
from modelops.monitor.estimate import Calibration, fit_calibration
from modelops.monitor.live import live_performance
from modelops.monitor.profile import FeatureProfile, profile_feature, score_profile

SCHEMA = 1


def kind_of(contract: Contract, feature: str) -> str:
    return "number" if contract.columns[feature].numeric else "category"


def build_reference(
    train: pd.DataFrame,
    features: list[str],
    contract: Contract,
    p_bad: np.ndarray,
    is_bad: np.ndarray,
    rejected: np.ndarray,
    threshold: float,
    metrics: dict,
    amount: np.ndarray,
    business: BusinessParams,
    monitor: MonitorParams,
) -> dict:
    """The reference of a model: its training rows' profile, its test scores and metrics, on
    all test rows and on the rows it approves (with the monitor's bootstrap intervals)."""
    approved = ~np.asarray(rejected, dtype=bool)
    bins, calibration_bins = monitor.bins, monitor.calibration_bins
    return {
        "schema": SCHEMA,
        "features": {
            name: profile_feature(train[name], kind_of(contract, name), bins).as_dict()
            for name in features
        },
        "score": score_profile(p_bad, bins).as_dict(),
        "calibration": fit_calibration(p_bad, is_bad, calibration_bins).as_dict(),
        "threshold": float(threshold),
        "approval_rate": float(approved.mean()),
        "metrics": {
            "roc_auc": metrics["roc_auc"],
            "brier": metrics["brier"],
            "bad_rate_among_approved": float(is_bad[approved].mean()) if approved.any() else None,
            "business.value_per_application": metrics["business"]["value_per_application"],
        },
        "views": {"approved": approved_view(p_bad, is_bad, approved, amount, business, monitor)},
        "rows": {"train": len(train), "test": len(p_bad)},
    }


def approved_view(
    p_bad: np.ndarray,
    is_bad: np.ndarray,
    approved: np.ndarray,
    amount: np.ndarray,
    business: BusinessParams,
    monitor: MonitorParams,
) -> dict:
    """The test metrics among the rows the model approves, as live performance measures them
    (the same function, intervals and seed): rows, and per metric value, low and high. Its
    business value is per approved application, its bad rate the approved loans' default rate."""
    approved = np.asarray(approved, dtype=bool)
    view = live_performance(
        np.asarray(p_bad, dtype=float)[approved],
        np.zeros(int(approved.sum()), dtype=bool),
        np.asarray(is_bad, dtype=bool)[approved],
        np.asarray(amount, dtype=float)[approved],
        business.margin,
        business.loss_given_default,
        monitor.resamples,
        monitor.confidence,
        monitor.seed,
    )
    return {**view, "confidence": monitor.confidence, "rows_described": APPROVED_ROWS}


APPROVED_ROWS = "the test set's rows the model approves"


class Reference:
    """A reference read back: profiles and calibration as objects (any flaw is an InputError
    naming where the reference came from)."""

    def __init__(self, data: dict, source: str) -> None:
        try:
            if data.get("schema") != SCHEMA:
                raise ValueError(f"schema {data.get('schema')!r}, expected {SCHEMA}")
            self.features = {
                name: FeatureProfile.from_dict(d) for name, d in data["features"].items()
            }
            self.score = FeatureProfile.from_dict(data["score"])
            self.calibration = Calibration.from_dict(data["calibration"])
            self.threshold = float(data["threshold"])
            self.approval_rate = float(data["approval_rate"])
            self.metrics = dict(data["metrics"])
            self._views = dict(data.get("views") or {})
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise InputError(f"reference {source}: not a monitoring reference ({err})") from None
        self.source = source

    def approved(self) -> dict:
        """The test metrics among the rows the model approves (approved_view_in)."""
        return approved_view_in({"views": self._views}, self.source)


def approved_view_in(data: dict, source: str) -> dict:
    """A reference's test metrics among the rows the model approves (views.approved): rows and
    per metric value, low, high. A reference without them (written before the view existed) is
    an InputError naming the file and the field: the all-rows figures are never a stand-in."""
    view = (data.get("views") or {}).get("approved") if isinstance(data, dict) else None
    try:
        rows, metrics = view["rows"], view["metrics"]
        roc_auc = metrics["roc_auc"]["value"]
        if isinstance(rows, bool) or not isinstance(rows, int):
            raise TypeError
    except (KeyError, TypeError):
        raise InputError(
            f"reference {source}: lacks 'views.approved' (the test set's metrics among the rows"
            " the model approves, which live performance is judged against); it was written"
            " before that view existed: rebuild it with modelops evaluate"
        ) from None
    if not isinstance(roc_auc, int | float) or isinstance(roc_auc, bool):
        reason = metrics["roc_auc"].get("reason", "not a number")
        raise InputError(
            f"reference {source}: 'views.approved.metrics.roc_auc.value' is {roc_auc!r}"
            f" ({reason}): live ROC AUC has nothing to be judged against"
        )
    return view
