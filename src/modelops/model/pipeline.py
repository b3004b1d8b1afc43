"""The credit-risk model: one scikit-learn Pipeline from raw columns to a decision.

The same fitted object preprocesses at training and at serving, so there is no skew.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from modelops.config.params import TrainParams
from modelops.errors import InputError


def _estimator_class(model: str):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    return {
        "logistic_regression": LogisticRegression,
        "random_forest": RandomForestClassifier,
        "hist_gradient_boosting": HistGradientBoostingClassifier,
    }[model]


def build_estimator(params: TrainParams):
    """The unfitted estimator named by train.model, with its (already checked) settings."""
    cls = _estimator_class(params.model)
    options = dict(params.hyperparameters)
    if "random_state" in cls().get_params():
        options["random_state"] = params.seed
    return cls(**options)


def feature_kinds(table: pd.DataFrame, features: list[str]) -> tuple[list[str], list[str]]:
    """(numeric, categorical) features, as validate typed them from the contract."""
    missing = [f for f in features if f not in table.columns]
    if missing:
        raise InputError(
            f"feature '{missing[0]}' is not a column of the table "
            "(was it validated with the current contract? run dvc repro)"
        )
    numeric = [f for f in features if pd.api.types.is_numeric_dtype(table[f])]
    return numeric, [f for f in features if f not in numeric]


def build_pipeline(numeric: list[str], categorical: list[str], params: TrainParams):
    """Imputation, scaling and one-hot encoding of the features, then the estimator."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric_steps = Pipeline(
        [
            # Missing income is itself a signal in credit data: keep an indicator for it.
            ("impute", SimpleImputer(strategy="median", add_indicator=True)),
            ("scale", StandardScaler()),
        ]
    )
    categorical_steps = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    preprocess = ColumnTransformer(
        [("numeric", numeric_steps, numeric), ("categorical", categorical_steps, categorical)],
        remainder="drop",
    )
    return Pipeline([("preprocess", preprocess), ("classify", build_estimator(params))])


# Estimators that take monotonic_cst: the policy's no-negative-factor attribute is held to
# "may only lower p_default" there. A logistic regression is monotone in each feature already,
# in the sign of its coefficient: the gate's behavioural age rule judges it like any model.
CONSTRAINABLE = ("random_forest", "hist_gradient_boosting")


def constrain_decreasing(pipeline, X: pd.DataFrame, y, positive, decreasing: list[str]):
    """Set the estimator's monotonic_cst so that raising any `decreasing` column never raises
    the probability of `positive`; a no-op for an estimator that takes no constraint.

    The constraint is per encoded column, so the encoded width is found by fitting a copy of
    the preprocessing on the very rows the pipeline will be fitted on (a fold may lack a
    category or a missing value, and so a column).
    """
    from sklearn.base import clone

    classify = pipeline.named_steps["classify"]
    if not decreasing or "monotonic_cst" not in classify.get_params():
        return pipeline
    names = clone(pipeline.named_steps["preprocess"]).fit(X).get_feature_names_out()
    # scikit-learn constrains the probability of classes_[1], the larger label.
    sign = -1 if np.unique(np.asarray(y))[-1] == positive else 1
    wanted = {f"numeric__{column}" for column in decreasing}
    pipeline.set_params(classify__monotonic_cst=[sign if n in wanted else 0 for n in names])
    return pipeline


def model_features(model) -> list[str]:
    """The columns the fitted model reads, in order."""
    return [str(name) for name in model.feature_names_in_]


def p_bad_of(model, X: pd.DataFrame) -> np.ndarray:
    """The model's probability of the positive class (default) for each row."""
    column = list(model.classes_).index(model.pos_label)
    return model.predict_proba(X)[:, column]
