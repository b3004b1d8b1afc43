"""Protects `modelops split` as one output set: both sets are replaced together, and a failure
after the train set was written (the test set cannot be) leaves the previous outputs
byte-identical, so no applicant can end up in an old test set and a new train set."""

import shutil

import pandas as pd
import pytest


@pytest.fixture
def folder(tmp_path, stage_run, cli_params):
    """The validated table, and a previous train and test set that a new split would change."""
    shutil.copy2(stage_run / "validated.parquet", tmp_path / "validated.parquet")
    (tmp_path / "train.parquet").write_bytes(b"previous train set")
    (tmp_path / "test.parquet").write_bytes(b"previous test set")
    cli_params(tmp_path)
    return tmp_path


def split(cli, folder, contract_file, test_output="test.parquet"):
    return cli(folder, "split", "--input", "validated.parquet", "--train-output", "train.parquet",
               "--test-output", test_output, "--contract", contract_file,
               "--params", "params.yaml")  # fmt: skip


def test_split_replaces_both_sets(cli, folder, contract_file, stage_run):
    assert split(cli, folder, contract_file).returncode == 0
    for name in ("train.parquet", "test.parquet"):  # the same seed: the same bytes
        assert (folder / name).read_bytes() == (stage_run / name).read_bytes()


def test_unwritable_test_set_leaves_the_train_set(
    cli, folder, contract_file, snapshot, one_line_error
):
    (folder / "blocked").write_text("a file where the test set's folder should be")
    before = snapshot(folder)
    one_line_error(split(cli, folder, contract_file, "blocked/test.parquet"), "blocked")
    assert snapshot(folder) == before  # nothing replaced, no temporary left behind


def test_table_of_one_class_leaves_both_sets(cli, folder, contract_file, snapshot, one_line_error):
    table = pd.read_parquet(folder / "validated.parquet")
    table[table["Status"] == "good"].to_parquet(folder / "validated.parquet", index=False)
    before = snapshot(folder)
    one_line_error(split(cli, folder, contract_file), "'Status' has one value only")
    assert snapshot(folder) == before
