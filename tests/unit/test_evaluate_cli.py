"""Protects `modelops evaluate` as one output set: when it fails after starting (a test set it
cannot judge, a model trained on other features) it exits 2 with one line and every previous
report stays byte-identical."""

import shutil

import pandas as pd
import pytest


@pytest.fixture
def folder(tmp_path, stage_run, cli_params):
    shutil.copytree(stage_run / "reports", tmp_path / "reports")
    shutil.copy2(stage_run / "model.skops", tmp_path / "model.skops")
    shutil.copy2(stage_run / "train.parquet", tmp_path / "train.parquet")
    cli_params(tmp_path)
    return tmp_path


def evaluate(cli, folder, contract_file, test_set):
    test_set.to_parquet(folder / "test.parquet", index=False)
    return cli(folder, "evaluate", "--model", "model.skops", "--test", "test.parquet",
               "--train", "train.parquet", "--reports", "reports", "--contract", contract_file,
               "--params", "params.yaml")  # fmt: skip


@pytest.fixture(scope="module")
def test_set(stage_run) -> pd.DataFrame:
    return pd.read_parquet(stage_run / "test.parquet")


def test_test_set_without_a_segment_column(
    cli, folder, contract_file, test_set, stage_run, snapshot, one_line_error
):
    result = evaluate(cli, folder, contract_file, test_set.drop(columns="Marital"))
    one_line_error(result, "column 'Marital' is not in the test set")
    assert snapshot(folder / "reports") == snapshot(stage_run / "reports")


def test_test_set_of_one_class(
    cli, folder, contract_file, test_set, stage_run, snapshot, one_line_error
):
    result = evaluate(cli, folder, contract_file, test_set[test_set["Status"] == "good"])
    one_line_error(result, "one value of 'Status' only")
    assert snapshot(folder / "reports") == snapshot(stage_run / "reports")


def test_params_features_other_than_the_models_name_both(
    cli, cli_params, folder, contract_file, test_set, stage_run, snapshot, one_line_error
):
    cli_params(folder, lambda raw: raw["data"]["features"].remove("Price"), "fewer.yaml")
    result = cli(folder, "evaluate", "--model", "model.skops",
                 "--test", stage_run / "test.parquet", "--train", stage_run / "train.parquet",
                 "--reports", "reports",
                 "--contract", contract_file, "--params", "fewer.yaml")  # fmt: skip
    line = one_line_error(result, "model.skops was trained on features", "fewer.yaml data.features")
    trained, listed = line.split(" but ")
    assert "'Price'" in trained and "'Price'" not in listed
    assert snapshot(folder / "reports") == snapshot(stage_run / "reports")
