"""Protects the pipeline: every model kind fits raw columns and scores rows it has never seen,
with each feature's kind taken from the data's types."""

import numpy as np
import pytest

from modelops.errors import InputError
from modelops.model.pipeline import build_pipeline, feature_kinds, model_features, p_bad_of

KINDS = ["logistic_regression", "random_forest", "hist_gradient_boosting"]


def test_feature_kinds_follow_the_columns_types(small_train, features):
    numeric, categorical = feature_kinds(small_train, features)
    assert categorical == ["Home", "Records", "Job"]
    assert numeric == [f for f in features if f not in categorical]


def test_feature_kinds_name_the_first_absent_column(small_train, features):
    with pytest.raises(InputError, match="feature 'Income' is not a column of the table"):
        feature_kinds(small_train.drop(columns=["Income", "Debt"]), features)


@pytest.mark.parametrize("kind", KINDS)
def test_pipeline_fits_raw_columns_and_predicts_probabilities(
    kind, small_train, small_holdout, features, fast_train_params
):
    X = small_train[features]  # with its missing values and strings
    pipeline = build_pipeline(*feature_kinds(small_train, features), fast_train_params[kind])
    pipeline.fit(X, small_train["Status"])
    proba = pipeline.predict_proba(small_holdout[features])
    assert list(pipeline.classes_) == ["bad", "good"]
    assert proba.shape == (len(small_holdout), 2)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert proba[:, 0].min() < proba[:, 0].max()  # scores differ between applicants


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_categories_at_predict_time_do_not_fail(kind, small_models, small_holdout):
    unseen = small_holdout.assign(Home="houseboat", Job="astronaut", Marital="unknown")
    proba = small_models[kind].predict_proba(unseen)
    assert np.isfinite(proba).all()
    assert set(small_models[kind].predict(unseen)) <= {"bad", "good"}


def test_the_model_reads_exactly_the_features(small_models, features):
    assert model_features(small_models["logistic_regression"]) == features


def test_p_bad_is_the_probability_of_the_positive_class(small_models, small_holdout):
    model = small_models["random_forest"]
    bad = list(model.classes_).index("bad")
    np.testing.assert_array_equal(
        p_bad_of(model, small_holdout), model.predict_proba(small_holdout)[:, bad]
    )
