"""Fit the credit-risk pipeline and pick its decision threshold for business value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from modelops.business import choose_threshold
from modelops.model import build_pipeline, check_features
from modelops.params import BusinessParams, DataParams, TrainParams


@dataclass(frozen=True)
class TrainedModel:
    """The fitted classifier (which applies the threshold) and how the threshold was chosen."""

    classifier: object
    threshold: float
    out_of_fold_roc_auc: float


def out_of_fold_p_bad(pipeline, X: pd.DataFrame, is_bad: np.ndarray, folds: int, seed: int):
    """Probability of default for each training row from a model that never saw that row."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(pipeline, X, is_bad, cv=cv, method="predict_proba")[:, 1]


def train_model(
    train: pd.DataFrame, data: DataParams, params: TrainParams, business: BusinessParams
) -> TrainedModel:
    """Fit on the whole training set with a threshold chosen on out-of-fold predictions.

    The test set is never looked at here, so its metrics stay an honest estimate.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import FixedThresholdClassifier

    check_features(train, data, "the training set", extra=(business.amount_column,))
    X = train[list(data.features)]
    is_bad = (train[data.target] == data.positive_class).to_numpy()
    p_bad = out_of_fold_p_bad(build_pipeline(data, params), X, is_bad, params.cv_folds, params.seed)
    threshold = choose_threshold(
        p_bad, is_bad, train[business.amount_column], business.margin, business.loss_given_default
    )
    classifier = FixedThresholdClassifier(
        build_pipeline(data, params),
        threshold=threshold,
        pos_label=data.positive_class,
        response_method="predict_proba",
    ).fit(X, train[data.target])
    return TrainedModel(classifier, threshold, float(roc_auc_score(is_bad, p_bad)))


def p_bad_of(model, X: pd.DataFrame, positive_class: str) -> np.ndarray:
    """The model's probability of the positive class (default) for each row."""
    column = list(model.classes_).index(positive_class)
    return model.predict_proba(X)[:, column]
