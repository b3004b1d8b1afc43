"""The candidate and the refit: a retrain is judged by a model that has not seen the newest
outcomes (the candidate, fitted on the train set), and what is served is the same recipe fitted
again with those outcomes too (train.refit), since they are the most informative rows there
are. The candidate's answers on the newest outcomes are kept (reports/candidate.json) so that
the gate compares it with the champion there, without a second model file to retrieve."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, ConfigDict

from modelops.config.contract import PREDICTION_ID
from modelops.config.params import BusinessParams, TrainParams
from modelops.config.reading import read_artifact
from modelops.data.split import newest_outcome_rows, reference_rows
from modelops.errors import InputError
from modelops.model.evaluate import score_rows
from modelops.model.pipeline import p_bad_of
from modelops.model.train import Target, TrainedModel, train_model


class CandidateAnswers(BaseModel):
    """reports/candidate.json: the candidate's answers on the newest outcomes, and how it and
    the served model were fitted."""

    model_config = ConfigDict(extra="forbid")

    refit: bool  # models/model.skops is the refit (else it is the candidate itself)
    fit_rows: int  # the candidate's training rows
    refit_rows: int  # the served model's
    threshold: float  # the candidate's
    prediction_id: list[str]  # the newest outcomes, in the test set's order ...
    p_default: list[float]  # ... the candidate's p_default for each ...
    rejected: list[bool]  # ... and its decision
    # The candidate's metrics on the reference rows, when it is not the served model (the
    # compliance rules judge it there before its refit).
    reference_metrics: dict | None = None


def read_candidate(data: object, source: str) -> CandidateAnswers:
    """candidate.json read and checked; anything else is an InputError naming the field."""
    answers = read_artifact(CandidateAnswers, data, source, "a candidate report of modelops train")
    lengths = {len(answers.prediction_id), len(answers.p_default), len(answers.rejected)}
    if len(lengths) != 1:
        raise InputError(f"{source}: prediction_id, p_default and rejected differ in length")
    return answers


@dataclass(frozen=True)
class Fitted:
    model: TrainedModel  # served and registered
    candidate: TrainedModel  # fitted without the newest outcomes; the model itself if no refit
    answers: CandidateAnswers


def refit_rows(train: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """What the refit learns from: the train set and the newest outcomes, never the reference
    rows (every model is judged on them)."""
    return pd.concat([train, test[newest_outcome_rows(test)]], ignore_index=True)


def fit_candidate_and_refit(
    train: pd.DataFrame,
    test: pd.DataFrame,
    features: list[str],
    target: Target,
    params: TrainParams,
    business: BusinessParams,
    decreasing: list[str] | None = None,
) -> Fitted:
    """The candidate on train; the refit on train and the newest outcomes when there are any
    and train.refit is on (otherwise one fit, served as it is)."""
    candidate = train_model(train, features, target, params, business, decreasing)
    newest = test[newest_outcome_rows(test)]
    refit = params.refit and len(newest) > 0
    model = (
        train_model(refit_rows(train, test), features, target, params, business, decreasing)
        if refit
        else candidate
    )
    answered = _answers(candidate, newest, features, target)
    reference = test[reference_rows(test)]
    answers = CandidateAnswers(
        refit=refit,
        fit_rows=len(train),
        refit_rows=len(train) + (len(newest) if refit else 0),
        threshold=candidate.threshold,
        reference_metrics=(
            score_rows(candidate.classifier, reference, target, business).metrics if refit else None
        ),
        **answered,
    )
    return Fitted(model, candidate, answers)


def _answers(candidate: TrainedModel, newest: pd.DataFrame, features, target: Target) -> dict:
    if newest.empty:
        return {"prediction_id": [], "p_default": [], "rejected": []}
    if PREDICTION_ID not in newest.columns or newest[PREDICTION_ID].isna().any():
        raise InputError(f"train: newest outcomes without a {PREDICTION_ID}: cannot be compared")
    X = newest[features]
    predicted = candidate.classifier.predict(X)
    return {
        "prediction_id": [str(x) for x in newest[PREDICTION_ID]],
        "p_default": [float(p) for p in p_bad_of(candidate.classifier, X)],
        "rejected": [bool(x == target.positive) for x in predicted],
    }
