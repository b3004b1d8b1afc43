"""Protects the pipeline: every model kind fits raw columns and scores rows it has never seen."""

import numpy as np
import pytest

from modelops.errors import ConfigError
from modelops.model import build_pipeline, check_features

KINDS = ["logistic_regression", "random_forest", "hist_gradient_boosting"]


@pytest.mark.parametrize("kind", KINDS)
def test_pipeline_fits_raw_columns_and_predicts_probabilities(
    kind, small_train, small_holdout, data_params, fast_train_params
):
    X = small_train[list(data_params.features)]  # with its missing values and strings
    pipeline = build_pipeline(data_params, fast_train_params[kind]).fit(X, small_train["Status"])
    proba = pipeline.predict_proba(small_holdout[list(data_params.features)])
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


def test_check_features_names_the_first_absent_column(small_train, data_params):
    with pytest.raises(ConfigError, match="column 'Income' is not a column of the test set"):
        check_features(small_train.drop(columns="Income"), data_params, "the test set")
