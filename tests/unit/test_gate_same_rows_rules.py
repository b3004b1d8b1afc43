"""Protects the drop rules on the same rows: they judge the baseline's model scored on this
change's rows (never its stored metrics), on the point or the interval as params say; a
baseline model that cannot be had or cannot score the rows fails, naming why, unless a new
baseline is declared, and that declaration itself fails where nothing needs it.
"""

import pytest

from modelops.config.params import GateParams
from modelops.model.uncertainty import Interval
from modelops.review.baselines import Baseline
from modelops.review.champion import COMPARED, NO_MODEL, NOT_COMPARABLE, UNAVAILABLE, SameRows
from modelops.review.gate import (
    drop_rules,
    evaluate_gate,
    new_baseline_rule,
    segment_drop_rules,
)

METRICS = {"roc_auc": 0.85}
STORED = {"metrics": {"roc_auc": 0.80}}  # main on its own, harder, test set
CHANGED = "features the baseline model needs are not in the rows: Records"
SEGMENT_LIMIT = 0.05


def settings(**fields) -> GateParams:
    rules = {"artifact": "credit-risk", "max_drop": {"roc_auc": 0.01}, **fields}
    return GateParams.model_validate(rules)


def main_with(same: SameRows | None) -> Baseline:
    return Baseline("main", "main", "a" * 40, STORED, same_rows=same)


def compared(point: float, low: float, high: float, segments=None) -> SameRows:
    drop = Interval(point, low, high)
    return SameRows(COMPARED, "models/model.skops from the DVC cache", {"roc_auc": 0.85 + point},
                    segments, {"roc_auc": drop})  # fmt: skip


@pytest.mark.parametrize(
    ("drop", "passed", "noise"),
    [
        ((0.005, -0.002, 0.012), True, "within noise"),
        ((0.01, 0.002, 0.018), True, "a real difference"),  # exactly the limit
        ((0.02, 0.012, 0.028), False, "a real difference"),
        ((-0.03, -0.04, -0.02), True, "a real difference"),  # an improvement
    ],
)
def test_compared_drop_within_and_over_the_limit(drop, passed, noise):
    (outcome,) = drop_rules(METRICS, main_with(compared(*drop)), settings())
    assert (outcome.rule, outcome.passed) == ("roc_auc drop vs main", passed)
    assert (outcome.value, outcome.interval) == (0.85, [drop[1], drop[2]])
    assert outcome.baseline == pytest.approx(0.85 + drop[0])  # the model on these rows
    assert outcome.note == (
        f"same rows: drop {drop[0]:+.4f}, 90% interval [{drop[1]:+.4f}, {drop[2]:+.4f}] ({noise})"
    )


def test_stored_metrics_of_other_rows_are_not_what_is_judged():
    # Stored at main: 0.80, so the change looks 0.05 better; on the same rows main's model
    # scores 0.90 and the change is 0.05 worse.
    (outcome,) = drop_rules(METRICS, main_with(compared(0.05, 0.03, 0.07)), settings())
    assert not outcome.passed
    assert outcome.baseline == pytest.approx(0.90)


@pytest.mark.parametrize(
    ("decide_on", "drop", "passed"),
    [
        ("point", (0.02, 0.005, 0.035), False),
        ("interval", (0.02, 0.005, 0.035), True),  # the interval reaches below the limit
        ("interval", (0.03, 0.015, 0.045), False),  # the whole interval is over it
        ("point", (0.008, -0.01, 0.03), True),
        ("interval", (0.008, -0.01, 0.03), True),
    ],
)
def test_decide_on_point_or_interval(decide_on, drop, passed):
    gate = settings(comparison={"decide_on": decide_on})
    (outcome,) = drop_rules(METRICS, main_with(compared(*drop)), gate)
    assert outcome.passed is passed


def test_confidence_is_named_in_the_note():
    gate = settings(comparison={"confidence": 0.95})
    (outcome,) = drop_rules(METRICS, main_with(compared(0.0, -0.01, 0.01)), gate)
    assert "95% interval" in outcome.note


def test_unavailable_baseline_model_fails_naming_why():
    why = "models/model.skops at aaaaaaaa: DVC cache: not there; rebuild: `dvc repro` failed"
    (outcome,) = drop_rules(METRICS, main_with(SameRows(UNAVAILABLE, why)), settings())
    assert not outcome.passed
    assert outcome.note == f"baseline model unavailable: {why}"
    assert outcome.baseline is None  # never the stored number of other rows


def test_baseline_never_compared_fails():
    (outcome,) = drop_rules(METRICS, main_with(None), settings())
    assert (outcome.passed, outcome.note) == (False, "baseline model not compared")


def test_not_comparable_fails_naming_what_changed():
    (outcome,) = drop_rules(METRICS, main_with(SameRows(NOT_COMPARABLE, CHANGED)), settings())
    assert (outcome.passed, outcome.note) == (False, f"not comparable: {CHANGED}")


def test_not_comparable_passes_when_a_new_baseline_is_declared():
    gate = settings(new_baseline=True)
    (outcome,) = drop_rules(METRICS, main_with(SameRows(NOT_COMPARABLE, CHANGED)), gate)
    assert outcome.passed
    assert outcome.note == f"new baseline declared (gate.new_baseline); not comparable: {CHANGED}"


def test_new_baseline_is_only_ever_passed_where_needed():
    gate = settings(new_baseline=True)
    prod = Baseline("prod", "credit-risk@v1 (prod)", "b" * 40, STORED,
                    same_rows=SameRows(NOT_COMPARABLE, CHANGED))  # fmt: skip
    needed = main_with(compared(0.0, -0.01, 0.01)), prod
    (outcome,) = new_baseline_rule(list(needed), gate)
    assert (outcome.rule, outcome.passed) == ("gate.new_baseline declared", True)
    assert outcome.note == "not comparable with prod"
    (outcome,) = new_baseline_rule([main_with(compared(0.0, -0.01, 0.01))], gate)
    assert (outcome.rule, outcome.passed) == ("gate.new_baseline declared", False)
    assert outcome.note == "every baseline can score these rows: remove gate.new_baseline"
    assert new_baseline_rule([prod], settings()) == []


@pytest.mark.parametrize(
    ("baseline", "note"),
    [
        (Baseline("prod", "credit-risk#prod", None, {}, "no version of credit-risk in prod"),
         "no baseline: no version of credit-risk in prod"),
        (main_with(SameRows(NO_MODEL, "aaaaaaaa predates the model")),
         "no baseline: aaaaaaaa predates the model"),
    ],
    ids=["no holder", "no model"],
)  # fmt: skip
def test_no_baseline_passes_saying_so(baseline, note):
    gate = settings(segments={"max_drop": {"roc_auc": SEGMENT_LIMIT}})
    (outcome,) = drop_rules(METRICS, baseline, gate)
    assert (outcome.passed, outcome.note) == (True, note)
    (segment,) = segment_drop_rules({"Home": {}}, baseline, ["Home"], gate)
    assert (segment.passed, segment.note) == (True, note)


def test_a_metric_the_comparison_did_not_measure_fails():
    gate = settings(max_drop={"roc_auc": 0.01, "brier": 0.01})
    outcomes = drop_rules({**METRICS, "brier": 0.1}, main_with(compared(0.0, -0.01, 0.01)), gate)
    assert [(o.rule, o.passed, o.note) for o in outcomes][1] == (
        "brier drop vs main", False, "not measured for main"
    )  # fmt: skip


# Segments on the same rows: the worst large-enough segment's drop against the baseline model.

MINE = {"Home": {"owner": {"n": 120, "roc_auc": 0.80}, "rent": {"n": 90, "roc_auc": 0.70},
                 "other": {"n": 10, "roc_auc": 0.20}}}  # fmt: skip


def theirs(rent: float) -> dict:
    return {"Home": {"owner": {"n": 120, "roc_auc": 0.81}, "rent": {"n": 90, "roc_auc": rent},
                     "other": {"n": 10, "roc_auc": 0.90}}}  # fmt: skip


@pytest.mark.parametrize(("rent", "passed"), [(0.74, True), (0.75, True), (0.76, False)])
def test_segment_drop_against_the_baseline_model(rent, passed):
    gate = settings(segments={"min_rows": 50, "max_drop": {"roc_auc": SEGMENT_LIMIT}})
    baseline = main_with(compared(0.0, -0.01, 0.01, segments=theirs(rent)))
    (outcome,) = segment_drop_rules(MINE, baseline, ["Home"], gate)
    assert (outcome.rule, outcome.passed) == ("Home segments roc_auc drop vs main", passed)
    assert outcome.value == pytest.approx(rent - 0.70)  # "other" (n 10) is too small to judge
    assert outcome.note == "largest drop: rent, same rows, n >= 50"


def test_segment_column_the_comparison_lacks_fails():
    gate = settings(segments={"max_drop": {"roc_auc": SEGMENT_LIMIT}})
    baseline = main_with(compared(0.0, -0.01, 0.01, segments={}))
    (outcome,) = segment_drop_rules(MINE, baseline, ["Home"], gate)
    assert (outcome.passed, outcome.note) == (False, "segment column not reported")


@pytest.mark.parametrize(
    ("same", "new_baseline", "passed", "note"),
    [
        (SameRows(UNAVAILABLE, "no way"), False, False, "baseline model unavailable: no way"),
        (SameRows(NOT_COMPARABLE, CHANGED), False, False, f"not comparable: {CHANGED}"),
        (SameRows(NOT_COMPARABLE, CHANGED), True, True,
         f"new baseline declared (gate.new_baseline); not comparable: {CHANGED}"),
    ],
)  # fmt: skip
def test_segment_drop_without_a_comparison(same, new_baseline, passed, note):
    gate = settings(segments={"max_drop": {"roc_auc": SEGMENT_LIMIT}}, new_baseline=new_baseline)
    (outcome,) = segment_drop_rules(MINE, main_with(same), ["Home"], gate)
    assert (outcome.value, outcome.passed, outcome.note) == (None, passed, note)


def _verdict(same: SameRows, declared_here: bool = True, **fields):
    reports = {
        "metrics": METRICS,
        "segments": MINE,
        "data_quality": {"passed": True, "failed_rules": [], "rules": []},
    }
    gate = settings(**{"floors": {"roc_auc": 0.80}, **fields})
    return evaluate_gate(reports, [main_with(same)], gate, ["Home"], declared_here)


def test_verdict_with_a_declared_new_baseline_keeps_every_other_rule():
    verdict = _verdict(SameRows(NOT_COMPARABLE, CHANGED), new_baseline=True)
    assert verdict.passed
    assert [r.rule for r in verdict.rules] == [
        "roc_auc >= floor", "roc_auc drop vs main", "data contract kept",
        "gate.new_baseline declared",
    ]  # fmt: skip
    floor_missed = _verdict(SameRows(NOT_COMPARABLE, CHANGED), new_baseline=True,
                            floors={"roc_auc": 0.9})  # fmt: skip
    assert [r.rule for r in floor_missed.failed] == ["roc_auc >= floor"]


def test_verdict_with_a_needless_new_baseline_fails_on_that_rule_only():
    verdict = _verdict(compared(0.0, -0.01, 0.01), new_baseline=True)
    assert [r.rule for r in verdict.failed] == ["gate.new_baseline declared"]


def test_verdict_of_a_registered_version_does_not_judge_its_declaration():
    # A version's params said new_baseline when it was reviewed; registering it later must
    # not fail on a declaration nobody can change any more.
    verdict = _verdict(compared(0.0, -0.01, 0.01), declared_here=False, new_baseline=True)
    assert verdict.passed
    assert "gate.new_baseline declared" not in [r.rule for r in verdict.rules]


def test_verdict_records_the_same_rows_comparison():
    record = _verdict(compared(0.02, 0.01, 0.03)).as_dict()
    assert record["failed_rules"] == ["roc_auc drop vs main"]
    (main,) = record["baselines"]
    assert main["metrics"] == STORED["metrics"]  # stored, shown beside the same-rows numbers
    assert main["same_rows"]["status"] == COMPARED
    assert main["same_rows"]["drops"] == {"roc_auc": {"point": 0.02, "low": 0.01, "high": 0.03}}
