"""The data-contract tests' fixtures: `modelops validate` run for real on files in a tmp folder.

Every run gets explicit --contract and --params (the project's own). Corpus runs find a last
good validated table and quarantine at their --output and --quarantine paths, so a failing
run can be seen to leave both as they were.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

from modelops.contract import load_contract
from modelops.ingest import read_table_file
from modelops.quality import validate_against_contract

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


@pytest.fixture(scope="session")
def contract_file(project_root) -> Path:
    return project_root / "data" / "contract.yaml"


@pytest.fixture(scope="session")
def validate_cli(project_root, contract_file):
    """validate_cli(folder, input, *options): the installed console script, run in folder.

    outputs=True adds --output, --quarantine and --report (KEPT names and report.json).
    """
    modelops = str(Path(sys.executable).with_name("modelops"))
    params = str(project_root / "params.yaml")

    def run(folder: Path, input_name: str, *options: str, contract=None, outputs=False) -> Run:
        args = [modelops, "validate", "--input", input_name, "--contract",
                str(contract or contract_file), "--params", params, *options]  # fmt: skip
        args += OUTPUTS if outputs else ()
        done = subprocess.run(args, cwd=folder, capture_output=True, text=True, check=False)
        return Run(done.returncode, done.stdout, done.stderr, folder, folder / input_name)

    return run


@pytest.fixture(scope="session")
def validate_in_process(contract_file, data_params):
    """validate_in_process(path): the Validation `modelops validate` computes for the file."""
    contract = load_contract(contract_file)
    column = data_params.source_column
    return lambda path: validate_against_contract(read_table_file(path, column), contract, column)


@pytest.fixture(scope="session")
def sample_bytes(project_root) -> bytes:
    return (project_root / "data" / "external" / "credit.csv").read_bytes()


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
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            runs = pool.map(
                lambda name: validate_cli(folders[name], f"{name}.csv", outputs=True), folders
            )
            return dict(zip(folders, runs, strict=True))

    return run_all


@pytest.fixture
def write_contract(tmp_path, contract_file):
    """write_contract(change): a copy of the project's contract, edited by change, in tmp_path."""

    def write(change) -> Path:
        raw = yaml.safe_load(contract_file.read_text(encoding="utf-8"))
        change(raw)
        path = tmp_path / "contract.yaml"
        path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        return path

    return write
