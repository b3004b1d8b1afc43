"""Fit the credit-risk pipeline and pick its decision threshold for business value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from modelops.config.params import BusinessParams, TrainParams
from modelops.errors import InputError, ParamsError
from modelops.model.business import choose_threshold
from modelops.model.pipeline import build_pipeline, feature_kinds


@dataclass(frozen=True)
class TrainedModel:
    """The fitted classifier (which applies the threshold) and how the threshold was chosen."""

    classifier: object
    threshold: float
    out_of_fold_roc_auc: float


@dataclass(frozen=True)
class Target:
    """The column to predict and its value that means default."""

    column: str
    positive: str


def out_of_fold_p_bad(pipeline, X: pd.DataFrame, is_bad: np.ndarray, folds: int, seed: int):
    """Probability of default for each training row from a model that never saw that row."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(pipeline, X, is_bad, cv=cv, method="predict_proba")[:, 1]


def train_model(
    train: pd.DataFrame,
    features: list[str],
    target: Target,
    params: TrainParams,
    business: BusinessParams,
) -> TrainedModel:
    """Fit on the whole training set with a threshold chosen on out-of-fold predictions.

    The test set is never looked at here, so its metrics stay an honest estimate.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import FixedThresholdClassifier

    for column in (target.column, business.amount_column):
        if column not in train.columns:
            raise InputError(f"train: column '{column}' is not in the training set")
    is_bad = (train[target.column] == target.positive).to_numpy()
    rarest = int(min(is_bad.sum(), (~is_bad).sum()))
    if rarest == 0:
        raise InputError(f"train: the training set holds one value of '{target.column}' only")
    if rarest < params.cv_folds:
        raise ParamsError(
            "train.cv_folds",
            params.cv_folds,
            f"is more folds than the rarer class has rows in the training set ({rarest})",
        )
    numeric, categorical = feature_kinds(train, features)
    X = train[features]
    pipeline = build_pipeline(numeric, categorical, params)
    p_bad = out_of_fold_p_bad(pipeline, X, is_bad, params.cv_folds, params.seed)
    threshold = choose_threshold(
        p_bad, is_bad, train[business.amount_column], business.margin, business.loss_given_default
    )
    classifier = FixedThresholdClassifier(
        build_pipeline(numeric, categorical, params),
        threshold=threshold,
        pos_label=target.positive,
        response_method="predict_proba",
    ).fit(X, train[target.column])
    return TrainedModel(classifier, threshold, float(roc_auc_score(is_bad, p_bad)))
