"""Protects `modelops train` where only the training data show a problem: exit 2, one line
naming the params file given and the key (or the column), and the last model kept.
"""

import shutil

import pandas as pd
import pytest

KEPT = ("model.skops", "training.json")


@pytest.fixture
def folder(tmp_path, stage_run):
    for name in (*KEPT, "test.parquet"):
        shutil.copy2(stage_run / name, tmp_path / name)
    return tmp_path


def train(cli, folder, contract_file, params="params.yaml"):
    return cli(folder, "train", "--train", "train.parquet",
               "--test", "test.parquet", "--model", KEPT[0],
               "--report", KEPT[1], "--contract", contract_file, "--params", params)  # fmt: skip


def kept_as_before(folder, stage_run) -> bool:
    return all((folder / f).read_bytes() == (stage_run / f).read_bytes() for f in KEPT)


def test_more_folds_than_defaults_names_the_given_file_and_key(
    cli, cli_params, one_line_error, folder, stage_run, contract_file
):
    table = pd.read_parquet(stage_run / "train.parquet")
    bad = table["Status"] == "bad"
    pd.concat([table[bad].head(8), table[~bad].head(30)]).to_parquet(folder / "train.parquet")
    cli_params(folder, lambda raw: raw["train"].update(cv_folds=10), "chosen.yaml")
    result = train(cli, folder, contract_file, "chosen.yaml")
    one_line_error(result, "chosen.yaml: 'train.cv_folds' 10", "rarer class", "(8)")
    assert kept_as_before(folder, stage_run)


def test_feature_missing_from_the_training_set_is_named(
    cli, cli_params, one_line_error, folder, stage_run, contract_file
):
    table = pd.read_parquet(stage_run / "train.parquet")
    table.drop(columns="Income").to_parquet(folder / "train.parquet")
    cli_params(folder)
    one_line_error(train(cli, folder, contract_file), "feature 'Income'", "not a column")
    assert kept_as_before(folder, stage_run)
