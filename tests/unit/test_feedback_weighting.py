"""Protects the training weights: train.feedback_weighting inverse_propensity (each feedback
row weighs 1/propensity), train.original_weight (an original row's weight against a
feedback row's) and train.feedback_half_life_days (older feedback weighs less), in the final
fit, in the folds the threshold is chosen on and in the
threshold's value; with neither, provenance columns change nothing."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.metrics import roc_auc_score

from modelops.errors import InputError
from modelops.model.persistence import load_model, save_model
from modelops.model.pipeline import build_pipeline, feature_kinds, p_bad_of
from modelops.model.train import (
    out_of_fold_p_bad,
    request_feedback_weights,
    train_model,
    training_weights,
)


@pytest.fixture(scope="module")
def feedback_train(small_train):
    """The small training set, its last 100 rows feedback: 20 explored approvals (propensity
    0.1, so each weighs 10), the others model approvals (propensity 1)."""
    table = small_train.assign(propensity=np.nan, prediction_id=None)
    table.loc[200:, "propensity"] = 1.0
    table.loc[200:219, "propensity"] = 0.1
    table.loc[200:, "prediction_id"] = [f"p{i}" for i in range(100)]
    times = pd.Timestamp("2026-10-01", tz="UTC") + pd.to_timedelta(range(100), unit="h")
    table["predicted_at"] = pd.Series(times, index=table.index[200:]).reindex(table.index)
    return table


@pytest.fixture(scope="module")
def params(fast_train_params):
    return fast_train_params["logistic_regression"]


def coefficients(trained) -> np.ndarray:
    return trained.classifier.estimator_.named_steps["classify"].coef_


def test_weights_are_the_inverse_propensity_for_feedback_and_one_elsewhere(feedback_train):
    weights = training_weights(feedback_train, "inverse_propensity")
    # Scaled to a mean of 1 (regularisation keeps its meaning); the ratios are the rule.
    assert weights.mean() == pytest.approx(1.0)
    assert (weights / weights[0]).tolist() == [1.0] * 200 + [10.0] * 20 + [1.0] * 80
    assert training_weights(feedback_train, "none") is None
    no_propensity = feedback_train.drop(columns="propensity")
    assert training_weights(no_propensity, "inverse_propensity") is None


def test_original_rows_weigh_original_weight_against_a_feedback_row(feedback_train, small_train):
    weights = training_weights(feedback_train, "none", 0.25)
    assert (weights / weights[-1]).tolist() == [0.25] * 200 + [1.0] * 100
    both = training_weights(feedback_train, "inverse_propensity", 0.25)
    assert (both / both[-1]).tolist() == [0.25] * 200 + [10.0] * 20 + [1.0] * 80
    # Without feedback every row weighs the same: the unweighted fit, whatever the weight.
    assert training_weights(small_train, "none", 0.25) is None


def test_a_feedback_rows_weight_halves_with_each_half_life_of_its_age(feedback_train):
    # feedback decided hourly, the newest at row 299: a day older halves the weight
    weights = training_weights(feedback_train, "none", 0.25, half_life_days=1.0)
    relative = weights / weights[-1]
    assert relative[:200].tolist() == [0.25] * 200  # original rows: original_weight alone
    assert relative[[299, 275, 251]] == pytest.approx([1.0, 0.5, 0.25])
    assert relative[200] == pytest.approx(0.5 ** (99 / 24))
    both = training_weights(feedback_train, "inverse_propensity", 1.0, half_life_days=1.0)
    assert (both / both[-1])[219] == pytest.approx(10 * 0.5 ** (80 / 24))  # and 1/propensity


def test_original_weight_moves_the_fit_towards_the_feedback(
    feedback_train, params, features, target, business_params
):
    leaning = params.model_copy(update={"original_weight": 0.2})
    trained = train_model(feedback_train, features, target, leaning, business_params)
    even = train_model(feedback_train, features, target, params, business_params)
    feedback = feedback_train.iloc[200:]
    is_bad = (feedback[target.column] == target.positive).to_numpy()

    def loss_on_feedback(model) -> float:
        p = p_bad_of(model.classifier, feedback[features])
        return float(-np.mean(np.where(is_bad, np.log(p), np.log(1 - p))))

    assert loss_on_feedback(trained) < loss_on_feedback(even)


def test_the_threshold_is_chosen_on_weighted_value():
    from modelops.model.business import choose_threshold

    p_bad = np.array([0.1, 0.2, 0.3, 0.4])
    is_bad = np.array([False, False, True, False])
    amount = np.ones(4)
    # Unweighted, approving the good row at 0.4 does not pay for the bad one at 0.3 ...
    assert choose_threshold(p_bad, is_bad, amount, 0.1, 0.5) == pytest.approx(0.25)
    # ... weighted ten times, it does.
    weights = np.array([1.0, 1.0, 1.0, 10.0])
    assert choose_threshold(p_bad, is_bad, amount, 0.1, 0.5, weights) > 0.4


def test_the_weights_reach_the_estimator_and_the_threshold_folds(
    feedback_train, params, features, target, business_params
):
    weighted = params.model_copy(update={"feedback_weighting": "inverse_propensity"})
    trained = train_model(feedback_train, features, target, weighted, business_params)
    weights = training_weights(feedback_train, "inverse_propensity")
    X, y = feedback_train[features], feedback_train[target.column]
    pipeline = build_pipeline(*feature_kinds(feedback_train, features), weighted)
    by_hand = pipeline.fit(X, y, classify__sample_weight=weights)  # no routing: step__name
    assert np.allclose(coefficients(trained), by_hand.named_steps["classify"].coef_)
    is_bad = (y == target.positive).to_numpy()
    with sklearn.config_context(enable_metadata_routing=True):
        fold_pipeline = build_pipeline(*feature_kinds(feedback_train, features), weighted)
        request_feedback_weights(fold_pipeline)
        p_bad = out_of_fold_p_bad(fold_pipeline, X, is_bad, weighted.cv_folds, weighted.seed,
                                  {"sample_weight": weights})  # fmt: skip
    assert trained.out_of_fold_roc_auc == pytest.approx(roc_auc_score(is_bad, p_bad))
    unweighted = train_model(feedback_train, features, target, params, business_params)
    assert not np.allclose(coefficients(trained), coefficients(unweighted))
    assert trained.out_of_fold_roc_auc != unweighted.out_of_fold_roc_auc


def test_none_leaves_training_as_without_provenance(
    feedback_train, small_train, params, features, target, business_params
):
    with_provenance = train_model(feedback_train, features, target, params, business_params)
    without = train_model(small_train, features, target, params, business_params)
    assert np.array_equal(coefficients(with_provenance), coefficients(without))
    assert with_provenance.threshold == without.threshold
    assert with_provenance.out_of_fold_roc_auc == without.out_of_fold_roc_auc


def test_a_weighted_model_is_saved_and_loaded_like_any(
    feedback_train, params, features, target, business_params, tmp_path
):
    weighted = params.model_copy(update={"feedback_weighting": "inverse_propensity"})
    trained = train_model(feedback_train, features, target, weighted, business_params)
    save_model(trained.classifier, tmp_path / "model.skops")
    loaded = load_model(tmp_path / "model.skops")
    X = feedback_train[features]
    assert np.array_equal(loaded.predict_proba(X), trained.classifier.predict_proba(X))


@pytest.mark.parametrize("kind", ["logistic_regression", "random_forest", "hist_gradient_boosting"])
def test_every_model_kind_trains_on_weighted_feedback_and_is_stored(
    kind, feedback_train, fast_train_params, features, target, business_params, tmp_path
):
    """The weights' routing requests come off every part of the model, a gradient-boosting
    model's compiled parts (no __dict__) included, so each kind retrains on feedback."""
    weighted = fast_train_params[kind].model_copy(update={"original_weight": 0.3})
    trained = train_model(feedback_train, features, target, weighted, business_params)
    save_model(trained.classifier, tmp_path / "model.skops")
    X = feedback_train[features]
    loaded = load_model(tmp_path / "model.skops")
    assert np.array_equal(loaded.predict_proba(X), trained.classifier.predict_proba(X))


def test_a_propensity_of_zero_has_no_inverse(feedback_train):
    broken = feedback_train.copy()
    broken.loc[250, "propensity"] = 0.0
    with pytest.raises(InputError, match="1 rows have propensity 0"):
        training_weights(broken, "inverse_propensity")
