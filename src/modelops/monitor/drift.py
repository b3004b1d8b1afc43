"""Has a feature (or the score) moved away from the reference? Two measures over the same bins.

PSI (population stability index) is the credit industry's rule of thumb: below 0.1 stable,
0.1-0.25 shifting, above 0.25 shifted. Its log lets a nearly empty bin dominate, so a level is
only raised when the Jensen-Shannon distance, bounded and never dominated by one bin, agrees.

Level rule: alert when PSI >= monitor.psi_alert and distance >= monitor.distance_alert; warn
when PSI >= monitor.psi_warn and distance >= monitor.distance_warn, or when the share of
missing values moved by more than monitor.max_missing_change; ok otherwise. With fewer than
monitor.min_rows rows (or non-missing values) the shape cannot be judged: "insufficient"
(though a missing share that moved still warns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from modelops.config.params import MonitorParams
from modelops.monitor.profile import BinCounts, FeatureProfile

SCORE = "score"


def psi(reference: np.ndarray, current: np.ndarray, floor: float = 1e-4) -> float:
    """Population stability index of two share vectors over the same bins.

    Shares are floored: a bin empty on one side would make its log infinite; the floor caps
    what one bin can add (0.1 of the rows moving into an empty bin adds about 0.7)."""
    r = np.maximum(np.asarray(reference, dtype=float), floor)
    c = np.maximum(np.asarray(current, dtype=float), floor)
    return float(np.sum((c - r) * np.log(c / r)))


def distance(reference: np.ndarray, current: np.ndarray) -> float:
    """Jensen-Shannon distance (base 2) of two share vectors over the same bins, in [0, 1]."""
    from scipy.spatial.distance import jensenshannon

    return float(jensenshannon(np.asarray(reference, float), np.asarray(current, float), base=2))


@dataclass(frozen=True)
class FeatureDrift:
    """How far one feature's live rows are from the reference, and the level that earns."""

    name: str
    psi: float
    distance: float
    missing_reference: float
    missing_current: float
    rows: int
    level: str  # "ok" | "warn" | "alert" | "insufficient"
    reference_shares: tuple[float, ...]
    current_shares: tuple[float, ...]
    labels: tuple[str, ...]


def feature_drift(
    name: str, profile: FeatureProfile, counts: BinCounts, params: MonitorParams
) -> FeatureDrift:
    """One input feature's drift, judged by monitor.psi_warn and psi_alert."""
    return _drift(name, profile, counts, params, params.psi_warn, params.psi_alert)


def score_drift(profile: FeatureProfile, counts: BinCounts, params: MonitorParams) -> FeatureDrift:
    """The model's score's drift, judged by monitor.score_psi_warn and score_psi_alert."""
    return _drift(SCORE, profile, counts, params, params.score_psi_warn, params.score_psi_alert)


def _drift(name, profile, counts, params, psi_warn: float, psi_alert: float) -> FeatureDrift:
    reference, current = np.asarray(profile.shares), counts.shares()
    judged = counts.counts.sum() > 0  # no value at all has no shape: 0, and never "ok" below
    value = psi(reference, current) if judged else 0.0
    far = distance(reference, current) if judged else 0.0
    missing_moved = abs(counts.missing_share() - profile.missing) > params.max_missing_change
    if counts.rows < params.min_rows:
        level = "insufficient"
    elif counts.counts.sum() < params.min_rows:
        # Mostly missing: too few values for their shape to be judged, but the gap is news.
        level = "warn" if missing_moved else "insufficient"
    elif value >= psi_alert and far >= params.distance_alert:
        level = "alert"
    elif (value >= psi_warn and far >= params.distance_warn) or missing_moved:
        level = "warn"
    else:
        level = "ok"
    return FeatureDrift(
        name=name,
        psi=value,
        distance=far,
        missing_reference=profile.missing,
        missing_current=counts.missing_share(),
        rows=counts.rows,
        level=level,
        reference_shares=tuple(float(s) for s in reference),
        current_shares=tuple(float(s) for s in current),
        labels=tuple(profile.labels()),
    )
