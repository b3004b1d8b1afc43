"""How sure a figure measured on the test rows is: a bootstrap of the rows.

`metric_intervals` gives one model's metrics their intervals (the model card). For a
comparison of two models (`paired_drops`), both are scored on the same resamples of the test
rows, so the noise the two share (which rows happen to be in the test set) cancels out of
their difference; the interval of the difference is far narrower than the intervals of the
two metrics taken apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from modelops.config.metrics import LOWER_IS_BETTER
from modelops.model.business import loan_values

# Cells of a (resamples x rows) block computed at once: bounds memory on large test sets.
BLOCK_CELLS = 4_000_000


@dataclass(frozen=True)
class Answers:
    """One model's answers on the test rows."""

    p_bad: np.ndarray
    rejected: np.ndarray  # the model's own decision at its own threshold


@dataclass(frozen=True)
class Interval:
    """A figure and its bootstrap interval: a metric, or a drop between two models (positive:
    the challenger is worse)."""

    point: float
    low: float
    high: float

    @property
    def significant(self) -> bool:
        """The interval excludes no change: the two models really differ on this metric."""
        return self.low > 0 or self.high < 0


def paired_drops(
    points: dict[str, float],
    is_bad: np.ndarray,
    amount: np.ndarray,
    challenger: Answers,
    baseline: Answers,
    margin: float,
    loss_given_default: float,
    resamples: int,
    confidence: float,
    seed: int,
) -> dict[str, Interval]:
    """For each metric, the challenger's drop against the baseline on these rows (`points`:
    computed exactly by the caller, as the metrics report computes them) with a `confidence`
    interval from `resamples` paired bootstrap resamples (seeded, so reproducible)."""
    is_bad = np.asarray(is_bad, dtype=bool)
    values = loan_values(is_bad, amount, margin, loss_given_default)
    rows = len(is_bad)
    rng = np.random.default_rng(seed)
    index = rng.integers(0, rows, size=(resamples, rows))
    tail = (1 - confidence) / 2
    result = {}
    for name, point in points.items():
        sign = -1.0 if name in LOWER_IS_BETTER else 1.0

        def drop(idx: np.ndarray, name=name, sign=sign) -> np.ndarray:
            before = _metric(name, idx, is_bad, values, baseline)
            after = _metric(name, idx, is_bad, values, challenger)
            return sign * (before - after)

        draws = np.concatenate([drop(block) for block in _blocks(index)])
        result[name] = _interval(point, draws, tail)
    return result


def metric_intervals(
    points: dict[str, float],
    is_bad: np.ndarray,
    amount: np.ndarray,
    answers: Answers,
    margin: float,
    loss_given_default: float,
    resamples: int,
    confidence: float,
    seed: int,
    max_rows: int | None = None,
) -> dict[str, Interval]:
    """For each metric of one model on these rows (`points`: computed exactly by the caller,
    as the metrics report has them), its `confidence` bootstrap interval from `resamples`
    resamples of the rows (seeded, so the same rows give the same interval).

    With more rows than `max_rows`, each resample draws `max_rows` of them (the m-out-of-n
    bootstrap) and the interval's distances from the point are scaled by sqrt(m/n): a metric's
    spread shrinks as one over the root of the rows, and ranking a million-row resample a
    thousand times would cost minutes where m = 20,000 costs seconds."""
    is_bad = np.asarray(is_bad, dtype=bool)
    values = loan_values(is_bad, amount, margin, loss_given_default)
    rows = len(is_bad)
    size = rows if max_rows is None else min(rows, max_rows)
    scale = np.sqrt(size / rows) if rows else 1.0
    rng = np.random.default_rng(seed)
    tail = (1 - confidence) / 2
    step = max(1, BLOCK_CELLS // max(1, size))
    draws: dict[str, list[np.ndarray]] = {name: [] for name in points}
    for start in range(0, resamples, step):
        # Drawn block by block: the whole (resamples x rows) index would not fit at scale.
        block = rng.integers(0, rows, size=(min(step, resamples - start), size))
        for name in points:
            draws[name].append(_metric(name, block, is_bad, values, answers))
    result = {}
    for name, point in points.items():
        raw = _interval(point, np.concatenate(draws[name]), tail)
        result[name] = Interval(
            raw.point,
            raw.point + scale * (raw.low - raw.point),
            raw.point + scale * (raw.high - raw.point),
        )
    return result


def _interval(point: float, draws: np.ndarray, tail: float) -> Interval:
    """The point and the central quantiles of its finite bootstrap draws (NaN without any)."""
    draws = draws[np.isfinite(draws)]
    low, high = np.quantile(draws, [tail, 1 - tail]) if len(draws) else (np.nan, np.nan)
    return Interval(float(point), float(low), float(high))


def _blocks(index: np.ndarray):
    step = max(1, BLOCK_CELLS // max(1, index.shape[1]))
    for start in range(0, len(index), step):
        yield index[start : start + step]


def _metric(name: str, idx: np.ndarray, is_bad, values, answers: Answers) -> np.ndarray:
    """The metric on each resample (one row of idx each)."""
    y = is_bad[idx]
    p = answers.p_bad[idx]
    rejected = answers.rejected[idx]
    if name == "roc_auc":
        return _roc_auc(y, p)
    if name == "average_precision":
        return _average_precision(y, p)
    if name == "brier":
        return np.mean((p - y) ** 2, axis=1)
    if name == "log_loss":
        q = np.clip(p, np.finfo(float).eps, 1 - np.finfo(float).eps)
        return -np.mean(np.where(y, np.log(q), np.log(1 - q)), axis=1)
    if name in ("precision", "recall", "f1", "accuracy"):
        return _decision_metric(name, y, rejected)
    if name == "business.value_per_application":
        return np.mean(np.where(rejected, 0.0, values[idx]), axis=1)
    if name == "business.approval_rate":
        return np.mean(~rejected, axis=1)
    if name == "business.uplift_per_application":
        return np.mean(np.where(rejected, 0.0, values[idx]), axis=1) - np.mean(values[idx], axis=1)
    # Metrics of the rows or of the model alone (n_test, bad_rate, threshold, approve_all,
    # perfect) do not differ between two models on the same rows in a way a drop rule judges.
    return np.zeros(len(idx))


def _roc_auc(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """ROC AUC of each row of (y, p): the Mann-Whitney statistic with ties counted half."""
    # Imported here: scipy.stats takes ~2 s to import, which a refused command should not pay.
    from scipy.stats import rankdata

    ranks = rankdata(p, axis=1)
    positives = y.sum(axis=1)
    negatives = y.shape[1] - positives
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (np.where(y, ranks, 0).sum(axis=1) - positives * (positives + 1) / 2) / (
            positives * negatives
        )
    return np.where((positives > 0) & (negatives > 0), auc, np.nan)


def _average_precision(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Average precision of each row of (y, p), as sklearn's average_precision_score computes
    it (precision at each distinct score, weighted by the recall it adds), all rows at once:
    a loop of sklearn calls took 17 s for 1,000 resamples of 891 rows."""
    order = np.argsort(-p, axis=1, kind="stable")
    scores = np.take_along_axis(p, order, axis=1)
    true_positives = np.cumsum(np.take_along_axis(y, order, axis=1), axis=1)
    # Tied scores form one threshold: count a group of ties once, at its last row.
    group_end = np.ones(scores.shape, dtype=bool)
    group_end[:, :-1] = scores[:, :-1] != scores[:, 1:]
    at_ends = np.where(group_end, true_positives, 0)
    before = np.zeros_like(at_ends)
    before[:, 1:] = np.maximum.accumulate(at_ends, axis=1)[:, :-1]
    gained = np.where(group_end, true_positives - before, 0)
    precision = true_positives / np.arange(1, scores.shape[1] + 1)
    positives = y.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ap = (gained * precision).sum(axis=1) / positives
    return np.where((positives > 0) & (positives < y.shape[1]), ap, np.nan)


def _decision_metric(name: str, y: np.ndarray, rejected: np.ndarray) -> np.ndarray:
    caught = np.sum(rejected & y, axis=1)
    flagged = rejected.sum(axis=1)
    bad = y.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(flagged > 0, caught / flagged, 0.0)
        recall = np.where(bad > 0, caught / bad, 0.0)
        if name == "precision":
            return precision
        if name == "recall":
            return recall
        if name == "f1":
            total = precision + recall
            return np.where(total > 0, 2 * precision * recall / total, 0.0)
    return np.mean(rejected == y, axis=1)
