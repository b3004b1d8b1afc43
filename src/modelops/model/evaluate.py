"""Measure a fitted model on held-out data: overall, per segment and per feature."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from modelops.config.params import BusinessParams, EvaluateParams
from modelops.errors import InputError, ParamsError
from modelops.model.business import business_report
from modelops.model.pipeline import model_features, p_bad_of
from modelops.model.train import Target, sampled_rows

MISSING_SEGMENT = "missing"
GOLDEN_ROWS = 20


def classification_metrics(is_bad, p_bad, predicted_bad) -> dict[str, float]:
    """Ranking, decision and probability-quality metrics, with default as the positive class."""
    from sklearn import metrics

    is_bad = np.asarray(is_bad, dtype=bool)
    predicted_bad = np.asarray(predicted_bad, dtype=bool)
    p_bad = np.asarray(p_bad, dtype=float)
    return {
        "roc_auc": float(metrics.roc_auc_score(is_bad, p_bad)),
        "average_precision": float(metrics.average_precision_score(is_bad, p_bad)),
        "f1": float(metrics.f1_score(is_bad, predicted_bad, zero_division=0)),
        "precision": float(metrics.precision_score(is_bad, predicted_bad, zero_division=0)),
        "recall": float(metrics.recall_score(is_bad, predicted_bad, zero_division=0)),
        "accuracy": float(metrics.accuracy_score(is_bad, predicted_bad)),
        "brier": float(metrics.brier_score_loss(is_bad, p_bad)),
        "log_loss": float(metrics.log_loss(is_bad, p_bad, labels=[False, True])),
    }


def segment_labels(values: pd.Series, edges: tuple[float, ...] | None) -> pd.Series:
    """Label each row with its segment: a band like '[25, 35)' for numbers, else the value."""
    if edges is None:
        labels = values.astype("string")
    else:
        bands = [f"[{_num(lo)}, {_num(hi)})" for lo, hi in itertools.pairwise(edges)]
        labels = pd.cut(values, bins=list(edges), labels=bands, right=False).astype("string")
        outside = values.notna() & labels.isna()
        labels = labels.mask(outside, "outside edges")
    return labels.fillna(MISSING_SEGMENT)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def segment_metrics(
    segments: pd.Series,
    is_bad,
    p_bad,
    predicted_bad,
    amount,
    business: BusinessParams,
) -> dict[str, dict[str, float | int | None]]:
    """Size, default rate, ROC AUC, recall, approval rate and business value per segment.

    ROC AUC is None in a segment holding only one class, where it is undefined.
    """
    from sklearn.metrics import recall_score, roc_auc_score

    frame = pd.DataFrame(
        {
            "segment": segments.to_numpy(),
            "is_bad": np.asarray(is_bad, dtype=bool),
            "p_bad": np.asarray(p_bad, dtype=float),
            "predicted_bad": np.asarray(predicted_bad, dtype=bool),
            "amount": np.asarray(amount, dtype=float),
        }
    )
    result: dict[str, dict[str, float | int | None]] = {}
    for segment, rows in frame.groupby("segment", sort=True):
        both_classes = rows["is_bad"].nunique() == 2
        roc_auc = roc_auc_score(rows["is_bad"], rows["p_bad"]) if both_classes else None
        value = business_report(
            rows["is_bad"],
            ~rows["predicted_bad"],
            rows["amount"],
            business.margin,
            business.loss_given_default,
        )
        result[str(segment)] = {
            "n": len(rows),
            "bad_rate": float(rows["is_bad"].mean()),
            "roc_auc": None if roc_auc is None else float(roc_auc),
            "recall": (
                float(recall_score(rows["is_bad"], rows["predicted_bad"], zero_division=0))
                if rows["is_bad"].any()
                else None
            ),
            "approval_rate": value.approval_rate,
            "value_per_application": value.model,
        }
    return result


def feature_importance(
    model, X: pd.DataFrame, y: pd.Series, repeats: int, seed: int, at_most_rows: int
):
    """Permutation importance on held-out data: the drop in ROC AUC when a column is shuffled,
    on at most at_most_rows of them (evaluate.importance_rows).

    Returned most important first, as records a bar chart can plot directly.
    """
    from sklearn.inspection import permutation_importance

    rows = sampled_rows(len(X), at_most_rows, seed)
    if len(rows) < len(X):
        X, y = X.iloc[rows], y.iloc[rows]
    result = permutation_importance(
        model, X, y, scoring="roc_auc", n_repeats=repeats, random_state=seed
    )
    records = [
        {"feature": name, "importance": float(mean), "std": float(std)}
        for name, mean, std in zip(
            X.columns, result.importances_mean, result.importances_std, strict=True
        )
    ]
    return sorted(records, key=lambda r: (-r["importance"], r["feature"]))


@dataclass(frozen=True)
class ScoredRows:
    """A model's answers on test rows and the metrics of reports/metrics.json for them."""

    metrics: dict
    is_bad: np.ndarray
    p_bad: np.ndarray
    predicted: np.ndarray
    predicted_bad: np.ndarray
    amount: np.ndarray


def score_rows(model, test: pd.DataFrame, target: Target, business: BusinessParams) -> ScoredRows:
    """Score the rows with the model (its own threshold decides) and measure it there."""
    features = model_features(model)
    needed = [*features, target.column, business.amount_column]
    missing = [c for c in dict.fromkeys(needed) if c not in test.columns]
    if missing:
        raise InputError(f"evaluate: column '{missing[0]}' is not in the test set")
    X = test[features]
    predicted = np.asarray(model.predict(X))
    return scored_answers(
        test, p_bad_of(model, X), predicted, float(model.threshold), target, business
    )


def scored_answers(
    rows: pd.DataFrame,
    p_bad: np.ndarray,
    predicted: np.ndarray,
    threshold: float,
    target: Target,
    business: BusinessParams,
) -> ScoredRows:
    """A model's answers on rows (p_default, the predicted class), measured there."""
    is_bad = (rows[target.column] == target.positive).to_numpy()
    if is_bad.all() or not is_bad.any():
        raise InputError(f"evaluate: the test set holds one value of '{target.column}' only")
    predicted_bad = predicted == target.positive
    amount = rows[business.amount_column].to_numpy(dtype=float)
    value = business_report(
        is_bad, ~predicted_bad, amount, business.margin, business.loss_given_default
    )
    metrics = {
        **classification_metrics(is_bad, p_bad, predicted_bad),
        "threshold": threshold,
        "n_test": len(rows),
        "bad_rate": float(is_bad.mean()),
        "business": value.as_dict(),
    }
    return ScoredRows(metrics, is_bad, np.asarray(p_bad, float), predicted, predicted_bad, amount)


def segments_of(
    scored: ScoredRows, test: pd.DataFrame, business: BusinessParams, params: EvaluateParams
) -> dict:
    """Segment metrics (evaluate.segments) of scored rows."""
    missing = [c for c in params.segments if c not in test.columns]
    if missing:
        raise InputError(f"evaluate: segment column '{missing[0]}' is not in the test set")
    return {
        column: segment_metrics(
            segment_labels(test[column], _edges_for(test[column], params)),
            scored.is_bad,
            scored.p_bad,
            scored.predicted_bad,
            scored.amount,
            business,
        )
        for column in params.segments
    }


def evaluate_model(
    model,
    test: pd.DataFrame,
    target: Target,
    business: BusinessParams,
    params: EvaluateParams,
) -> dict:
    """Everything the evaluate stage reports about a model on the test set.

    Returns metrics (with threshold and business value), segments and feature importance,
    plus the arrays the plots are drawn from.
    """
    scored = score_rows(model, test, target, business)
    segments = segments_of(scored, test, business, params)
    importance = feature_importance(
        model,
        test[model_features(model)],
        test[target.column],
        params.permutation_repeats,
        params.seed,
        params.importance_rows,
    )
    return {
        "metrics": scored.metrics,
        "segments": segments,
        "importance": importance,
        "golden": golden_predictions(test[model_features(model)], scored, target),
        "is_bad": scored.is_bad,
        "p_bad": scored.p_bad,
        "actual": test[target.column].to_numpy(),
        "predicted": scored.predicted,
    }


def golden_predictions(X: pd.DataFrame, scored: ScoredRows, target: Target) -> list[dict]:
    """The first GOLDEN_ROWS test applications with what the pipeline answered for them: a
    served model must give exactly these answers (the deploy step and a test check it)."""
    golden = []
    for i in range(min(GOLDEN_ROWS, len(X))):
        application = {
            column: (None if pd.isna(value) else value.item() if hasattr(value, "item") else value)
            for column, value in X.iloc[i].items()
        }
        golden.append(
            {
                "application": application,
                "p_default": float(scored.p_bad[i]),
                "decision": "reject" if scored.predicted[i] == target.positive else "approve",
            }
        )
    return golden


def _edges_for(values: pd.Series, params: EvaluateParams) -> tuple[float, ...] | None:
    """Band edges for a numeric segment column; one segment per value otherwise."""
    edges = params.segment_edges.get(values.name)
    if edges is None and pd.api.types.is_numeric_dtype(values):
        raise ParamsError(
            "evaluate.segments", values.name, "is numeric: give its bands in segment_edges"
        )
    return None if edges is None else tuple(edges)
