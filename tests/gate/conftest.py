"""Gate fixtures: gate settings built in the test, small git repositories, the real CLI."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from support.repos import copy_project, run

from modelops.params import GateParams

NO_RULES = GateParams(
    artifact="credit-risk",
    stages=("prod",),
    floors={},
    ceilings={},
    max_drop={},
    segment_min_rows=0,
    segment_floors={},
    segment_max_gap={},
    max_quarantine_share=None,
)


@pytest.fixture(scope="session")
def gate_settings():
    """gate_settings(**fields): GateParams with no rule but the ones given."""
    return lambda **fields: replace(NO_RULES, **fields)


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


@pytest.fixture(scope="session")
def modelops():
    """modelops(cwd, *args): the installed console script, run as a user would."""
    script = str(Path(sys.executable).with_name("modelops"))
    return lambda cwd, *args: run(script, *args, cwd=cwd, check=False)


@pytest.fixture(scope="session")
def gto():
    """gto(cwd, *args): the real GTO command line of this venv; fails the test on error."""
    script = str(Path(sys.executable).with_name("gto"))
    return lambda cwd, *args: run(script, *args, cwd=cwd)


@pytest.fixture
def project_copy(tmp_path, project_root) -> Path:
    """The project's committed files as a new repository on main (reports included)."""
    return copy_project(project_root, tmp_path / "repo")
