"""Fit the credit-risk pipeline and pick its decision threshold for business value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from modelops.config.contract import PREDICTED_AT, PROPENSITY
from modelops.config.params import BusinessParams, TrainParams
from modelops.data.split import is_feedback
from modelops.errors import InputError, ParamsError
from modelops.model.business import choose_threshold
from modelops.model.pipeline import build_pipeline, constrain_decreasing, feature_kinds


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


def out_of_fold_p_bad(
    pipeline,
    X: pd.DataFrame,
    is_bad: np.ndarray,
    folds: int,
    seed: int,
    fit_params=None,
    decreasing: list[str] | None = None,
):
    """Probability of default for each training row from a model that never saw that row.

    decreasing: columns each fold's model is constrained on (constrain_decreasing), fitted
    fold by fold since the constraint is set for the fold's own rows.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    if not decreasing:
        return cross_val_predict(
            pipeline, X, is_bad, cv=cv, method="predict_proba", params=fit_params
        )[:, 1]
    p_bad = np.empty(len(X))
    for fit_rows, held_out in cv.split(X, is_bad):
        fold = constrain_decreasing(clone(pipeline), X.iloc[fit_rows], is_bad[fit_rows], True,
                                    decreasing)  # fmt: skip
        weights = {k: np.asarray(v)[fit_rows] for k, v in (fit_params or {}).items()}
        fold.fit(X.iloc[fit_rows], is_bad[fit_rows], **weights)
        p_bad[held_out] = fold.predict_proba(X.iloc[held_out])[:, 1]
    return p_bad


def training_weights(
    train: pd.DataFrame,
    weighting: str,
    original_weight: float = 1.0,
    half_life_days: float | None = None,
) -> np.ndarray | None:
    """Each row's weight in fit and in the threshold's choice, or None for unweighted.

    A row from the original sources (no predicted_at) weighs original_weight against a
    feedback row's 1, so that a few hundred new outcomes are not swamped by thousands of stale
    rows (train.original_weight); with a half-life a feedback row's weight halves for every
    half_life_days its decision is older than the newest feedback row's (the world the newest
    outcomes describe is the one the model will serve); under inverse_propensity a feedback
    row weighs 1/propensity on top (an explored approval stands for the rejections it was
    drawn from). Scaled to a
    mean of 1, so that the estimator's regularisation means what it means unweighted; when
    every row would weigh the same there is nothing to weight (None: the unweighted fit).
    """
    feedback = is_feedback(train)
    weights = np.where(feedback, 1.0, original_weight)
    if half_life_days is not None and feedback.any():
        decided = pd.to_datetime(train[PREDICTED_AT], utc=True)
        age_days = (decided.max() - decided).dt.total_seconds().to_numpy() / 86400
        weights = np.where(feedback, 0.5 ** (np.nan_to_num(age_days) / half_life_days), weights)
    if weighting == "inverse_propensity" and PROPENSITY in train.columns:
        propensity = train[PROPENSITY]
        if (propensity <= 0).any():
            raise InputError(
                f"train: train.feedback_weighting inverse_propensity: "
                f"{int((propensity <= 0).sum())} rows have {PROPENSITY} 0, which has no inverse"
            )
        weights = weights / propensity.fillna(1.0).to_numpy(dtype="float64")
    if len(weights) == 0 or np.all(weights == weights[0]):
        return None
    return weights / weights.mean()


def request_feedback_weights(pipeline) -> None:
    """Route a sample weight to the estimator only (metadata routing must be on): the scaler
    could take one too, but the weights are about whose outcome is known, not about scale."""
    classify, scale = _weighable_steps(pipeline)
    classify.set_fit_request(sample_weight=True)
    scale.set_fit_request(sample_weight=False)


def _weighable_steps(pipeline) -> tuple:
    numeric = pipeline.named_steps["preprocess"].transformers[0][1]
    return pipeline.named_steps["classify"], numeric.named_steps["scale"]


def _forget_fit_requests(part, seen: set | None = None) -> None:
    """The routing requests only steered fitting, which is done: take them off every
    scikit-learn object of the model (fitted clones carry them too), since a model file cannot
    hold them (skops), so that a weighted model is stored like any other."""
    seen = set() if seen is None else seen
    if id(part) in seen:
        return
    seen.add(id(part))
    if isinstance(part, list | tuple):
        children = part
    elif isinstance(part, dict):
        children = part.values()
    elif type(part).__module__.startswith("sklearn.") and hasattr(part, "__dict__"):
        # (compiled parts, e.g. a gradient-boosting model's loss, have no __dict__: no request)
        vars(part).pop("_metadata_request", None)
        children = vars(part).values()
    else:
        return
    for child in list(children):
        _forget_fit_requests(child, seen)


def train_model(
    train: pd.DataFrame,
    features: list[str],
    target: Target,
    params: TrainParams,
    business: BusinessParams,
    decreasing: list[str] | None = None,
) -> TrainedModel:
    """Fit on the whole training set with a threshold chosen on out-of-fold predictions.

    decreasing: features whose rise may only lower p_default, where the estimator can be so
    constrained (the fairness policy's no-negative-factor attribute). The test set is never
    looked at here, so its metrics stay an honest estimate.
    """
    import sklearn
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
    weights = training_weights(
        train,
        params.feedback_weighting,
        params.original_weight,
        params.feedback_half_life_days,
    )
    weighted = weights is not None
    fit_params = {"sample_weight": weights} if weighted else {}
    # scikit-learn passes a sample weight through the threshold classifier and the pipeline
    # only with metadata routing, to an estimator that asks for it; the threshold's folds fit
    # with the same weights as the final model.
    with sklearn.config_context(enable_metadata_routing=weighted):

        def pipeline():
            built = build_pipeline(numeric, categorical, params)
            if weighted:
                request_feedback_weights(built)
            return built

        decreasing = [f for f in decreasing or [] if f in features]
        rows = sampled_rows(len(train), params.threshold_rows, params.seed)
        sampled_fit = {k: v[rows] for k, v in fit_params.items()}
        sampled_bad = is_bad[rows]
        p_bad = out_of_fold_p_bad(
            pipeline(),
            X.iloc[rows],
            sampled_bad,
            params.cv_folds,
            params.seed,
            sampled_fit,
            decreasing,
        )
        threshold = choose_threshold(
            p_bad,
            sampled_bad,
            train[business.amount_column].iloc[rows],
            business.margin,
            business.loss_given_default,
            None if weights is None else weights[rows],
        )
        y = train[target.column]
        classifier = FixedThresholdClassifier(
            constrain_decreasing(pipeline(), X, y, target.positive, decreasing),
            threshold=threshold,
            pos_label=target.positive,
            response_method="predict_proba",
        ).fit(X, y, **fit_params)
    if weighted:
        _forget_fit_requests(classifier)
    return TrainedModel(classifier, threshold, float(roc_auc_score(sampled_bad, p_bad)))


def sampled_rows(rows: int, at_most: int, seed: int) -> np.ndarray:
    """Positions of at most `at_most` of `rows` rows, in their order: all of them when there
    are no more, else a seeded random sample (the same rows on every run)."""
    if rows <= at_most:
        return np.arange(rows)
    return np.sort(np.random.default_rng(seed).choice(rows, size=at_most, replace=False))
