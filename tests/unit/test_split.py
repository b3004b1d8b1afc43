"""Protects the split: stratified, sized, reproducible, disjoint by id, and strict about the
target and a test size the data cannot serve."""

import pandas as pd
import pytest

from modelops.data.split import split_dataset
from modelops.errors import InputError, ParamsError


@pytest.fixture(scope="module")
def parts(sample):
    return split_dataset(sample, "Status", 0.2, 42, "applicant_id")


def bad_rate(df: pd.DataFrame) -> float:
    return float((df["Status"] == "bad").mean())


def test_both_parts_keep_the_bad_rate(parts, sample):
    for part in parts:
        assert abs(bad_rate(part) - bad_rate(sample)) < 0.01


def test_sizes_follow_test_size(parts, sample):
    train, test = parts
    assert len(test) == 891  # ceil(0.2 x 4454)
    assert len(train) + len(test) == len(sample)


def test_no_applicant_is_in_both_parts(parts, sample):
    train, test = parts
    assert set(train["applicant_id"]).isdisjoint(test["applicant_id"])
    assert set(train["applicant_id"]) | set(test["applicant_id"]) == set(sample["applicant_id"])


def test_same_seed_gives_the_same_split(parts, sample):
    again = split_dataset(sample, "Status", 0.2, 42)
    for part, repeat in zip(parts, again, strict=True):
        pd.testing.assert_frame_equal(part, repeat)


def test_another_seed_gives_another_split(parts, sample):
    _, other_test = split_dataset(sample, "Status", 0.2, 7)
    assert set(other_test["applicant_id"]) != set(parts[1]["applicant_id"])


def test_missing_target_column_is_named(sample):
    with pytest.raises(InputError, match="'Outcome'"):
        split_dataset(sample, "Outcome", 0.2, 42)


def test_missing_target_values_are_refused(sample):
    holed = sample.head(100).copy()
    holed.loc[3, "Status"] = None
    with pytest.raises(InputError, match="1 missing"):
        split_dataset(holed, "Status", 0.2, 42)


def test_an_id_in_both_parts_is_refused(sample):
    twice = pd.concat([sample, sample.head(50)], ignore_index=True)
    with pytest.raises(InputError, match="applicant_id values are in both train and test"):
        split_dataset(twice, "Status", 0.2, 42, "applicant_id")


def test_a_test_size_too_small_for_every_class_names_the_key(sample):
    with pytest.raises(ParamsError, match=r"'split\.test_size' 0\.0001 cannot hold every Status"):
        split_dataset(sample, "Status", 0.0001, 42)
