"""Fixtures shared by every test folder: the suite's own sample (tests/fixtures/sample), read
as it is, so that tests pass whatever a fork puts in params.yaml and the contract.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.browser import browser  # noqa: F401  (a fixture: Debian's Chromium)
from support.cli import one_error_line

from modelops.config.contract import Contract, load_contract
from modelops.config.layout import read_sections
from modelops.config.params import Params, load_params
from modelops.model.train import Target

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJECT_ROOT / "tests" / "fixtures" / "sample"
SAMPLE_CSV = SAMPLE_DIR / "credit.csv"
SAMPLE_PARAMS = SAMPLE_DIR / "params.yaml"
SAMPLE_CONTRACT = SAMPLE_DIR / "contract.yaml"

# DVC, GTO and dvclive send usage data unless told not to.
os.environ["DO_NOT_TRACK"] = "1"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def sample() -> pd.DataFrame:
    """The sample's applications (do not modify: copy first)."""
    return pd.read_csv(SAMPLE_CSV)


@pytest.fixture(scope="session")
def sample_csv() -> Path:
    return SAMPLE_CSV


@pytest.fixture(scope="session")
def raw_params() -> dict:
    """The sample's config files' sections as one mapping (tests copy before changing it and
    write it back with support.config.write_config, each section into its owner's file)."""
    return read_sections(SAMPLE_PARAMS)


@pytest.fixture(scope="session")
def raw_contract() -> dict:
    """The sample's contract as a mapping (tests copy before changing it)."""
    return yaml.safe_load(SAMPLE_CONTRACT.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_params() -> Params:
    return load_params(SAMPLE_PARAMS)


@pytest.fixture(scope="session")
def sample_contract() -> Contract:
    return load_contract(SAMPLE_CONTRACT)


@pytest.fixture(scope="session")
def contract_file() -> Path:
    return SAMPLE_CONTRACT


@pytest.fixture(scope="session")
def params_file() -> Path:
    return SAMPLE_PARAMS


@pytest.fixture(scope="session")
def features(sample_params) -> list[str]:
    return list(sample_params.data.features)


@pytest.fixture(scope="session")
def target(sample_contract) -> Target:
    return Target(sample_contract.target.column, sample_contract.target.positive)


@pytest.fixture(scope="session")
def business_params(sample_params):
    return sample_params.business


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory, project_root) -> Path:
    """A sample project after a real `dvc repro`, committed on main: copy it, never change it
    (clone_folder in support.repos). Built once per session, when a test first asks."""
    from support.repos import build_sample_project

    return build_sample_project(project_root, tmp_path_factory.mktemp("built_sample") / "repo")


# The slow tier: real `dvc repro` in temporary repositories, workflows run with act.
# `make test-fast` leaves it out; `make test` (and CI) runs everything.
SLOW_FOLDERS = ("integration", "workflows")


# The act files, longest first (minutes each, most of it waiting on the jobs). `make test`
# hands whole files to the two workers in collection order: these go first, so the quick
# files fill the gaps after them instead of one worker finishing alone on an act file.
LONGEST_FIRST = (
    "workflows/test_monitor_workflow.py",
    "workflows/test_deploy_workflow.py",
    "workflows/test_release_workflow.py",
    "workflows/test_ci_workflow.py",
)


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        folder = Path(item.path).relative_to(PROJECT_ROOT / "tests").parts[0]
        if folder in SLOW_FOLDERS or "built_sample" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_start_rank)  # stable: each file's tests keep their order


def _start_rank(item) -> int:
    """0.. for the act files, then the slow tier, then everything else."""
    path = Path(item.path).relative_to(PROJECT_ROOT / "tests").as_posix()
    if path in LONGEST_FIRST:
        return LONGEST_FIRST.index(path)
    return len(LONGEST_FIRST) + (0 if item.get_closest_marker("slow") else 1)


@pytest.fixture(scope="session")
def error_line():
    """error_line(result): the one `error: ...` line a refused command printed, checked."""

    return lambda result: one_error_line(result, code=None)
