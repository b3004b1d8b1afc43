"""The reference a model is monitored against, written by the evaluate stage beside its
metrics (reports/reference.json) and released in its bundle: the training data's shape per
feature, the test set's scores and how they were calibrated, and the test metrics. It holds no
rows, so monitoring needs no training data, and it travels with the model it describes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from modelops.config.contract import Contract
from modelops.errors import InputError
from modelops.monitor.estimate import Calibration, fit_calibration
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
    bins: int,
    calibration_bins: int,
) -> dict:
    """The reference of a model: its training rows' profile, its test scores and metrics."""
    approved = ~rejected
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
        "rows": {"train": len(train), "test": len(p_bad)},
    }


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
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise InputError(f"reference {source}: not a monitoring reference ({err})") from None
        self.source = source
