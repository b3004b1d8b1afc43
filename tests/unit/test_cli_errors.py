"""Protects `modelops train` on bad config: exit 2, one line naming the mistake, no model."""

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def train_set(tmp_path_factory, cli, cli_params) -> Path:
    """A training set written by the real `modelops ingest` and `modelops split` commands."""
    folder = tmp_path_factory.mktemp("cli")
    cli_params(folder)
    ingest = cli(folder, "ingest", "--output", "raw.parquet", "--params", "params.yaml")
    assert ingest.returncode == 0, ingest.stderr
    assert "4454 rows (modeldata 4454)" in ingest.stdout
    split = cli(folder, "split", "--input", "raw.parquet", "--train-output", "train.parquet",
                "--test-output", "test.parquet", "--params", "params.yaml")  # fmt: skip
    assert split.returncode == 0, split.stderr
    return folder / "train.parquet"


def train(cli, folder: Path, train_set: Path):
    return cli(folder, "train", "--train", str(train_set), "--model", "m.skops",
               "--report", "training.json", "--params", "params.yaml")  # fmt: skip


def test_unknown_model_name_is_named(cli, cli_params, one_line_error, train_set, tmp_path):
    cli_params(tmp_path, lambda raw: raw["train"].update(model="xgboost"))
    one_line_error(train(cli, tmp_path, train_set), "train.model", "xgboost")
    assert not (tmp_path / "m.skops").exists()


def test_absent_feature_is_named(cli, cli_params, one_line_error, train_set, tmp_path):
    cli_params(tmp_path, lambda raw: raw["data"]["numeric_features"].append("Salary"))
    one_line_error(train(cli, tmp_path, train_set), "'Salary'")
    assert not (tmp_path / "m.skops").exists()
