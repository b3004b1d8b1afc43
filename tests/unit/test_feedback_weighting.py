"""Protects train.feedback_weighting: with inverse_propensity each feedback row weighs
1/propensity in the final fit and in the folds the threshold is chosen on, original rows 1;
with none, provenance columns change nothing."""

import numpy as np
import pytest
import sklearn
from sklearn.metrics import roc_auc_score

from modelops.errors import InputError
from modelops.model.persistence import load_model, save_model
from modelops.model.pipeline import build_pipeline, feature_kinds
from modelops.model.train import (
    feedback_weights,
    out_of_fold_p_bad,
    request_feedback_weights,
    train_model,
)


@pytest.fixture(scope="module")
def feedback_train(small_train):
    """The small training set, its last 100 rows feedback: 20 explored approvals (propensity
    0.1, so each weighs 10), the others model approvals (propensity 1)."""
    table = small_train.assign(propensity=np.nan, prediction_id=None)
    table.loc[200:, "propensity"] = 1.0
    table.loc[200:219, "propensity"] = 0.1
    table.loc[200:, "prediction_id"] = [f"p{i}" for i in range(100)]
    return table


@pytest.fixture(scope="module")
def params(fast_train_params):
    return fast_train_params["logistic_regression"]


def coefficients(trained) -> np.ndarray:
    return trained.classifier.estimator_.named_steps["classify"].coef_


def test_weights_are_the_inverse_propensity_for_feedback_and_one_elsewhere(feedback_train):
    weights = feedback_weights(feedback_train, "inverse_propensity")
    assert weights.tolist() == [1.0] * 200 + [10.0] * 20 + [1.0] * 80
    assert feedback_weights(feedback_train, "none") is None
    assert feedback_weights(feedback_train.drop(columns="propensity"), "inverse_propensity") is None


def test_the_weights_reach_the_estimator_and_the_threshold_folds(
    feedback_train, params, features, target, business_params
):
    weighted = params.model_copy(update={"feedback_weighting": "inverse_propensity"})
    trained = train_model(feedback_train, features, target, weighted, business_params)
    weights = feedback_weights(feedback_train, "inverse_propensity")
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


def test_a_propensity_of_zero_has_no_inverse(feedback_train):
    broken = feedback_train.copy()
    broken.loc[250, "propensity"] = 0.0
    with pytest.raises(InputError, match="1 rows have propensity 0"):
        feedback_weights(broken, "inverse_propensity")
