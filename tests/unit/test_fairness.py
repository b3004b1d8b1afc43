"""Protects reports/fairness.json's measures: the age rule sees a p_default that rises past
Age 61 and passes one that never does (every model kind, once the trees are constrained); the
group table's rates, ratios and gaps against the most-approved judged group, hand-computed;
groups below min_rows not judged; the bootstrap intervals equal a plain loop over the same
resamples and are reproducible from the seed; and the project's own model, on its committed
reports, reads no prohibited attribute and passes every rule of the project's policy."""

import json

import numpy as np
import pandas as pd
import pytest

from modelops.config.params import FairnessParams, NoNegativeFactor, load_params
from modelops.model import fairness
from modelops.model.fairness import MEASURES, age_rule, group_table
from modelops.model.pipeline import p_bad_of
from modelops.model.train import train_model
from modelops.review.gate import fairness_rules

RULE = NoNegativeFactor.model_validate({"attribute": "Age", "from": 61, "to": [62, 90]})


def test_group_table_by_hand():
    labels = pd.Series(["a"] * 4 + ["b"] * 4 + ["c"] * 2)
    is_bad = [0, 0, 0, 1, 0, 0, 1, 1, 0, 1]
    approved = [1, 1, 1, 0, 1, 0, 0, 0, 1, 1]
    p_bad = [0.1, 0.1, 0.1, 0.5, 0.2, 0.2, 0.6, 0.6, 0.3, 0.3]
    table = group_table(labels, is_bad, p_bad, approved, min_rows=3)
    a, b, c = table["a"], table["b"], table["c"]
    assert (a["approval_rate"], a["approval_ratio"], a["equal_opportunity_gap"]) == (0.75, 1, 0)
    assert (b["approval_rate"], b["approval_ratio"]) == (0.25, 0.25 / 0.75)
    assert (b["repaid_n"], b["approval_rate_repaid"], b["equal_opportunity_gap"]) == (2, 0.5, 0.5)
    assert b["calibration_gap"] == pytest.approx(abs(0.4 - 0.5))
    assert a["calibration_gap"] == pytest.approx(abs(0.2 - 0.25))
    assert c["judged"] is False and c["n"] == 2
    assert (c["approval_ratio"], c["equal_opportunity_gap"], c["calibration_gap"]) == (None,) * 3


def _two_groups(n=120, seed=3):
    """Group a approves far more often than b, so every resample keeps a as the reference."""
    rng = np.random.default_rng(seed)
    labels = pd.Series(np.where(np.arange(n) % 3 == 0, "b", "a"))
    is_bad = rng.random(n) < 0.3
    approved = np.where(labels == "a", rng.random(n) < 0.9, rng.random(n) < 0.3)
    p_bad = rng.random(n) * 0.6
    return labels, is_bad, p_bad, approved


def test_bootstrap_intervals_equal_a_plain_loop_over_the_same_resamples():
    labels, is_bad, p_bad, approved = _two_groups()
    table = group_table(labels, is_bad, p_bad, approved, 1, resamples=200, confidence=0.8, seed=7)
    rows = np.random.default_rng(7).integers(0, len(labels), size=(200, len(labels)))
    looped = {m: [] for m in MEASURES}
    for index in rows:
        one = group_table(labels.iloc[index].reset_index(drop=True), is_bad[index],
                          p_bad[index], approved[index], 1, resamples=100)  # fmt: skip
        for m in MEASURES:
            looped[m].append(one["b"][m])
    for m in MEASURES:
        expected = np.quantile(looped[m], [0.1, 0.9])
        assert table["b"][f"{m}_interval"] == pytest.approx(list(expected)), m
        low, high = table["b"][f"{m}_interval"]
        assert low <= table["b"][m] <= high, m
    # the reference group against itself: no spread at all
    assert table["a"]["approval_ratio_interval"] == [1.0, 1.0]
    assert table["a"]["equal_opportunity_gap_interval"] == [0.0, 0.0]


@pytest.mark.parametrize("cells", [120, 1_000, 10_000])
def test_drawing_the_resamples_in_blocks_changes_no_number(monkeypatch, cells):
    """A million-row test set is resampled a block at a time (memory); the intervals are the
    ones the whole index at once gives."""
    labels, is_bad, p_bad, approved = _two_groups()
    whole = group_table(labels, is_bad, p_bad, approved, 1, resamples=200, confidence=0.8, seed=7)
    monkeypatch.setattr(fairness, "BLOCK_CELLS", cells)
    blocked = group_table(labels, is_bad, p_bad, approved, 1, resamples=200, confidence=0.8, seed=7)
    assert blocked == whole


def test_bootstrap_intervals_follow_the_seed_and_skip_unjudged_groups():
    labels, is_bad, p_bad, approved = _two_groups()
    one = group_table(labels, is_bad, p_bad, approved, 40, seed=1)
    assert one == group_table(labels, is_bad, p_bad, approved, 40, seed=1)
    other = group_table(labels, is_bad, p_bad, approved, 40, seed=2)
    assert one["b"]["approval_ratio_interval"] != other["b"]["approval_ratio_interval"]
    small = group_table(labels, is_bad, p_bad, approved, 41)  # b has 40 rows: not judged
    assert all(small["b"][f"{m}_interval"] is None for m in MEASURES)
    assert small["a"]["calibration_gap_interval"] is not None


class AgeRisk:
    """A stand-in model with p_default a given function of Age (for the rule's arithmetic)."""

    feature_names_in_ = np.array(["Age"])
    classes_ = np.array(["bad", "good"])
    pos_label = "bad"

    def __init__(self, risk):
        self.risk = risk
        self.calls = 0

    def predict_proba(self, X):
        self.calls += 1
        p = self.risk(X["Age"].to_numpy(dtype=float))
        return np.column_stack([p, 1 - p])


@pytest.mark.parametrize(
    ("risk", "raised", "passed"),
    [
        (lambda age: 0.5 - 0.001 * age, 0, True),  # risk falls with age
        (lambda age: np.full_like(age, 0.3), 0, True),  # age plays no part
        (lambda age: 0.1 + 0.001 * age, 3, False),  # risk rises with age
        (lambda age: np.where(age == 90, 0.4, 0.3), 3, False),  # one age only, the last
    ],
)
def test_age_rule(risk, raised, passed):
    model = AgeRisk(risk)
    result = age_rule(model, pd.DataFrame({"Age": [30.0, 50.0, 61.0]}), RULE)
    assert (result["rows_raised"], result["passed"], result["rows"]) == (raised, passed, 3)
    assert model.calls == 1  # one batched call for every row and age
    assert (result["from"], result["to"]) == (61, [62, 90])


def test_the_age_rule_moves_a_large_test_set_a_block_at_a_time(monkeypatch):
    """Blocks of rows (memory at a million rows): the same verdict, one call per block."""
    monkeypatch.setattr(fairness, "AGE_RULE_ROWS", 2)
    model = AgeRisk(lambda age: np.where(age == 90, 0.4, 0.3))
    result = age_rule(model, pd.DataFrame({"Age": [30.0, 50.0, 61.0, 40.0, 70.0]}), RULE)
    assert (result["rows_raised"], result["passed"], result["rows"]) == (5, False, 5)
    assert result["max_increase"] == pytest.approx(0.1)
    assert model.calls == 3


@pytest.mark.parametrize("kind", ["random_forest", "hist_gradient_boosting"])
def test_constrained_trees_pass_the_age_rule(
    kind, small_train, target, business_params, fast_train_params, features
):
    # Risk made to rise with age, so an unconstrained tree would learn a negative factor.
    train = small_train.copy()
    train.loc[train["Age"] >= 50, target.column] = target.positive
    trained = train_model(train, features, target, fast_train_params[kind], business_params,
                          decreasing=["Age"])  # fmt: skip
    result = age_rule(trained.classifier, small_train[features], RULE)
    assert result["passed"], result
    # Across the ages the training rows hold the constraint is what holds the risk down.
    wide = NoNegativeFactor.model_validate({"attribute": "Age", "from": 30, "to": [31, 90]})
    assert age_rule(trained.classifier, small_train[features], wide)["passed"]
    free = train_model(train, features, target, fast_train_params[kind], business_params)
    assert not age_rule(free.classifier, small_train[features], wide)["passed"]


def test_the_constraint_runs_with_string_and_boolean_labels(
    small_train, target, features, business_params, fast_train_params
):
    # The final fit sees 'bad'/'good', the threshold's folds see True/False: both must lower
    # p_default with age, not raise it.
    train = small_train.copy()
    train.loc[train["Age"] >= 50, target.column] = target.positive
    params = fast_train_params["hist_gradient_boosting"]
    trained = train_model(train, features, target, params, business_params, decreasing=["Age"])
    young, old = small_train[features].copy(), small_train[features].copy()
    young["Age"], old["Age"] = 30.0, 60.0
    model = trained.classifier
    assert (p_bad_of(model, old) <= p_bad_of(model, young) + 1e-12).all()


def test_the_project_model_reads_no_prohibited_attribute_and_passes_the_age_rule(project_root):
    reports = {
        name: json.loads((project_root / "reports" / f"{name}.json").read_text())
        for name in ("training", "fairness")
    }
    params = load_params(project_root / "params.yaml")
    policy: FairnessParams = params.fairness
    assert policy.prohibited and not set(policy.prohibited) & set(params.data.features)
    rules = {r.rule: r for r in fairness_rules(reports, policy)}
    for name in policy.prohibited:
        assert rules[f"fairness.{name} not a feature"].passed
    age = rules[f"fairness.age_rule.Age no rise from {policy.no_negative_factor.from_}"]
    assert age.passed and reports["fairness"]["age_rule"]["rows"] > 0
    # Every rule of the project's policy passes, each judged group decided on its interval.
    assert [r.line() for r in rules.values() if not r.passed] == []
    assert policy.decide_on == "interval"
    for groups in reports["fairness"]["groups"].values():
        for name, group in groups.items():
            for m in MEASURES:
                assert (group[f"{m}_interval"] is None) is (not group["judged"]), (name, m)
    # Age's approval rules are off by policy (Reg B): stated, not gated; calibration is gated.
    young = "fairness.Age.[18, 25)"
    assert rules[f"{young}.approval_ratio"].threshold == "off by policy"
    assert rules[f"{young}.equal_opportunity_gap"].threshold == "off by policy"
    assert f"{young}.calibration_gap <= 0.1" in rules
