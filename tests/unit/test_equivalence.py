"""Protects the rule "a model is the recorded one when it gives the recorded answers": real
fitted models, their floats moved as another CPU moves them (a few ulps: equivalent) and by a
real change (a relative 1e-6: not), judged on golden answers and test metrics recorded from
the unmoved model; a recorded answer set that cannot judge anything never passes."""

from __future__ import annotations

import copy
import math

import pytest
from support.other_machine import moved

from modelops.config.params import Equivalence
from modelops.equivalence import answer_gaps, behaviour_against, model_answers
from modelops.errors import InputError
from modelops.model.evaluate import score_rows
from modelops.model.pipeline import model_features

KINDS = ("logistic_regression", "random_forest", "hist_gradient_boosting")


def recorded(model, holdout, target, business) -> tuple[list[dict], dict]:
    """Golden answers and metrics as evaluate records them, from this model."""
    X = holdout[model_features(model)]
    answers = model_answers(model, X.head(20).to_dict("records"))
    golden = [
        {"application": a, "p_default": p, "decision": d}
        for a, (p, d) in zip(X.head(20).to_dict("records"), answers, strict=True)
    ]
    return golden, score_rows(model, holdout, target, business).metrics


@pytest.fixture(scope="module", params=KINDS)
def recorded_model(request, small_models, small_holdout, target, business_params):
    model = small_models[request.param]
    return request.param, model, *recorded(model, small_holdout, target, business_params)


def test_the_unmoved_model_is_equivalent_with_no_difference(recorded_model, small_holdout, target):
    _, model, golden, metrics = recorded_model
    found = behaviour_against(model, golden, metrics, small_holdout, target, Equivalence())
    assert found.equivalent and found.largest_delta == 0.0 and found.decisions_changed == 0
    assert found.summary() == "equivalent (largest |Δp_default| 0 on 20 golden answers)"


@pytest.fixture(scope="module")
def linear(small_models, small_holdout, target, business_params):
    """The logistic regression: every float parameter it answers with is an array to move
    (the trees' thresholds live in tree objects)."""
    model = small_models["logistic_regression"]
    return model, *recorded(model, small_holdout, target, business_params)


def test_floats_a_few_ulps_apart_are_the_same_model(linear, small_holdout, target):
    model, golden, metrics = linear
    other = copy.deepcopy(model)
    assert moved(other, ulps=3) >= 3
    found = behaviour_against(other, golden, metrics, small_holdout, target, Equivalence())
    assert found.equivalent, found.summary()
    assert 0 < found.largest_delta < 1e-12


def test_floats_moved_by_a_real_change_are_another_model(linear, small_holdout, target):
    model, golden, metrics = linear
    other = copy.deepcopy(model)
    assert moved(other, relative=1e-6) >= 3
    found = behaviour_against(other, golden, metrics, small_holdout, target, Equivalence())
    assert not found.equivalent
    assert found.largest_delta > 1e-9
    assert found.summary().startswith("not equivalent (largest |Δp_default| ")
    assert "tolerance 1e-09" in found.summary()


def test_a_wider_tolerance_is_the_stated_one(linear, small_holdout, target):
    model, golden, metrics = linear
    other = copy.deepcopy(model)
    moved(other, relative=1e-6)
    wide = Equivalence(p_default=1e-3, metrics=1e-3)
    assert behaviour_against(other, golden, metrics, small_holdout, target, wide).equivalent


def test_a_changed_decision_is_another_model_whatever_the_tolerance():
    golden = [{"p_default": 0.5, "decision": "reject"}, {"p_default": 0.1, "decision": "approve"}]
    assert answer_gaps([(0.5, "approve"), (0.1, "approve")], golden) == (0.0, [0])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_answer_is_infinitely_far(bad):
    largest, _ = answer_gaps([(bad, "reject")], [{"p_default": 0.5, "decision": "reject"}])
    assert largest == math.inf


def test_answers_that_do_not_pair_with_the_golden_ones_are_refused():
    with pytest.raises(InputError, match="1 answers for 2 golden applications"):
        answer_gaps([(0.5, "reject")], [{"p_default": 0.5, "decision": "reject"}] * 2)


def test_recorded_metrics_that_name_nothing_judged_are_refused(
    small_models, small_holdout, target, business_params
):
    model = small_models["logistic_regression"]
    golden, _ = recorded(model, small_holdout, target, business_params)
    with pytest.raises(InputError, match="name none of the metrics"):
        behaviour_against(model, golden, {"schema": 1}, small_holdout, target, Equivalence())


def test_golden_applications_without_a_feature_are_refused(small_models):
    model = small_models["logistic_regression"]
    with pytest.raises(InputError, match="lack the model's feature"):
        model_answers(model, [{"Nothing": 1.0}])
