"""Protects stored models: exact round trips, identical bytes, and refusal of untrusted types."""

import operator

import numpy as np
import pytest
import skops.io
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from modelops.errors import InputError
from modelops.model import load_model, save_model
from modelops.train import train_model


@pytest.mark.parametrize("kind", ["logistic_regression", "random_forest", "hist_gradient_boosting"])
def test_save_then_load_gives_the_same_predictions(kind, small_models, small_holdout, tmp_path):
    model = small_models[kind]
    save_model(model, tmp_path / "model.skops")
    loaded = load_model(tmp_path / "model.skops")
    assert loaded.threshold == model.threshold
    np.testing.assert_array_equal(
        loaded.predict_proba(small_holdout), model.predict_proba(small_holdout)
    )
    np.testing.assert_array_equal(loaded.predict(small_holdout), model.predict(small_holdout))


@pytest.mark.parametrize("kind", ["logistic_regression", "random_forest", "hist_gradient_boosting"])
def test_retraining_the_same_model_gives_identical_bytes(
    kind, small_models, small_train, data_params, business_params, fast_train_params, tmp_path
):
    again = train_model(small_train, data_params, fast_train_params[kind], business_params)
    save_model(small_models[kind], tmp_path / "first.skops")
    save_model(again.classifier, tmp_path / "second.skops")
    assert (tmp_path / "first.skops").read_bytes() == (tmp_path / "second.skops").read_bytes()


def test_model_with_an_untrusted_type_is_refused(small_train, data_params, tmp_path):
    X = small_train[["Seniority", "Age"]]
    # A working pipeline whose first step calls operator.neg, which skops does not trust.
    model = make_pipeline(FunctionTransformer(operator.neg), LogisticRegression())
    model.fit(X, small_train["Status"])
    path = tmp_path / "model.skops"
    save_model(model, path)
    assert "_operator.neg" in skops.io.get_untrusted_types(file=path)
    with pytest.raises(InputError, match=r"untrusted types: _operator\.neg"):
        load_model(path)


def test_missing_model_file_names_the_path(tmp_path):
    path = tmp_path / "models" / "model.skops"
    with pytest.raises(InputError, match="not found") as caught:
        load_model(path)
    assert str(path) in str(caught.value)
