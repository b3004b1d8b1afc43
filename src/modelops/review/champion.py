"""Champion and challenger on the same rows: a baseline's model (main's, or the version
holding a stage) scored on this change's test rows, each model deciding at its own
threshold, and the challenger's drop on each gated metric with a paired bootstrap interval.

Two views of the same rows (gate.rows): the reference rows, where the compliance rules and
the segment comparisons judge the served model, and the comparison rows of the drop rules:
by default the newest labelled outcomes, where the candidate (fitted without them, its answers
kept in reports/candidate.json) meets the champion on the present.

Metrics stored at the baseline come from its own test set; when the data change (a new
extract, feedback, a fork's own data) they say nothing about which model is better. Scoring
both models on the same rows does, and much more tightly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from modelops.config import paths
from modelops.config.contract import PREDICTION_ID
from modelops.config.metrics import LOWER_IS_BETTER
from modelops.config.params import Params
from modelops.data.split import newest_outcome_rows, reference_part
from modelops.equivalence import recorded_judge
from modelops.errors import ConfigError, InputError
from modelops.model.evaluate import ScoredRows, score_rows, scored_answers, segments_of
from modelops.model.persistence import load_model
from modelops.model.pipeline import model_features
from modelops.model.refit import CandidateAnswers
from modelops.model.train import Target
from modelops.model.uncertainty import Answers, Interval, paired_drops
from modelops.pipeline_state import artifact_path
from modelops.retrieve import NotRecorded, Unavailable, retrieve_output

COMPARED, UNAVAILABLE, NOT_COMPARABLE, NO_MODEL = (
    "compared",
    "baseline model unavailable",
    "not comparable",
    "no model",
)


@dataclass(frozen=True)
class Compared:
    """The rows the drop rules judge and the challenger's answers there."""

    rows: pd.DataFrame
    scored: ScoredRows
    what: str  # "the newest 150 outcomes" / "the 891 reference rows"
    newest: bool  # the newest outcomes (else the reference rows)


@dataclass(frozen=True)
class Challenger:
    """The model under review, the reference rows it is judged on, how it does there, and
    the rows and answers of the drop rules."""

    model: object
    test: pd.DataFrame
    target: Target
    scored: ScoredRows
    segments: dict
    compared: Compared


@dataclass(frozen=True)
class SameRows:
    """A baseline's model on the challenger's rows, or why it could not be scored there."""

    status: str  # COMPARED, UNAVAILABLE, NOT_COMPARABLE or NO_MODEL
    note: str  # where the model came from (its source and hash), or why not
    metrics: dict | None = None  # on the reference rows
    segments: dict | None = None  # on the reference rows
    drops: dict[str, Interval] = field(default_factory=dict)
    # Other bytes than dvc.lock's, proven the recorded model by behaviour (a rebuild on
    # another machine): `equivalent (largest |Δp_default| 3e-16 on 20 golden answers)`.
    equivalence: str | None = None
    compared_on: str | None = None  # the drop rules' rows, e.g. "the newest 150 outcomes"
    challenger_metrics: dict | None = None  # both models on those rows
    champion_metrics: dict | None = None

    def as_dict(self) -> dict:
        return asdict(self)  # the drops' intervals as {point, low, high}


def challenger_of(
    model,
    test: pd.DataFrame,
    target: Target,
    params: Params,
    candidate: CandidateAnswers | None = None,
) -> Challenger:
    """The served model on the reference rows; the drop rules' rows and answers from the
    candidate's report when gate.rows says the newest outcomes and there are enough of them."""
    reference = reference_part(test)
    scored = score_rows(model, reference, target, params.business)
    segments = segments_of(scored, reference, params.business, params.evaluate)
    compared = _compared(test, reference, scored, target, params, candidate)
    return Challenger(model, reference, target, scored, segments, compared)


def _compared(test, reference, scored, target, params: Params, candidate) -> Compared:
    rows = params.gate.rows
    newest = test[newest_outcome_rows(test)]
    on_reference = f"the {len(reference)} reference rows"
    if rows.drops == "reference" or newest.empty:
        return Compared(reference, scored, on_reference, False)
    if candidate is None:
        why = f"no {paths.CANDIDATE} (a pipeline from before the candidate was kept)"
        return Compared(reference, scored, f"{on_reference} ({why})", False)
    if len(newest) < rows.min_newest_outcomes:
        why = (
            f"only {len(newest)} newest outcomes, fewer than gate.rows.min_newest_outcomes "
            f"{rows.min_newest_outcomes}"
        )
        return Compared(reference, scored, f"{on_reference} ({why})", False)
    ids = [str(x) for x in newest[PREDICTION_ID]]
    if ids != candidate.prediction_id:
        raise InputError(
            f"{paths.CANDIDATE} answers {len(candidate.prediction_id)} newest outcomes, not the "
            f"test set's {len(ids)}: the reports are stale (run dvc repro)"
        )
    answered = scored_answers(
        newest,
        np.asarray(candidate.p_default, dtype=float),
        np.where(candidate.rejected, target.positive, ""),
        candidate.threshold,
        target,
        params.business,
    )
    return Compared(newest, answered, f"the newest {len(newest)} outcomes", True)


def same_rows(
    repo: Path, commit: str, challenger: Challenger, params: Params, bundles=()
) -> SameRows:
    """The baseline model recorded at commit, scored on the challenger's rows."""
    try:
        model_path = artifact_path(repo, params.gate.artifact, commit)
    except (InputError, ConfigError) as why:  # a commit from before the pipeline or artifact
        return SameRows(NO_MODEL, f"no model declared at {commit[:8]} ({why})")
    try:
        judge = recorded_judge(repo, commit, params.gate.equivalence)
        retrieved = retrieve_output(repo, commit, model_path, bundles=bundles, judge=judge)
    except NotRecorded:
        return SameRows(NO_MODEL, f"{commit[:8]} predates the model")
    except Unavailable as why:
        return SameRows(UNAVAILABLE, str(why))
    try:
        model = load_model(retrieved.path)
    except InputError as why:
        return SameRows(UNAVAILABLE, str(why))
    equivalence = retrieved.behaviour.summary() if retrieved.behaviour else None
    return scored_against(model, challenger, params, retrieved.origin(model_path), equivalence)


def scored_against(
    model, challenger: Challenger, params: Params, origin: str, equivalence: str | None = None
) -> SameRows:
    """An already loaded champion model on the challenger's reference rows (its metrics and
    segments) and on the drop rules' rows (the drops, with their intervals)."""
    reason = not_comparable(model, challenger)
    if reason:
        return SameRows(NOT_COMPARABLE, reason)
    compared = challenger.compared
    try:
        scored = score_rows(model, challenger.test, challenger.target, params.business)
        there = (
            score_rows(model, compared.rows, challenger.target, params.business)
            if compared.newest
            else scored
        )
    except (InputError, ValueError, TypeError) as err:  # e.g. a column's type changed
        return SameRows(NOT_COMPARABLE, f"the baseline model cannot score these rows: {err}")
    segments = segments_of(scored, challenger.test, params.business, params.evaluate)
    return SameRows(
        COMPARED,
        origin,
        scored.metrics,
        segments,
        drops(compared.scored, there, params),
        equivalence,
        compared.what,
        compared.scored.metrics,
        there.metrics,
    )


def not_comparable(model, challenger: Challenger) -> str | None:
    """What changed so that the baseline model cannot be judged on these rows, if anything."""
    needed = model_features(model)
    missing = [f for f in needed if f not in challenger.test.columns]
    if missing:
        return f"features the baseline model needs are not in the rows: {', '.join(missing)}"
    classes = {str(c) for c in model.classes_}
    values = {str(v) for v in challenger.test[challenger.target.column].dropna().unique()}
    if str(model.pos_label) != challenger.target.positive or not values <= classes:
        return (
            f"the target changed: the baseline model predicts {sorted(classes)} "
            f"(positive {model.pos_label!r}); the rows hold {sorted(values)} "
            f"(positive {challenger.target.positive!r})"
        )
    numeric = _numeric_columns(model)
    retyped = [c for c in numeric if not pd.api.types.is_numeric_dtype(challenger.test[c].dtype)]
    if retyped:
        return f"columns the baseline model reads as numbers are not numbers now: {retyped}"
    return None


def _numeric_columns(model) -> list[str]:
    """The columns the model's preprocessing treats as numbers."""
    preprocess = model.estimator_.named_steps.get("preprocess")
    for name, _, columns in getattr(preprocess, "transformers_", []):
        if name == "numeric":
            return [str(c) for c in columns]
    return []


def drops(challenger: ScoredRows, baseline: ScoredRows, params: Params) -> dict[str, Interval]:
    """The challenger's drop on each max_drop metric, exact, with its bootstrap interval
    (both models' answers on the same rows)."""
    from modelops.config.metrics import metric_value

    points = {}
    for name in params.gate.max_drop:
        after = metric_value(challenger.metrics, name)
        before = metric_value(baseline.metrics, name)
        if after is None or before is None:
            continue
        points[name] = after - before if name in LOWER_IS_BETTER else before - after
    comparison = params.gate.comparison
    return paired_drops(
        points,
        challenger.is_bad,
        challenger.amount,
        Answers(challenger.p_bad, np.asarray(challenger.predicted_bad, bool)),
        Answers(baseline.p_bad, np.asarray(baseline.predicted_bad, bool)),
        params.business.margin,
        params.business.loss_given_default,
        comparison.resamples,
        comparison.confidence,
        comparison.seed,
    )
