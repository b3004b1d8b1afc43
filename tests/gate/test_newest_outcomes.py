"""Protects gate.rows and the refit: a retrain's candidate (fitted without the newest outcomes)
meets the champion on those outcomes, the compliance rules judge the served refit on the
fixed reference rows, and the refit learns from the newest outcomes but never from the
reference rows. In process, on the sample: the functions the train stage and the gate call."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelops.data.split import newest_outcome_rows, reference_rows, split_dataset
from modelops.errors import InputError
from modelops.model.pipeline import p_bad_of
from modelops.model.refit import fit_candidate_and_refit, read_candidate
from modelops.model.train import train_model
from modelops.review.baselines import Baseline
from modelops.review.champion import COMPARED, challenger_of, scored_against
from modelops.review.gate import evaluate_gate

FEEDBACK = 600


@pytest.fixture(scope="module")
def settings(sample_params):
    """The sample's params with fast training (three folds)."""
    train = sample_params.train.model_copy(update={"cv_folds": 3})
    return sample_params.model_copy(update={"train": train})


@pytest.fixture(scope="module")
def with_feedback(sample) -> pd.DataFrame:
    """The sample's applications, then FEEDBACK outcomes of loans made later: copies of its
    first rows, one an hour, where the world changed (every tenant defaults)."""
    rows = sample.head(FEEDBACK).copy()
    rows["applicant_id"] = [f"fb-{i:05d}" for i in range(FEEDBACK)]
    rows["prediction_id"] = [f"pred-{i:05d}" for i in range(FEEDBACK)]
    rows["predicted_at"] = pd.Timestamp("2026-11-01", tz="UTC") + pd.to_timedelta(
        range(FEEDBACK), unit="h"
    )
    rows["propensity"] = 1.0
    rows.loc[rows["Home"] == "rent", "Status"] = "bad"
    return pd.concat([sample, rows], ignore_index=True)


@pytest.fixture(scope="module")
def fitted(with_feedback, target, settings):
    train, test = split_dataset(with_feedback, target.column, 0.2, 42, "applicant_id", 0.25)
    features = list(settings.data.features)
    result = fit_candidate_and_refit(
        train, test, features, target, settings.train, settings.business
    )
    return train, test, result


@pytest.fixture(scope="module")
def champion(sample, target, settings):
    """A model of the world before the change (the original rows only)."""
    train, _ = split_dataset(sample, target.column, 0.2, 42, "applicant_id", 0.25)
    features = list(settings.data.features)
    return train_model(train, features, target, settings.train, settings.business).classifier


def test_the_candidate_never_sees_the_newest_outcomes_and_the_refit_never_the_reference(fitted):
    train, test, result = fitted
    answers = result.answers
    newest = test[newest_outcome_rows(test)]
    assert answers.refit and len(newest) == round(0.25 * FEEDBACK)
    assert answers.fit_rows == len(train)
    assert answers.refit_rows == len(train) + len(newest)
    assert answers.prediction_id == list(newest["prediction_id"])
    # The candidate's answers are its own, not the refit's (which learnt from these rows).
    X = newest[result.model.classifier.feature_names_in_]
    assert np.allclose(answers.p_default, p_bad_of(result.candidate.classifier, X))
    assert not np.allclose(answers.p_default, p_bad_of(result.model.classifier, X))
    assert answers.reference_metrics["n_test"] == int(reference_rows(test).sum())
    assert read_candidate(answers.model_dump(), "candidate.json") == answers


def test_without_refit_the_candidate_is_served(with_feedback, target, settings):
    train, test = split_dataset(with_feedback, target.column, 0.2, 42, "applicant_id", 0.25)
    off = settings.train.model_copy(update={"refit": False})
    result = fit_candidate_and_refit(
        train, test, list(settings.data.features), target, off, settings.business
    )
    assert result.model is result.candidate and not result.answers.refit
    assert result.answers.reference_metrics is None
    assert len(result.answers.prediction_id) == round(0.25 * FEEDBACK)


def test_the_drops_compare_the_candidate_and_the_champion_on_the_newest_outcomes(
    fitted, champion, target, settings
):
    _, test, result = fitted
    challenger = challenger_of(result.model.classifier, test, target, settings, result.answers)
    assert challenger.compared.newest
    assert challenger.compared.what == f"the newest {round(0.25 * FEEDBACK)} outcomes"
    assert challenger.scored.metrics["n_test"] == int(reference_rows(test).sum())
    same = scored_against(champion, challenger, settings, "in memory")
    assert same.status == COMPARED and same.compared_on == challenger.compared.what
    # Tenants all default now: the candidate learnt it, the champion did not.
    assert same.challenger_metrics["roc_auc"] > same.champion_metrics["roc_auc"]
    assert same.drops["roc_auc"].point < 0
    baseline = Baseline("prod", "prod", "0" * 40, {"metrics": {}}, same_rows=same)
    verdict = evaluate_gate({"metrics": challenger.scored.metrics}, [baseline], settings.gate, [])
    rule = next(r for r in verdict.rules if r.rule == "roc_auc drop vs prod")
    assert rule.passed and rule.note.startswith("the newest 150 outcomes: drop -")
    assert rule.value == same.challenger_metrics["roc_auc"]
    assert rule.baseline == same.champion_metrics["roc_auc"]


def test_too_few_newest_outcomes_are_said_and_the_reference_rows_judge(
    fitted, champion, target, settings
):
    _, test, result = fitted
    rows = settings.gate.rows.model_copy(update={"min_newest_outcomes": 1000})
    strict = settings.model_copy(update={"gate": settings.gate.model_copy(update={"rows": rows})})
    challenger = challenger_of(result.model.classifier, test, target, strict, result.answers)
    assert not challenger.compared.newest
    assert "only 150 newest outcomes, fewer than gate.rows.min_newest_outcomes 1000" in (
        challenger.compared.what
    )
    same = scored_against(champion, challenger, strict, "in memory")
    assert same.champion_metrics == same.metrics  # the reference rows, both ways


def test_a_candidate_report_of_other_rows_is_stale(fitted, target, settings):
    _, test, result = fitted
    other = result.answers.model_copy(
        update={
            "prediction_id": result.answers.prediction_id[:-1],
            "p_default": result.answers.p_default[:-1],
            "rejected": result.answers.rejected[:-1],
        }
    )
    with pytest.raises(InputError, match="the reports are stale"):
        challenger_of(result.model.classifier, test, target, settings, other)
    broken = {**result.answers.model_dump(), "p_default": result.answers.p_default[:3]}
    with pytest.raises(InputError, match="differ in length"):
        read_candidate(broken, "candidate.json")


def test_a_floor_the_champion_fails_too_is_reported_not_waived(fitted, champion, target, settings):
    _, test, result = fitted
    challenger = challenger_of(result.model.classifier, test, target, settings, result.answers)
    same = scored_against(champion, challenger, settings, "in memory")
    high = settings.gate.model_copy(update={"floors": {"roc_auc": 0.99}, "max_drop": {}})
    baseline = Baseline("prod", "prod", "0" * 40, {"metrics": {}}, same_rows=same)
    reports = {"metrics": challenger.scored.metrics, "candidate": result.answers.model_dump()}
    verdict = evaluate_gate(reports, [baseline], high, [])
    floor = next(r for r in verdict.rules if r.rule == "roc_auc >= floor")
    assert not floor.passed and "prod's model" in floor.note and "fails it too" in floor.note
    # The candidate is held to the floors too, before its refit is registered.
    before = next(r for r in verdict.rules if r.rule == "candidate before refit: roc_auc >= floor")
    assert not before.passed
    assert before.value == result.answers.reference_metrics["roc_auc"]


def test_the_report_shows_both_models_on_the_newest_outcomes(fitted, champion, target, settings):
    from modelops.review.report import newest_outcomes_section

    _, test, result = fitted
    challenger = challenger_of(result.model.classifier, test, target, settings, result.answers)
    same = scored_against(champion, challenger, settings, "in memory")
    baseline = Baseline("prod", "prod", "0" * 40, {"metrics": {}}, same_rows=same)
    verdict = evaluate_gate({"metrics": challenger.scored.metrics}, [baseline], settings.gate, [])
    lines = newest_outcomes_section(verdict.as_dict())
    assert lines[0] == "### The drop rules' rows: the newest 150 outcomes"
    auc = next(line for line in lines if line.startswith("| roc_auc |"))
    assert f"{same.challenger_metrics['roc_auc']:.4f}" in auc
    assert f"{same.champion_metrics['roc_auc']:.4f}" in auc
    # Compared on the reference rows, the section is not there (the metrics table says it all).
    on_reference = scored_against(champion, challenger_of(
        result.model.classifier, test, target, settings, None), settings, "in memory")  # fmt: skip
    plain = Baseline("prod", "prod", "0" * 40, {"metrics": {}}, same_rows=on_reference)
    verdict = evaluate_gate({"metrics": challenger.scored.metrics}, [plain], settings.gate, [])
    assert newest_outcomes_section(verdict.as_dict()) == []
