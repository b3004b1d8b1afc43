"""Protects stored models: exact round trips, identical bytes, refusal of untrusted types and of
fitted objects that are not a modelops model."""

import operator

import numpy as np
import pytest
import skops.io
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import FixedThresholdClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from modelops.errors import InputError
from modelops.model.persistence import NotAModel, load_model, save_model
from modelops.model.train import train_model

KINDS = ["logistic_regression", "random_forest", "hist_gradient_boosting"]


@pytest.mark.parametrize("kind", KINDS)
def test_save_then_load_gives_the_same_predictions(kind, small_models, small_holdout, tmp_path):
    model = small_models[kind]
    save_model(model, tmp_path / "model.skops")
    loaded = load_model(tmp_path / "model.skops")
    assert loaded.threshold == model.threshold
    np.testing.assert_array_equal(
        loaded.predict_proba(small_holdout), model.predict_proba(small_holdout)
    )
    np.testing.assert_array_equal(loaded.predict(small_holdout), model.predict(small_holdout))


@pytest.mark.parametrize("kind", KINDS)
def test_retraining_the_same_model_gives_identical_bytes(
    kind, small_models, small_train, features, target, business_params, fast_train_params, tmp_path
):
    again = train_model(small_train, features, target, fast_train_params[kind], business_params)
    save_model(small_models[kind], tmp_path / "first.skops")
    save_model(again.classifier, tmp_path / "second.skops")
    assert (tmp_path / "first.skops").read_bytes() == (tmp_path / "second.skops").read_bytes()


def test_model_with_an_untrusted_type_is_refused(small_train, tmp_path):
    X = small_train[["Seniority", "Age"]]
    # A working pipeline whose first step calls operator.neg, which skops does not trust.
    model = make_pipeline(FunctionTransformer(operator.neg), LogisticRegression())
    model.fit(X, small_train["Status"])
    path = tmp_path / "model.skops"
    save_model(model, path)
    assert "_operator.neg" in skops.io.get_untrusted_types(file=path)
    with pytest.raises(InputError, match=r"untrusted types: _operator\.neg"):
        load_model(path)


@pytest.mark.parametrize(
    ("numpy_only", "bare", "why"),
    [
        (False, True, "its classifier is not a scikit-learn Pipeline"),
        (True, False, "it was fitted without column names"),
    ],
    ids=["bare_estimator", "no_column_names"],
)
def test_fitted_classifier_that_cannot_serve_is_refused(
    small_train, tmp_path, numpy_only, bare, why
):
    X = small_train[["Seniority", "Age"]]
    estimator = LogisticRegression() if bare else make_pipeline(LogisticRegression())
    model = FixedThresholdClassifier(estimator, pos_label="bad")
    model.fit(X.to_numpy() if numpy_only else X, small_train["Status"])
    save_model(model, tmp_path / "model.skops")
    with pytest.raises(NotAModel, match=f"not a modelops model: {why}"):
        load_model(tmp_path / "model.skops")


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.mkdir(parents=True)])
def test_missing_model_file_names_the_path(tmp_path, make):
    path = tmp_path / "models" / "model.skops"
    make(path)
    with pytest.raises(InputError, match="not found") as caught:
        load_model(path)
    assert str(path) in str(caught.value)
