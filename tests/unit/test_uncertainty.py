"""Protects the paired bootstrap of a challenger's drop: its vectorised metrics are the ones
scikit-learn and the business report compute, identical models differ by exactly nothing, a
seed fixes the interval, pairing makes the interval tight, a clearly worse model is a real
drop, and computing in blocks changes no number.
"""

import numpy as np
import pytest
from sklearn import metrics

from modelops.model import uncertainty
from modelops.model.business import business_report, loan_values
from modelops.model.uncertainty import Answers, paired_drops

MARGIN, LOSS_GIVEN_DEFAULT = 0.15, 0.55
ROWS = 600
GATED = ("roc_auc", "brier", "log_loss", "business.value_per_application")


def _rows(seed: int = 1):
    """Test rows with a default flag and a loan amount."""
    rng = np.random.default_rng(seed)
    return rng.random(ROWS) < 0.3, rng.integers(100, 5000, ROWS).astype(float)


def _answers(is_bad: np.ndarray, noise: float, seed: int, threshold: float = 0.5) -> Answers:
    """A model whose score is the truth blurred by noise (more noise, a worse model)."""
    rng = np.random.default_rng(seed)
    p_bad = 1 / (1 + np.exp(-(2.0 * is_bad - 1.0 + rng.normal(0, noise, len(is_bad)))))
    return Answers(p_bad, p_bad >= threshold)


def _values(is_bad, amount):
    return loan_values(is_bad, amount, MARGIN, LOSS_GIVEN_DEFAULT)


def _drops(is_bad, amount, challenger, baseline, seed=0, names=GATED, resamples=400):
    return paired_drops(
        dict.fromkeys(names, 0.0), is_bad, amount, challenger, baseline,
        MARGIN, LOSS_GIVEN_DEFAULT, resamples, 0.9, seed,
    )  # fmt: skip


def _sklearn(name: str, y, p, rejected, amount) -> float:
    """The metric of one resample as the evaluate stage computes it."""
    value = business_report(y, ~rejected, amount, MARGIN, LOSS_GIVEN_DEFAULT)
    return {
        "roc_auc": lambda: metrics.roc_auc_score(y, p),
        "average_precision": lambda: metrics.average_precision_score(y, p),
        "brier": lambda: metrics.brier_score_loss(y, p),
        "log_loss": lambda: metrics.log_loss(y, p, labels=[False, True]),
        "precision": lambda: metrics.precision_score(y, rejected, zero_division=0),
        "recall": lambda: metrics.recall_score(y, rejected, zero_division=0),
        "f1": lambda: metrics.f1_score(y, rejected, zero_division=0),
        "accuracy": lambda: metrics.accuracy_score(y, rejected),
        "business.value_per_application": lambda: value.model,
        "business.approval_rate": lambda: value.approval_rate,
        "business.uplift_per_application": lambda: value.uplift,
    }[name]()


@pytest.mark.parametrize(
    "name",
    ["roc_auc", "average_precision", "brier", "log_loss", "precision", "recall", "f1",
     "accuracy", "business.value_per_application", "business.approval_rate",
     "business.uplift_per_application"],
)  # fmt: skip
@pytest.mark.parametrize("tied", [False, True], ids=["distinct", "tied scores"])
def test_vectorised_metric_agrees_with_sklearn_on_each_resample(name, tied):
    is_bad, amount = _rows()
    answers = _answers(is_bad, noise=1.5, seed=2)
    if tied:  # scores on a coarse grid: many ties, which ROC AUC must count half
        p_bad = np.round(answers.p_bad, 1).clip(0.05, 0.95)
        answers = Answers(p_bad, p_bad >= 0.5)
    rows = np.random.default_rng(3).integers(0, ROWS, size=(25, ROWS))
    values = _values(is_bad, amount)
    vectorised = uncertainty._metric(name, rows, is_bad, values, answers)
    expected = [
        _sklearn(name, is_bad[r], answers.p_bad[r], answers.rejected[r], amount[r]) for r in rows
    ]
    np.testing.assert_allclose(vectorised, expected, rtol=1e-9, atol=1e-12)


def test_decision_metrics_agree_when_the_model_rejects_nobody():
    is_bad, amount = _rows()
    answers = Answers(np.full(ROWS, 0.1), np.zeros(ROWS, dtype=bool))
    rows = np.random.default_rng(4).integers(0, ROWS, size=(5, ROWS))
    for name in ("precision", "recall", "f1", "accuracy", "business.approval_rate"):
        vectorised = uncertainty._metric(name, rows, is_bad, _values(is_bad, amount), answers)
        expected = [_sklearn(name, is_bad[r], answers.p_bad[r], answers.rejected[r], amount[r])
                    for r in rows]  # fmt: skip
        np.testing.assert_allclose(vectorised, expected, atol=1e-12, err_msg=name)


def test_identical_models_differ_by_exactly_nothing():
    is_bad, amount = _rows()
    model = _answers(is_bad, noise=1.0, seed=5)
    for name, drop in _drops(is_bad, amount, model, model).items():
        assert (drop.point, drop.low, drop.high) == (0.0, 0.0, 0.0), name
        assert not drop.significant


def test_the_same_seed_gives_the_same_interval_and_another_seed_another():
    is_bad, amount = _rows()
    challenger, baseline = _answers(is_bad, 1.2, seed=6), _answers(is_bad, 1.0, seed=7)
    first = _drops(is_bad, amount, challenger, baseline, seed=11)
    assert _drops(is_bad, amount, challenger, baseline, seed=11) == first
    assert _drops(is_bad, amount, challenger, baseline, seed=12) != first


def test_paired_interval_is_narrower_than_either_metric_alone():
    # Two similar models: most of each metric's spread is which rows were drawn, shared by
    # both, and it cancels out of their difference on the same rows.
    is_bad, amount = _rows()
    baseline = _answers(is_bad, noise=1.0, seed=8)
    nudge = np.random.default_rng(9).normal(0, 0.05, ROWS)
    p_bad = np.clip(baseline.p_bad + nudge, 0.001, 0.999)
    challenger = Answers(p_bad, p_bad >= 0.5)
    drop = _drops(is_bad, amount, challenger, baseline, names=("roc_auc",))["roc_auc"]
    rows = np.random.default_rng(0).integers(0, ROWS, size=(400, ROWS))
    values = _values(is_bad, amount)
    for model in (baseline, challenger):
        alone = uncertainty._metric("roc_auc", rows, is_bad, values, model)
        low, high = np.quantile(alone, [0.05, 0.95])
        assert drop.high - drop.low < (high - low) / 2


def test_clearly_worse_challenger_is_a_significant_drop():
    is_bad, amount = _rows()
    baseline, worse = _answers(is_bad, noise=0.8, seed=10), _answers(is_bad, noise=3.0, seed=10)
    points = {
        "roc_auc": metrics.roc_auc_score(is_bad, baseline.p_bad)
        - metrics.roc_auc_score(is_bad, worse.p_bad),
        "brier": metrics.brier_score_loss(is_bad, worse.p_bad)
        - metrics.brier_score_loss(is_bad, baseline.p_bad),
    }
    drops = paired_drops(
        points, is_bad, amount, worse, baseline, MARGIN, LOSS_GIVEN_DEFAULT, 400, 0.9, 0
    )
    for name, drop in drops.items():
        assert drop.point == pytest.approx(points[name])
        assert drop.point > 0, name  # brier is lower-is-better: its rise is a positive drop
        assert drop.significant and drop.low > 0, name
        assert drop.low < drop.point < drop.high, name


@pytest.mark.parametrize("cells", [1, ROWS * 7, ROWS * 399])
def test_block_wise_computation_changes_no_number(monkeypatch, cells):
    is_bad, amount = _rows()
    challenger, baseline = _answers(is_bad, 1.4, seed=13), _answers(is_bad, 1.0, seed=14)
    names = (*GATED, "f1", "business.approval_rate")
    whole = _drops(is_bad, amount, challenger, baseline, names=names)
    monkeypatch.setattr(uncertainty, "BLOCK_CELLS", cells)
    assert _drops(is_bad, amount, challenger, baseline, names=names) == whole


def _card_intervals(is_bad, amount, answers, max_rows, names=("roc_auc", "brier")):
    points = {
        "roc_auc": metrics.roc_auc_score(is_bad, answers.p_bad),
        "brier": metrics.brier_score_loss(is_bad, answers.p_bad),
    }
    return uncertainty.metric_intervals(
        {n: points[n] for n in names}, is_bad, amount, answers,
        MARGIN, LOSS_GIVEN_DEFAULT, 400, 0.9, 0, max_rows,
    )  # fmt: skip


def test_m_out_of_n_intervals_match_the_full_bootstrap_and_change_nothing_under_the_cap():
    """A test set larger than card.max_rows is resampled 2,000 rows at a time with the spread
    rescaled: the interval's ends land where the full bootstrap puts them (within a fifth of
    its half-width); at or under the cap the interval is the full bootstrap's exactly."""
    rng = np.random.default_rng(3)
    is_bad = rng.random(20_000) < 0.3
    amount = rng.integers(100, 5000, 20_000).astype(float)
    answers = _answers(is_bad, noise=1.5, seed=4)
    full = _card_intervals(is_bad, amount, answers, max_rows=None)
    assert _card_intervals(is_bad, amount, answers, max_rows=20_000) == full
    sampled = _card_intervals(is_bad, amount, answers, max_rows=2_000)
    for name, interval in full.items():
        half = (interval.high - interval.low) / 2
        assert sampled[name].point == interval.point
        assert abs(sampled[name].low - interval.low) < 0.2 * half, name
        assert abs(sampled[name].high - interval.high) < 0.2 * half, name
        assert interval.low < interval.point < interval.high
