"""Protects the gate against a rule that has nothing to judge: a segment rule whose segments
are all smaller than gate.segments.min_rows (or a gap with a single segment to compare) fails
as "not judged", naming the size it needed, never passes; the age rule on an attribute the
model does not read says so beside its verdict.
"""

import pytest

from modelops.config.params import FairnessParams, GateParams
from modelops.model.uncertainty import Interval
from modelops.review.baselines import Baseline
from modelops.review.champion import COMPARED, SameRows
from modelops.review.gate import age_rule, evaluate_gate, segment_drop_rules, segment_rules

RULES = {"floors": {"roc_auc": 0.65}, "max_gap": {"roc_auc": 0.25}, "max_drop": {"roc_auc": 0.05}}


def gate(min_rows: int = 50) -> GateParams:
    return GateParams.model_validate(
        {"artifact": "credit-risk", "segments": {"min_rows": min_rows, **RULES}}
    )


def groups(*sizes: int, roc_auc: float = 0.8) -> dict:
    return {f"g{i}": {"n": n, "roc_auc": roc_auc} for i, n in enumerate(sizes)}


def main_on_the_same_rows(segments: dict) -> Baseline:
    same = SameRows(COMPARED, "models/model.skops from the DVC cache", {"roc_auc": 0.8},
                    segments, {"roc_auc": Interval(0.0, -0.01, 0.01)})  # fmt: skip
    return Baseline("main", "main", "a" * 40, {}, same_rows=same)


# (name, the Home column's segments, min_rows, the rule, what its note says)
NOT_JUDGED = [
    ("every_segment_too_small", groups(30, 40), 50, "Home segments roc_auc >= floor",
     "not judged: no segment with n >= 50"),
    ("min_rows_above_the_test_set", groups(400, 491), 100_000, "Home segments roc_auc >= floor",
     "not judged: no segment with n >= 100000"),
    ("gap_with_one_segment", groups(800, 20), 50, "Home segments roc_auc gap",
     "not judged: fewer than 2 segments with n >= 50"),
    ("no_segment_with_a_value", {"g0": {"n": 300, "roc_auc": None}}, 50,
     "Home segments roc_auc >= floor", "not judged: no segment"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "segments", "min_rows", "rule", "note"), NOT_JUDGED, ids=str)
def test_a_segment_rule_with_nothing_to_judge_fails_saying_so(name, segments, min_rows, rule, note):
    outcomes = {o.rule: o for o in segment_rules({"Home": segments}, ["Home"], gate(min_rows))}
    assert (outcomes[rule].passed, outcomes[rule].value) == (False, None)
    assert outcomes[rule].note.startswith(note), outcomes[rule].note


@pytest.mark.parametrize("sizes", [(30, 40), (10,)], ids=str)
def test_a_segment_drop_with_nothing_to_judge_fails_saying_so(sizes):
    segments = {"Home": groups(*sizes)}
    (outcome,) = segment_drop_rules(segments, main_on_the_same_rows(segments), ["Home"], gate())
    assert (outcome.rule, outcome.passed) == ("Home segments roc_auc drop vs main", False)
    assert outcome.note.startswith("not judged: no segment with n >= 50")


def test_a_verdict_with_only_unjudged_segments_fails_naming_them():
    reports = {"segments": {"Home": groups(10, 20)}}
    verdict = evaluate_gate(reports, [], gate(), ["Home"])
    assert not verdict.passed
    assert {"Home segments roc_auc >= floor", "Home segments roc_auc gap"} <= {
        r.rule for r in verdict.failed
    }


def test_segments_large_enough_are_judged_as_before():
    outcomes = segment_rules({"Home": groups(300, 200)}, ["Home"], gate())
    assert all(o.passed for o in outcomes) and all(o.value is not None for o in outcomes)


def test_the_age_rule_says_when_the_model_does_not_read_the_attribute():
    policy = FairnessParams.model_validate({
        "attributes": {"Age": {"feature": True, "basis": "Reg B", "bands": [18, 62, 100]}},
        "no_negative_factor": {"attribute": "Age", "from": 61, "to": [62, 90]},
    })  # fmt: skip
    measured = {"attribute": "Age", "from": 61, "to": [62, 90], "rows": 891, "rows_raised": 0,
                "max_increase": 0.0, "passed": True}  # fmt: skip
    unread = {"age_rule": measured, "features": {"used": ["Income", "Amount"]}}
    (outcome,) = age_rule(unread, policy)
    assert outcome.passed and outcome.note == "0 of 891 rows raised (the model does not read Age)"
    (read,) = age_rule({**unread, "features": {"used": ["Age", "Income"]}}, policy)
    assert read.note == "0 of 891 rows raised"
