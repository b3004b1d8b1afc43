"""Performance where outcomes are known: each metric with a bootstrap interval, so that a fall
is told apart from the noise of a few hundred outcomes."""

from __future__ import annotations

import numpy as np

from modelops.model.business import loan_values
from modelops.model.uncertainty import BLOCK_CELLS

# Why a metric has no value on these rows; the others can always be computed.
CANNOT = {
    "roc_auc": "the outcomes hold one class only",
    "bad_rate_among_approved": "no approved application",
}
METRICS = ("roc_auc", "brier", "bad_rate_among_approved", "business.value_per_application")


def live_performance(
    p_bad: np.ndarray,
    rejected: np.ndarray,
    is_bad: np.ndarray,
    amount: np.ndarray,
    margin: float,
    loss_given_default: float,
    resamples: int,
    confidence: float,
    seed: int,
) -> dict:
    """Each metric on these rows with a `confidence` interval from `resamples` bootstrap
    resamples (seeded). A metric these rows cannot give (one class only, nothing approved) is
    value None with the reason. Business value is business.py's: a rejected application is
    worth 0."""
    p_bad, rejected = np.asarray(p_bad, dtype=float), np.asarray(rejected, dtype=bool)
    is_bad = np.asarray(is_bad, dtype=bool)
    rows = len(is_bad)
    if rows == 0:
        return {"rows": 0, "metrics": {name: _none("no outcomes yet") for name in METRICS}}
    values = np.where(rejected, 0.0, loan_values(is_bad, amount, margin, loss_given_default))
    weighted = _Weighted(p_bad, rejected, is_bad, values)
    draws: dict[str, list[np.ndarray]] = {name: [] for name in METRICS}
    rng = np.random.default_rng(seed)
    step = max(1, BLOCK_CELLS // rows)  # resamples drawn a block at a time: memory stays bounded
    for start in range(0, resamples, step):
        count = min(step, resamples - start)
        for name, spread in weighted.metrics(_resample_counts(rng, count, rows)).items():
            draws[name].append(spread)
    points = weighted.metrics(np.ones((1, rows)))
    tail = (1 - confidence) / 2
    metrics = {}
    for name in METRICS:
        point = float(points[name][0])
        if not np.isfinite(point):
            metrics[name] = _none(CANNOT[name])
            continue
        spread = np.concatenate(draws[name])
        low, high = np.quantile(spread[np.isfinite(spread)], [tail, 1 - tail])
        metrics[name] = {"value": point, "low": float(low), "high": float(high)}
    return {"rows": rows, "metrics": metrics}


def _resample_counts(rng: np.random.Generator, resamples: int, rows: int) -> np.ndarray:
    """How often each row is drawn in each resample (rows drawn with replacement): the same
    resamples as index arrays, in a form every metric below reads in one matrix product."""
    drawn = rng.integers(0, rows, size=(resamples, rows))
    drawn += np.arange(resamples)[:, None] * rows
    return np.bincount(drawn.ravel(), minlength=resamples * rows).reshape(resamples, rows)


class _Weighted:
    """The metrics of rows weighted by how often a resample drew them. Rows are sorted by
    score once, so ROC AUC is cumulative sums, not a sort per resample (at 30,000 outcomes
    and 1,000 resamples: a fraction of a second instead of seconds)."""

    def __init__(self, p_bad, rejected, is_bad, values) -> None:
        order = np.argsort(p_bad, kind="stable")
        p = p_bad[order]
        self.bad = is_bad[order].astype(float)
        self.squared_error = (p - self.bad) ** 2
        self.approved = (~rejected[order]).astype(float)
        self.approved_bad = self.approved * self.bad
        self.values = values[order]
        # The last row of each run of equal scores: ties are counted half.
        self.tie_ends = np.flatnonzero(np.append(np.diff(p) != 0, True))

    def metrics(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        weights = weights.astype(float)
        total = weights.sum(axis=1)
        bad = weights * self.bad
        bad_before = np.cumsum(bad, axis=1)[:, self.tie_ends]
        good_before = np.cumsum(weights - bad, axis=1)[:, self.tie_ends]
        bad_in = np.diff(bad_before, axis=1, prepend=0.0)
        good_in = np.diff(good_before, axis=1, prepend=0.0)
        below = good_before - good_in  # good rows scored lower than this tie group
        bads, goods = bad_before[:, -1], good_before[:, -1]
        with np.errstate(divide="ignore", invalid="ignore"):
            auc = np.sum(bad_in * (below + good_in / 2), axis=1) / (bads * goods)
            return {
                "roc_auc": np.where((bads > 0) & (goods > 0), auc, np.nan),
                "brier": _dot(weights, self.squared_error) / total,
                "bad_rate_among_approved": _dot(weights, self.approved_bad)
                / _dot(weights, self.approved),
                "business.value_per_application": _dot(weights, self.values) / total,
            }


def _dot(weights: np.ndarray, column: np.ndarray) -> np.ndarray:
    """Each row of weights times column, summed: row by row the same sum however many
    resamples a block holds (a matrix product's last bits depend on its shape)."""
    return (weights * column).sum(axis=1)


def _none(reason: str) -> dict:
    return {"value": None, "low": None, "high": None, "reason": reason}


def shortfall(
    live: dict, live_confidence: float, reference: dict, reference_confidence: float
) -> dict | None:
    """How far a live metric is below its reference (reference - live: positive is worse for
    ROC AUC and value), with a `live_confidence` interval that counts both figures' noise:
    each interval read as a standard error, the two combined as independent. The reference's
    own noise matters: ~470 approved test rows give its ROC AUC a 90% interval of +-0.07,
    shared by every window judged against it. None when either figure or interval is
    missing (a metric these rows cannot give)."""
    figures = (live.get("value"), live.get("low"), live.get("high"))
    figures += (reference.get("value"), reference.get("low"), reference.get("high"))
    if any(f is None for f in figures):
        return None
    value, low, high, ref, ref_low, ref_high = (float(f) for f in figures)
    error = np.hypot(
        (high - low) / (2 * _z(live_confidence)),
        (ref_high - ref_low) / (2 * _z(reference_confidence)),
    )
    half = _z(live_confidence) * float(error)
    gap = ref - value
    return {"value": gap, "low": gap - half, "high": gap + half}


def _z(confidence: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)
