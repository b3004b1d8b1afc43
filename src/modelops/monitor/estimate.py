"""Performance estimated before outcomes arrive, from the scores alone (confidence-based).

Each live score is turned into the probability of default that scores like it had on the
reference test set; expected confusion counts, ROC AUC and business value follow from those
probabilities. This holds only while P(bad | score) stays what it was (no concept drift): the
estimate follows a change in who applies, never a change in how applicants behave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from modelops.model.business import loan_values

ASSUMPTION = "no concept drift: P(bad | score) is what it was on the reference test set"


@dataclass(frozen=True)
class Calibration:
    """Observed bad rate by score on the reference test set, non-decreasing in the score;
    between two points it is interpolated, beyond the ends held flat."""

    edges: tuple[float, ...]  # mean score of each reference bin, increasing
    bad_rate: tuple[float, ...]  # the bad rate at each, pooled until non-decreasing

    def calibrated(self, p_bad: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(p_bad, dtype=float), self.edges, self.bad_rate)

    def as_dict(self) -> dict:
        return {"edges": list(self.edges), "bad_rate": list(self.bad_rate)}

    @classmethod
    def from_dict(cls, d: dict) -> Calibration:
        """The calibration as_dict wrote; anything inconsistent is a ValueError saying what."""
        if not isinstance(d, dict) or set(d) != {"edges", "bad_rate"}:
            raise ValueError("a calibration is a mapping with exactly the keys edges and bad_rate")
        edges, rates = np.asarray(d["edges"], dtype=float), np.asarray(d["bad_rate"], dtype=float)
        if edges.ndim != 1 or len(edges) == 0 or edges.shape != rates.shape:
            raise ValueError("calibration edges and bad_rate must be equally long, non-empty lists")
        if np.any(np.diff(edges) <= 0) or np.any(np.diff(rates) < 0):
            raise ValueError("calibration edges must increase and bad_rate must not decrease")
        if not (np.all(np.isfinite(edges)) and np.all((rates >= 0) & (rates <= 1))):
            raise ValueError("calibration edges must be finite and bad_rate between 0 and 1")
        return cls(tuple(edges.tolist()), tuple(rates.tolist()))


def fit_calibration(p_bad: np.ndarray, is_bad: np.ndarray, bins: int) -> Calibration:
    """The reference's observed bad rate in `bins` quantile bins of the score, made
    non-decreasing by pooling adjacent bins that disagree (isotonic regression)."""
    from sklearn.isotonic import IsotonicRegression

    p_bad, is_bad = np.asarray(p_bad, dtype=float), np.asarray(is_bad, dtype=float)
    cuts = np.unique(np.quantile(p_bad, np.arange(1, bins) / bins))
    index = np.searchsorted(cuts, p_bad, side="left")
    rows = np.bincount(index, minlength=len(cuts) + 1)
    held = rows > 0
    mean_score = np.bincount(index, p_bad, len(cuts) + 1)[held] / rows[held]
    bad_rate = np.bincount(index, is_bad, len(cuts) + 1)[held] / rows[held]
    pooled = IsotonicRegression(y_min=0, y_max=1).fit(
        mean_score, bad_rate, sample_weight=rows[held]
    )
    return Calibration(tuple(mean_score.tolist()), tuple(pooled.predict(mean_score).tolist()))


def estimated_performance(
    p_bad: np.ndarray,
    threshold: float,
    calibration: Calibration,
    amount: np.ndarray,
    margin: float,
    loss_given_default: float,
) -> dict:
    """Expected performance of the model's decisions (reject at p_bad >= threshold) on these
    rows, as if each row's outcome were drawn from its calibrated probability of default."""
    p_bad = np.asarray(p_bad, dtype=float)
    bad = calibration.calibrated(p_bad)
    rejected = p_bad >= threshold
    approved = ~rejected
    worth = bad * loan_values(True, amount, margin, loss_given_default) + (1 - bad) * loan_values(
        False, amount, margin, loss_given_default
    )
    rows = len(p_bad)
    return {
        "rows": rows,
        "roc_auc": expected_roc_auc(p_bad, bad),
        "expected_bad_rate": float(bad.mean()) if rows else None,
        "approval_rate": float(approved.mean()) if rows else None,
        "bad_rate_among_approved": float(bad[approved].mean()) if approved.any() else None,
        "business.value_per_application": float(worth[approved].sum() / rows) if rows else None,
        "confusion": {
            "tp": float(bad[rejected].sum()),
            "fp": float((1 - bad[rejected]).sum()),
            "tn": float((1 - bad[approved]).sum()),
            "fn": float(bad[approved].sum()),
        },
        "assumption": ASSUMPTION,
    }


def expected_roc_auc(p_bad: np.ndarray, bad: np.ndarray) -> float | None:
    """ROC AUC expected when row i is bad with probability bad[i]: the ROC curve of expected
    counts, cut between distinct scores (rows that tie move together), by the trapezoid."""
    scores, group = np.unique(-np.asarray(p_bad, dtype=float), return_inverse=True)
    positives = np.bincount(group, bad, len(scores))
    negatives = np.bincount(group, 1 - bad, len(scores))
    if positives.sum() <= 0 or negatives.sum() <= 0:
        return None
    tpr = np.concatenate(([0.0], np.cumsum(positives) / positives.sum()))
    fpr = np.concatenate(([0.0], np.cumsum(negatives) / negatives.sum()))
    return float(np.trapezoid(tpr, fpr))
