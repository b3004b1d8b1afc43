"""Protects the reference profile and the counting of live rows into it: the bins a known
series gets, unseen and missing values counted apart, streaming equal to one pass, and a
profile read back from JSON equal to the one written (a bad one refused, naming what)."""

import json

import numpy as np
import pandas as pd
import pytest

from modelops.monitor.profile import BinCounts, FeatureProfile, profile_feature, score_profile


def test_numbers_are_cut_at_quantiles_with_each_bin_closed_on_the_right():
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, None, None], name="x")
    profile = profile_feature(values, "number", bins=4)
    assert profile.edges == (2.0, 4.0, 6.0)
    assert profile.shares == (0.25, 0.25, 0.25, 0.25)
    assert profile.missing == 0.2
    assert profile.labels() == ["≤ 2", "2 to 4", "4 to 6", "> 6"]
    counts = BinCounts(profile)
    counts.add(pd.Series([2.0, 2.5, 100.0, -5.0]))  # a value on a cut point closes its bin
    assert counts.counts.tolist() == [2, 1, 0, 1]


@pytest.mark.parametrize(
    ("values", "edges", "shares"),
    [
        ([0] * 80 + [1] * 10 + [5] * 10, (0.0, 1.0), (0.8, 0.1, 0.1)),
        ([0] * 80 + [5] * 20, (0.0,), (0.8, 0.2)),  # no bin above the maximum
        ([3] * 10, (), (1.0,)),
    ],
    ids=["ties", "ties_at_the_top", "constant"],
)
def test_repeated_values_give_fewer_bins_not_empty_ones(values, edges, shares):
    profile = profile_feature(pd.Series(values, name="Debt"), "number", bins=10)
    assert (profile.edges, profile.shares) == (edges, shares)


def test_an_unseen_category_lands_in_its_own_bin_and_missing_is_counted_apart():
    profile = profile_feature(
        pd.Series(["rent", "owner", "rent", None], name="Home"), "category", 10
    )
    assert profile.categories == ("owner", "rent")
    assert profile.shares == (1 / 3, 2 / 3, 0.0)
    assert profile.missing == 0.25
    assert profile.labels() == ["owner", "rent", "(unseen)"]
    counts = BinCounts(profile)
    counts.add(np.array(["castle", "rent", None, None], dtype=object))
    assert counts.counts.tolist() == [0, 1, 1]
    assert (counts.rows, counts.missing, counts.missing_share()) == (4, 2, 0.5)
    assert counts.shares().tolist() == [0.0, 0.5, 0.5]


def test_numbers_arriving_as_int_float_or_none_are_counted_alike():
    profile = profile_feature(pd.Series([10.0, 20.0, 30.0, 40.0], name="Age"), "number", 2)
    counts = BinCounts(profile)
    counts.add(np.array([10, None, 40.0, 20], dtype=object))
    assert (counts.counts.tolist(), counts.missing) == ([2, 1], 1)


def test_counting_in_three_chunks_equals_one_pass(sample):
    for column, kind in (("Income", "number"), ("Home", "category")):
        profile = profile_feature(sample[column], kind, bins=10)
        whole, chunked = BinCounts(profile), BinCounts(profile)
        whole.add(sample[column])
        for chunk in np.array_split(np.arange(len(sample)), 3):
            chunked.add(sample[column].iloc[chunk])
        assert chunked.counts.tolist() == whole.counts.tolist()
        assert (
            (chunked.rows, chunked.missing)
            == (whole.rows, whole.missing)
            == (
                len(sample),
                sample[column].isna().sum(),
            )
        )
        # Counting the reference into its own profile gives back its shares.
        assert np.allclose(whole.shares(), profile.shares)


@pytest.mark.parametrize(
    "profile",
    [
        profile_feature(pd.Series([1.5, 2.0, None, 9.0], name="x"), "number", 3),
        profile_feature(pd.Series(["a", "b", None], name="y"), "category", 3),
        score_profile(np.linspace(0, 1, 101), 10),
    ],
    ids=["number", "category", "score"],
)
def test_a_profile_read_back_from_json_is_the_one_written(profile):
    assert FeatureProfile.from_dict(json.loads(json.dumps(profile.as_dict()))) == profile


GOOD = {"kind": "number", "edges": [1.0, 2.0], "categories": [], "shares": [0.5, 0.25, 0.25],
        "missing": 0.1}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"kind": "text"}, "kind must be one of"),
        ({"edges": [2.0, 1.0]}, "edges must be strictly increasing"),
        ({"edges": [1.0, "x"]}, "edges must be a list of finite numbers"),
        ({"shares": [0.5, 0.5]}, "one value per bin (3), got 2"),
        ({"shares": [0.5, 0.5, 0.5]}, "sum to 1"),
        ({"missing": 1.5}, "missing must be a share"),
        ({"categories": ["a"]}, "a number has edges and no categories"),
        ({"bins": 3}, "exactly the keys"),
    ],
    ids=["kind", "edges_order", "edges_type", "shares_count", "shares_sum", "missing",
         "categories_on_number", "extra_key"],
)  # fmt: skip
def test_an_inconsistent_profile_is_refused_naming_what(change, words):
    FeatureProfile.from_dict(GOOD)  # the unchanged one is accepted
    with pytest.raises(ValueError, match=None) as caught:
        FeatureProfile.from_dict({**GOOD, **change})
    assert words in str(caught.value)


def test_a_reference_without_values_cannot_be_profiled():
    with pytest.raises(ValueError, match="'Income' has no values"):
        profile_feature(pd.Series([None, None], name="Income", dtype=float), "number", 10)
