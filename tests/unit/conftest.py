"""Unit fixtures: small fast models of every kind, the command line run as a user runs it, the
pipeline's stages run once for real on the sample, and corpora of bad params files.

`console` runs the installed `modelops` console script in a new process. `cli` runs the same
entry point (`modelops.cli:main`, what the script calls) in this process, so that corpora of
many bad inputs cost milliseconds a case rather than a Python start-up each; each corpus also
checks one case through `console` to show the two answer alike.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.cli import console as run_console
from support.cli import in_process as run_entry_point
from support.cli import one_error_line
from support.config import write_config

from modelops.config.params import TrainParams
from modelops.model.train import train_model

MODELOPS = str(Path(sys.executable).with_name("modelops"))
# The params file the corpora pass with --params: messages must name it, not a default.
GIVEN_PARAMS = "params-under-test.yaml"


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
    return {
        kind: TrainParams.model_validate({"model": kind, "seed": 42, "cv_folds": 3, kind: hp})
        for kind, hp in hyperparameters.items()
    }


@pytest.fixture(scope="session")
def small_models(small_train, features, target, business_params, fast_train_params) -> dict:
    """Model kind -> the fitted classifier train_model returns (threshold applied)."""
    return {
        kind: train_model(small_train, features, target, settings, business_params).classifier
        for kind, settings in fast_train_params.items()
    }


@pytest.fixture(scope="session")
def console():
    """console(cwd, *args): the installed `modelops` console script in a new process."""
    return run_console


@pytest.fixture(scope="session")
def cli():
    """cli(cwd, *args): the console script's entry point run in this process, in cwd: its exit
    code, stdout and stderr (an escaping exception printed as Python would, exit 1)."""
    return run_entry_point


@pytest.fixture(scope="session")
def cli_params(raw_params, sample_csv):
    """cli_params(folder, change, name): the sample's params, its one source the sample's CSV,
    edited by change(raw), written to folder/name; returns the path."""

    def write(folder: Path, change=lambda raw: None, name: str = "params.yaml") -> Path:
        raw = copy.deepcopy(raw_params)
        raw["ingest"]["sources"] = [{"name": "modeldata", "kind": "csv", "path": str(sample_csv)}]
        change(raw)
        return write_config(folder / name, raw)

    return write


@pytest.fixture(scope="session")
def one_line_error():
    """one_line_error(result, *words, code=2): that exit code and one 'error:' line (no
    traceback) containing each word; returns the line."""

    return one_error_line


@pytest.fixture(scope="session")
def stage_run(tmp_path_factory, cli, cli_params, contract_file) -> Path:
    """A folder where ingest, validate, split, train and evaluate ran on the sample (params.yaml,
    raw, validated, quarantine, train, test, model.skops, reports/): copy from it, never
    change it."""
    folder = tmp_path_factory.mktemp("stage_run")
    cli_params(folder)
    settings = ("--params", "params.yaml", "--contract", contract_file)
    commands = [
        ("ingest", "--output", "raw.parquet", "--params", "params.yaml"),
        ("validate", "--input", "raw.parquet", "--output", "validated.parquet",
         "--quarantine", "quarantine.csv", "--report", "data_quality.json", *settings),
        ("split", "--input", "validated.parquet", "--train-output", "train.parquet",
         "--test-output", "test.parquet", *settings),
        ("train", "--train", "train.parquet", "--test", "test.parquet", "--model", "model.skops",
         "--report", "training.json", *settings),
        ("evaluate", "--model", "model.skops", "--test", "test.parquet", "--train", "train.parquet",
         "--reports", "reports", *settings),
    ]  # fmt: skip
    for command in commands:
        done = cli(folder, *command)
        assert done.returncode == 0, f"{command[0]}: {done.stderr}"
    return folder


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under folder (relative name -> bytes): an output set's exact state."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="session")
def snapshot():
    """snapshot(folder): every file under it, relative name -> bytes."""
    return files_in


@pytest.fixture(scope="session")
def params_with(cli_params):
    """params_with(folder, edits): the cli params with dotted-key edits (`...` deletes) in
    folder/params.yaml; returns the path."""

    def write(folder: Path, edits: dict) -> Path:
        return cli_params(folder, lambda raw: [_put(raw, k, v) for k, v in edits.items()])

    return write


@pytest.fixture(scope="session")
def given_params() -> str:
    """The name the corpora give --params: the one error line must name it."""
    return GIVEN_PARAMS


@dataclass(frozen=True)
class Run:
    """One corpus case run: the result, the folder it ran in and the arguments it was given."""

    result: subprocess.CompletedProcess
    folder: Path
    args: tuple[str, ...]


@pytest.fixture(scope="session")
def run_params_corpus(tmp_path_factory, cli, cli_params):
    """run_params_corpus(cases, *args): {name: Run} of `modelops *args --params
    params-under-test.yaml`, each case in a folder of its own.

    A case is (name, params, words): params is a dict of edits to the sample params (dotted
    key -> value; `...` deletes the key), the file's text (str), a callable making it from
    its path, or None (no file). Path arguments are copied into each folder and passed by
    name: the last good outputs a failing run must leave as they were.
    """

    def run_all(cases, *args) -> dict[str, Run]:
        argv = (*(a.name if isinstance(a, Path) else a for a in args), "--params", GIVEN_PARAMS)
        runs = {}
        for name, params, _ in cases:
            folder = tmp_path_factory.mktemp(name)
            for arg in args:
                if isinstance(arg, Path):
                    shutil.copy2(arg, folder / arg.name)
            _write_params(folder / GIVEN_PARAMS, params, cli_params)
            runs[name] = Run(cli(folder, *argv), folder, argv)
        return runs

    return run_all


# What a refused `modelops train` must leave as it was: the last model and its report.
TRAIN_OUTPUTS = ("model.skops", "training.json")


@pytest.fixture(scope="session")
def train_corpus(run_params_corpus, stage_run, contract_file):
    """train_corpus(cases): run_params_corpus's {name: Run} of `modelops train` on the stage
    run's train and test rows, its last model and report copied into each case's folder."""

    def run_all(cases) -> dict[str, Run]:
        model, report = (stage_run / name for name in TRAIN_OUTPUTS)
        return run_params_corpus(cases, "train", "--train", stage_run / "train.parquet",
                                 "--test", stage_run / "test.parquet",
                                 "--model", model, "--report", report,
                                 "--contract", contract_file)  # fmt: skip

    return run_all


@pytest.fixture(scope="session")
def train_outputs_kept(stage_run):
    """train_outputs_kept(run): the case's last model and report are the bytes it was given."""

    def check(run: Run) -> None:
        for name in TRAIN_OUTPUTS:
            assert (run.folder / name).read_bytes() == (stage_run / name).read_bytes(), name

    return check


def _write_params(path: Path, params, cli_params) -> None:
    if isinstance(params, dict):
        cli_params(path.parent, lambda raw: [_put(raw, k, v) for k, v in params.items()], path.name)
    elif isinstance(params, str):
        path.write_text(params, encoding="utf-8")
    elif params is not None:
        params(path)


def _put(raw: dict, key: str, value) -> None:
    """Set (or with `...` delete) raw's dotted key: 'train.logistic_regression.C',
    'ingest.sources[0].path'; an index one past a list's end appends."""
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", key)]
    *path, last = parts
    for part in path:
        raw = raw[part]
    if value is ...:
        del raw[last]
    elif isinstance(raw, list) and last == len(raw):
        raw.append(value)
    else:
        raw[last] = value
