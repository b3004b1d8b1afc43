"""Protects the principal reasons of a rejection (explain/reasons.py) and the reference applicant
they are measured against (explain/applicant.py), for every model kind: an application made
risky through one feature alone, starting from a safe one, gets that feature as its first
reason; the reasons are exactly the features whose move to the reference value lowers
p_default most (at most four, largest first, ties in feature order); a row's reasons do not
depend on the rows batched with it; a batch costs one predict_proba call; a feature without
a text is a ConfigError; the reference applicant is the repaid rows' lower medians and modes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelops.errors import ConfigError, InputError
from modelops.explain.applicant import applicant_of, reference_applicant
from modelops.explain.reasons import MAX_REASONS, principal_reasons, score_with_reasons
from modelops.model.pipeline import p_bad_of
from modelops.serve.schema import application_model

KINDS = ("logistic_regression", "random_forest", "hist_gradient_boosting")


@pytest.fixture(scope="module")
def texts(features) -> dict[str, str]:
    return {f: f"text of {f}" for f in features}


@pytest.fixture(scope="module")
def reference(small_train, features, target) -> dict:
    return reference_applicant(small_train, features, target.column, target.positive)


def frame_of(rows: list[dict], features: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=features)


def test_the_reference_applicant_is_the_repaid_rows_lower_medians_and_modes(
    small_train, features, target, reference, sample_contract
):
    repaid = small_train[small_train[target.column] != target.positive]
    assert set(reference) == set(features)
    for feature in features:
        values = repaid[feature].dropna()
        if pd.api.types.is_numeric_dtype(values):
            ordered = np.sort(values.to_numpy())
            assert reference[feature] == ordered[(len(ordered) - 1) // 2]  # the lower median
        else:
            assert reference[feature] == values.value_counts().idxmax()
    # Observed values: the reference is itself an application the contract accepts.
    application_model(sample_contract, features).model_validate(reference)


def test_a_reference_without_a_repaid_value_is_refused(small_train, features, target):
    empty = small_train.assign(Income=np.where(small_train[target.column] == "bad", 1.0, np.nan))
    with pytest.raises(InputError, match="no repaid training row has a value of 'Income'"):
        reference_applicant(empty, features, target.column, target.positive)


def test_a_reference_without_an_applicant_is_refused(features, reference):
    with pytest.raises(InputError, match=r"v0\.1\.0: no reference applicant"):
        applicant_of({"schema": 1}, features, "v0.1.0")
    with pytest.raises(InputError, match="no usable 'Age'"):
        applicant_of({"applicant": {**reference, "Age": None}}, features, "v0.1.0")
    assert applicant_of({"applicant": reference}, features, "v0.1.0") == reference


@pytest.mark.parametrize("kind", KINDS)
def test_one_feature_made_risky_is_the_first_reason(small_models, features, reference, texts, kind):
    """From the reference applicant (approved), one feature moved to a risky value: that
    feature is the reason, and the only one (the others are at the reference)."""
    model = small_models[kind]
    safe = p_bad_of(model, frame_of([reference], features))[0]
    assert safe < model.threshold
    raised = 0
    for feature, value in (("Records", "yes"), ("Job", "partime"), ("Seniority", 0.0),
                           ("Income", 10.0), ("Assets", 0.0), ("Amount", 5000.0)):  # fmt: skip
        risky = frame_of([{**reference, feature: value}], features)
        p_default, [reasons] = score_with_reasons(model, risky, reference, texts)
        if p_default[0] > safe:
            raised += 1
            assert reasons == [{"feature": feature, "reason": texts[feature]}]
        else:
            assert reasons == []
    assert raised >= 3


@pytest.mark.parametrize("kind", KINDS)
def test_reasons_are_the_largest_drops_when_set_to_the_reference(
    small_models, small_holdout, features, reference, texts, kind
):
    """Checked against the method computed the slow way: one feature, one call at a time."""
    model = small_models[kind]
    rows = small_holdout[features].iloc[:6].reset_index(drop=True)
    p_default, reasons = score_with_reasons(model, rows, reference, texts)
    assert np.array_equal(p_default, p_bad_of(model, rows))
    for i in range(len(rows)):
        row = rows.iloc[[i]]
        change = {}
        for feature in features:
            moved = row.copy()
            moved[feature] = reference[feature]
            same = row[feature].iloc[0] == reference[feature]
            change[feature] = 0.0 if same else p_bad_of(model, row)[0] - p_bad_of(model, moved)[0]
        raised = sorted((f for f in features if change[f] > 1e-12), key=lambda f: -change[f])
        got = [r["feature"] for r in reasons[i]]
        assert len(got) <= MAX_REASONS
        assert got == raised[:MAX_REASONS], (i, change)
        assert [r["reason"] for r in reasons[i]] == [texts[f] for f in got]


def test_a_rows_reasons_do_not_depend_on_its_batch(small_models, small_holdout, features,
                                                   reference, texts):  # fmt: skip
    model = small_models["random_forest"]
    rows = small_holdout[features].iloc[:12].reset_index(drop=True)
    together = principal_reasons(model, rows, reference, texts)
    alone = [principal_reasons(model, rows.iloc[[i]], reference, texts)[0] for i in range(12)]
    assert together == alone == principal_reasons(model, rows, reference, texts)
    assert any(len(r) == MAX_REASONS for r in together)


class CountingCalls:
    """The real model, counting its predict_proba calls (everything else passes through)."""

    def __init__(self, model) -> None:
        self.model, self.calls, self.rows = model, 0, []

    def __getattr__(self, name):
        return getattr(self.model, name)

    def predict_proba(self, frame):
        self.calls += 1
        self.rows.append(len(frame))
        return self.model.predict_proba(frame)


def test_a_batch_costs_one_model_call(small_models, small_holdout, features, reference, texts):
    model = CountingCalls(small_models["logistic_regression"])
    rows = small_holdout[features].iloc[:50].reset_index(drop=True)
    score_with_reasons(model, rows, reference, texts)
    assert (model.calls, model.rows) == (1, [50 * (len(features) + 1)])


class Additive:
    """A stand-in model with known effects, for ties: p_default = 0.1 + 0.2 per risky value
    (each of features a, b, c, d, e, f: 1 is risky, 0 the reference)."""

    feature_names_in_ = np.array(list("abcdef"))
    classes_ = np.array(["bad", "good"])
    pos_label = "bad"
    weights = np.array([0.02, 0.1, 0.05, 0.1, 0.1, 0.1])

    def predict_proba(self, frame):
        bad = 0.1 + frame[list("abcdef")].to_numpy(dtype=float) @ self.weights
        return np.column_stack([bad, 1 - bad])


def test_ties_in_feature_order_at_most_four_never_a_feature_at_the_reference():
    texts = {f: f.upper() for f in "abcdef"}
    reference = dict.fromkeys("abcdef", 0.0)
    rows = pd.DataFrame([[1, 1, 1, 1, 1, 1], [1, 0, 1, 0, 0, 0], [0] * 6], columns=list("abcdef"))
    reasons = principal_reasons(Additive(), rows, reference, texts)
    told = [[r["feature"] for r in row] for row in reasons]
    assert told == [["b", "d", "e", "f"], ["c", "a"], []]
    assert reasons[1] == [{"feature": "c", "reason": "C"}, {"feature": "a", "reason": "A"}]


def test_a_feature_without_a_text_is_a_config_error(small_models, small_holdout, features,
                                                    reference, texts):  # fmt: skip
    texts = {f: t for f, t in texts.items() if f != "Income"}
    with pytest.raises(ConfigError, match=r"'reasons\.Income' is missing"):
        principal_reasons(small_models["logistic_regression"], small_holdout[features],
                          reference, texts)  # fmt: skip
