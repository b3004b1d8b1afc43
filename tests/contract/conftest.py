"""The data-contract tests' fixtures: `modelops validate` (and `modelops contract draft`) run
for real on files in a tmp folder.

Every run gets explicit --contract and --params (the suite's sample, tests/fixtures/sample).
Corpus runs find a last good validated table and quarantine at their --output and
--quarantine paths, so a failing run can be seen to leave both as they were.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from support.cli import console, in_process

from modelops.data.ingest import read_table_file
from modelops.data.validation import validate_against_contract

pytest.register_assert_rewrite("support.contract_corpus")

KEPT = ("validated.parquet", "quarantine.csv")  # outputs a failing run must leave as they were
OUTPUTS = ("--output", KEPT[0], "--quarantine", KEPT[1], "--report", "report.json")


@dataclass(frozen=True)
class Run:
    """One finished `modelops validate`: exit code, streams, and the folder it ran in."""

    returncode: int
    stdout: str
    stderr: str
    folder: Path
    input: Path

    def report(self) -> dict:
        return json.loads((self.folder / "report.json").read_text(encoding="utf-8"))

    def quarantine(self) -> pd.DataFrame:
        return pd.read_csv(self.folder / KEPT[1], keep_default_na=False)

    def kept(self) -> dict[str, bytes]:
        return {name: (self.folder / name).read_bytes() for name in KEPT}


def _validate(runner, contract_file, params_file):
    def run(folder: Path, input_name: str, *options: str, contract=None, outputs=False) -> Run:
        args = ["validate", "--input", input_name, "--contract", str(contract or contract_file),
                "--params", str(params_file), *options, *(OUTPUTS if outputs else ())]  # fmt: skip
        done = runner(folder, *args)
        return Run(done.returncode, done.stdout, done.stderr, folder, folder / input_name)

    return run


@pytest.fixture(scope="session")
def validate_cli(contract_file, params_file):
    """validate_cli(folder, input, *options): `modelops validate` run in folder, in process.

    outputs=True adds --output, --quarantine and --report (KEPT names and report.json).
    """
    return _validate(in_process, contract_file, params_file)


@pytest.fixture(scope="session")
def validate_console(contract_file, params_file):
    """validate_console(...): as validate_cli, through the installed console script."""
    return _validate(console, contract_file, params_file)


@pytest.fixture(scope="session")
def draft_cli(params_file):
    """draft_cli(folder, *options): `modelops contract draft` with the sample's --params."""

    def run(folder: Path, *options: str) -> subprocess.CompletedProcess:
        return in_process(folder, "contract", "draft", "--params", str(params_file), *options)

    return run


@pytest.fixture(scope="session")
def validate_in_process(sample_contract, sample_params):
    """validate_in_process(path): the Validation `modelops validate` computes for the file."""
    column = sample_params.data.source_column
    return lambda path: validate_against_contract(
        read_table_file(path, column), sample_contract, column
    )


@pytest.fixture(scope="session")
def sample_bytes(sample_csv) -> bytes:
    return sample_csv.read_bytes()


@pytest.fixture(scope="session")
def last_good(tmp_path_factory, validate_cli, sample, sample_bytes) -> dict[str, bytes]:
    """What `modelops validate` wrote for the sample with two ages out of range.

    Its quarantine is not empty, so a failing run that overwrote it could not go unseen.
    """
    from support.contract_corpus import put_at  # after register_assert_rewrite above

    folder = tmp_path_factory.mktemp("last_good")
    (folder / "good.csv").write_bytes(put_at("Age", 150, [0, 1])(sample, sample_bytes))
    run = validate_cli(folder, "good.csv", outputs=True)
    assert run.returncode == 0, run.stderr
    assert "4454 rows in, 0 corrected, 0 duplicates dropped, 2 quarantined, 4452 out" in run.stdout
    return run.kept()


def _in_turn(folders: dict[str, Path], run_one) -> dict[str, Run]:
    # In process, one at a time: the entry point changes the working folder.
    return {name: run_one(name) for name in folders}


@pytest.fixture(scope="session")
def run_corpus(tmp_path_factory, validate_cli, sample, sample_bytes, last_good):
    """run_corpus(variants): name -> Run of each, with the last good outputs in place before."""

    def run_all(variants) -> dict[str, Run]:
        folders = {}
        for variant in variants:
            folder = tmp_path_factory.mktemp(variant.name)
            (folder / f"{variant.name}.csv").write_bytes(variant.build(sample, sample_bytes))
            for name, data in last_good.items():
                (folder / name).write_bytes(data)
            folders[variant.name] = folder
        return _in_turn(
            folders, lambda name: validate_cli(folders[name], f"{name}.csv", outputs=True)
        )

    return run_all


@pytest.fixture(scope="session")
def run_contract_corpus(tmp_path_factory, validate_cli, contract_file, sample_bytes, last_good):
    """run_contract_corpus(cases): name -> Run of the sample validated under each case's
    contract (folder/contract.yaml), with the last good outputs in place before."""
    text = contract_file.read_text(encoding="utf-8")

    def run_all(cases) -> dict[str, Run]:
        folders = {}
        for case in cases:
            folder = tmp_path_factory.mktemp(case.name)
            (folder / "contract.yaml").write_text(case.edit(text), encoding="utf-8")
            (folder / "sample.csv").write_bytes(sample_bytes)
            for name, data in last_good.items():
                (folder / name).write_bytes(data)
            folders[case.name] = folder
        return _in_turn(
            folders,
            lambda name: validate_cli(
                folders[name], "sample.csv", outputs=True, contract=folders[name] / "contract.yaml"
            ),
        )

    return run_all


@pytest.fixture
def write_contract(tmp_path, contract_file):
    """write_contract(change): a copy of the sample's contract, edited by change, in tmp_path."""

    def write(change) -> Path:
        raw = yaml.safe_load(contract_file.read_text(encoding="utf-8"))
        change(raw)
        path = tmp_path / "contract.yaml"
        path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def other_credit() -> pd.DataFrame:
    """Another credit data set, as a fork would bring: 1,000 loans, 20 columns; coded categories
    in mixed case ("A11", "DM"), an amount sent as text, missing values, an id, and a target
    `class` coded 1 (repaid) and 2 (defaulted). Do not modify: copy first."""
    rng = np.random.default_rng(8)
    rows = 1000

    def codes(prefix: str, n: int, missing: int = 0) -> list:
        values = [f"{prefix}{i}" for i in range(1, n + 1)]
        drawn = rng.choice(values, rows).astype(object)
        drawn[rng.choice(rows, missing, replace=False)] = None
        return list(drawn)

    amounts = rng.integers(250, 18_425, rows)
    frame = pd.DataFrame({
        "loan_id": [f"L{i:05d}" for i in range(1, rows + 1)],
        "checking": codes("A1", 4), "history": codes("A3", 5), "savings": codes("A6", 5, 50),
        "employment": codes("A7", 5), "personal_status": codes("A9", 4),
        "property": codes("A12", 4), "job": codes("A17", 4),
        "purpose": rng.choice(["Car", "Furniture", "Radio/TV", "Education", "Business"], rows),
        "currency": rng.choice(["DM", "EUR"], rows, p=[0.9, 0.1]),
        "housing": rng.choice(["Own", "Rent", "For free"], rows),
        "telephone": rng.choice(["None", "Yes"], rows),
        "duration": rng.integers(4, 73, rows),
        "credit_amount": [f" {a} " if i % 7 == 0 else str(a) for i, a in enumerate(amounts)],
        "installment_rate": rng.integers(1, 5, rows),
        "age": rng.integers(19, 76, rows).astype(float),
        "existing_credits": rng.integers(1, 5, rows),
        "interest": rng.uniform(1.5, 9.5, rows).round(2),
        "remarks": [None] * rows,
        "class": rng.choice([1, 2], rows, p=[0.7, 0.3]),
    })  # fmt: skip
    frame.loc[rng.choice(rows, 30, replace=False), "age"] = np.nan
    return frame
