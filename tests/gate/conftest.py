"""Gate fixtures: gate settings built in the test, small git repositories, copies of the built
sample project, and the real command lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support.config import write_config
from support.repos import clone_folder, run

from modelops.config.layout import read_sections
from modelops.config.params import GateParams

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def gate_settings():
    """gate_settings(**fields): GateParams for credit-risk with no rule but the ones given."""
    return lambda **fields: GateParams.model_validate({"artifact": "credit-risk", **fields})


@pytest.fixture
def git_repo(tmp_path):
    """A new git repository on branch main; commit(files, message) writes, commits, returns sha."""
    repo = tmp_path / "repo"
    repo.mkdir()
    run("git", "init", "-q", "-b", "main", cwd=repo)

    def commit(files: dict[str, object], message: str = "change") -> str:
        for name, content in files.items():
            path = repo / name
            path.parent.mkdir(parents=True, exist_ok=True)
            text = content if isinstance(content, str) else json.dumps(content)
            path.write_text(text, encoding="utf-8")
        run("git", "add", "-A", cwd=repo)
        run("git", "commit", "-q", "--allow-empty", "-m", message, cwd=repo)
        return run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()

    return repo, commit


@pytest.fixture
def sample_repo(built_sample, tmp_path) -> Path:
    """A copy of the built sample project (reports and dvc.lock committed on main)."""
    return clone_folder(built_sample, tmp_path / "repo")


@pytest.fixture(scope="module")
def gated_sample(built_sample, tmp_path_factory) -> Path:
    """The built sample with this change's verdict (reports/gate.json, a passing gate run):
    copy it with gated_copy(tmp_path), never change it."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("gated") / "repo")
    run(str(BIN / "modelops"), "gate", cwd=repo)
    return repo


@pytest.fixture
def gated_copy(gated_sample, tmp_path) -> Path:
    """A copy of gated_sample to change freely."""
    return clone_folder(gated_sample, tmp_path / "repo")


@pytest.fixture(scope="session")
def modelops():
    """modelops(cwd, *args): the installed console script, run as a user would."""
    return lambda cwd, *args: run(str(BIN / "modelops"), *args, cwd=cwd, check=False)


@pytest.fixture(scope="session")
def gto():
    """gto(cwd, *args): the real GTO command line of this venv; fails the test on error."""
    return lambda cwd, *args: run(str(BIN / "gto"), *args, cwd=cwd)


@pytest.fixture(scope="module")
def branch_of_built_sample(built_sample, tmp_path_factory):
    """branch_of_built_sample(name): a copy of the built sample on a new branch `name` off
    main, for one module's change."""

    def branch(name: str) -> Path:
        repo = clone_folder(built_sample, tmp_path_factory.mktemp(name) / "repo")
        run("git", "checkout", "-q", "-b", name, cwd=repo)
        return repo

    return branch


@pytest.fixture(scope="session")
def set_params():
    """set_params(repo, {"train.model": "x", ...}): change params.yaml keys by dotted name."""

    def change(repo: Path, values: dict[str, object]) -> None:
        path = repo / "params.yaml"
        raw = read_sections(path)
        for key, value in values.items():
            *sections, last = key.split(".")
            section = raw
            for name in sections:
                section = section[name]
            section[last] = value
        write_config(path, raw)

    return change


@pytest.fixture(scope="session")
def reproduced():
    """reproduced(repo, message): `dvc repro` and commit everything, as a change is pushed."""

    def commit(repo: Path, message: str) -> None:
        run("dvc", "repro", cwd=repo)
        run("git", "add", "-A", cwd=repo)
        run("git", "commit", "-q", "-m", message, cwd=repo)

    return commit
