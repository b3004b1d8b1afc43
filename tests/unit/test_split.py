"""Protects the split: stratified, sized, reproducible, disjoint by id, and strict about the
target and a test size the data cannot serve."""

import pandas as pd
import pytest

from modelops.data.split import newest_outcome_rows, reference_rows, split_dataset
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


def with_feedback(sample: pd.DataFrame, n: int) -> pd.DataFrame:
    """The sample with its last n rows turned into feedback: one prediction an hour, given in
    shuffled order, two of them at the same time."""
    table = sample.copy()
    rows = table.index[-n:]
    hours = pd.Series(range(n)).sample(frac=1, random_state=0).to_numpy().copy()
    hours[hours == n - 1] = n - 2  # the two newest predictions at one time
    table.loc[rows, "prediction_id"] = [f"p{i:04d}" for i in range(n)]
    times = pd.Timestamp("2026-10-01", tz="UTC") + pd.to_timedelta(hours, unit="h")
    table["predicted_at"] = pd.Series(times, index=rows).reindex(table.index)
    return table


def test_the_newest_feedback_goes_to_test_and_older_feedback_to_train(sample):
    table = with_feedback(sample, 200)
    train, test = split_dataset(table, "Status", 0.2, 42, "applicant_id", 0.25)
    feedback = table[table["predicted_at"].notna()]
    newest = feedback.sort_values(["predicted_at", "prediction_id"]).tail(50)
    assert set(test["prediction_id"].dropna()) == set(newest["prediction_id"])
    # The original rows alone are split stratified, test_size of them to test.
    assert test["predicted_at"].isna().sum() == round(0.2 * (len(table) - 200))
    assert train["predicted_at"].notna().sum() == 150
    assert train["predicted_at"].max() <= newest["predicted_at"].min()
    assert len(train) + len(test) == len(table)


def grown(sample: pd.DataFrame, n: int) -> pd.DataFrame:
    """The sample, then n feedback rows after it (copies of its first rows, new ids)."""
    rows = sample.head(n).copy()
    rows["applicant_id"] = [f"fb-{i:04d}" for i in range(n)]
    rows["prediction_id"] = [f"p{i:04d}" for i in range(n)]
    rows["predicted_at"] = pd.Timestamp("2026-10-01", tz="UTC") + pd.to_timedelta(range(n), "h")
    return pd.concat([sample, rows], ignore_index=True)


def test_the_reference_rows_do_not_move_as_feedback_grows(sample):
    """Every retrain is judged on the same reference rows: feedback never reshuffles them."""
    _, before = split_dataset(sample, "Status", 0.2, 42, "applicant_id", 0.2)
    for n in (40, 160):
        train, test = split_dataset(grown(sample, n), "Status", 0.2, 42, "applicant_id", 0.2)
        kept = test[reference_rows(test)]
        assert list(kept["applicant_id"]) == list(before["applicant_id"])
        assert newest_outcome_rows(test).sum() == round(0.2 * n)
        assert not set(train["applicant_id"]) & set(kept["applicant_id"])


def test_no_prediction_is_in_both_train_and_test(sample):
    train, test = split_dataset(with_feedback(sample, 200), "Status", 0.2, 42, None, 0.25)
    assert set(train["prediction_id"].dropna()).isdisjoint(test["prediction_id"].dropna())
    assert train["prediction_id"].notna().sum() + test["prediction_id"].notna().sum() == 200


def test_newest_ties_are_broken_by_prediction_id(sample):
    table = with_feedback(sample, 200)
    _, test = split_dataset(table, "Status", 0.2, 42, "applicant_id", 1 / 200)
    tied = table[table["predicted_at"] == table["predicted_at"].max()]["prediction_id"]
    assert len(tied) == 2
    recent = set(test["prediction_id"].dropna()) & set(tied)
    assert recent == {max(tied)}


def test_without_feedback_rows_the_split_is_the_one_it_always_was(parts, sample):
    for share in (0.0, 0.2, 1.0):
        again = split_dataset(sample, "Status", 0.2, 42, "applicant_id", share)
        for part, repeat in zip(parts, again, strict=True):
            pd.testing.assert_frame_equal(part, repeat)
    # Provenance columns that are there but empty (no feedback rows) change nothing either.
    empty = sample.assign(predicted_at=pd.NaT, prediction_id=None)
    _, test = split_dataset(empty, "Status", 0.2, 42, "applicant_id", 0.2)
    pd.testing.assert_frame_equal(test[sample.columns], parts[1])
