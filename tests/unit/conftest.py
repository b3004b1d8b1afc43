"""Unit fixtures: small fast models of every kind, and the command line as a user runs it."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from modelops.params import TrainParams
from modelops.train import train_model


@pytest.fixture(scope="session")
def small_train(sample):
    """The first 300 rows of the sample; small_holdout is 200 rows the models never saw."""
    return sample.iloc[:300].reset_index(drop=True)


@pytest.fixture(scope="session")
def small_holdout(sample):
    return sample.iloc[300:500].reset_index(drop=True)


@pytest.fixture(scope="session")
def fast_train_params() -> dict[str, TrainParams]:
    """Settings under which the three kinds train on 300 rows in about a second together."""
    hyperparameters = {
        "logistic_regression": {"C": 1.0, "max_iter": 2000},
        "random_forest": {"n_estimators": 20, "min_samples_leaf": 3, "n_jobs": 1},
        "hist_gradient_boosting": {"max_iter": 20, "max_leaf_nodes": 7},
    }
    return {kind: TrainParams(kind, 42, 3, hp) for kind, hp in hyperparameters.items()}


@pytest.fixture(scope="session")
def small_models(small_train, data_params, business_params, fast_train_params) -> dict:
    """Model kind -> the fitted classifier train_model returns (threshold applied)."""
    return {
        kind: train_model(small_train, data_params, settings, business_params).classifier
        for kind, settings in fast_train_params.items()
    }


@pytest.fixture(scope="session")
def cli():
    """cli(cwd, *args): run the installed `modelops` console script, as a user would."""
    modelops = str(Path(sys.executable).with_name("modelops"))
    return lambda cwd, *args: subprocess.run(
        [modelops, *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def cli_params(raw_params, project_root):
    """cli_params(folder, change): the project's params reading the sample, edited by change."""
    csv = str(project_root / "data" / "external" / "credit.csv")

    def write(folder: Path, change=lambda raw: None) -> None:
        raw = copy.deepcopy(raw_params)
        raw["ingest"]["sources"] = [{"name": "modeldata", "kind": "csv", "path": csv}]
        change(raw)
        (folder / "params.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")

    return write


@pytest.fixture(scope="session")
def one_line_error():
    """one_line_error(result, *names): exit 2 and one 'error:' line (no traceback) naming each."""

    def check(result: subprocess.CompletedProcess, *names: str) -> None:
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: ")
        assert all(name in lines[0] for name in names), lines[0]

    return check
