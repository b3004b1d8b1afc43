"""Registry fixtures: the real `modelops` and `gto` command lines, run in copies of the built
sample project."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support.repos import clone_folder, run

BIN = Path(sys.executable).parent


@pytest.fixture
def sample_repo(built_sample, tmp_path) -> Path:
    """A copy of the built sample project (reports and dvc.lock committed on main)."""
    return clone_folder(built_sample, tmp_path / "repo")


@pytest.fixture(scope="session")
def modelops():
    """modelops(cwd, *args): the installed console script; the exit code is the caller's."""
    return lambda cwd, *args: run(str(BIN / "modelops"), *args, cwd=cwd, check=False)


@pytest.fixture(scope="session")
def gto_json():
    """gto_json(cwd, *args): the real GTO command line with --json, parsed; fails on error."""
    return lambda cwd, *args: json.loads(run(str(BIN / "gto"), *args, "--json", cwd=cwd).stdout)


@pytest.fixture(scope="session")
def stage_holders(gto_json):
    """stage_holders(repo): {stage: [versions]} as `gto show credit-risk --json` reports it."""

    def holders(repo: Path) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for version in gto_json(repo, "show", "credit-risk"):
            for stage in version["stages"]:
                if stage["is_active"]:
                    found.setdefault(stage["stage"], []).append(version["version"])
        return found

    return holders


@pytest.fixture(scope="session")
def registry_tags():
    """registry_tags(repo): every credit-risk tag in the repository, as a set."""

    def tags(repo: Path) -> set[str]:
        listed = run("git", "tag", "--list", "credit-risk*", cwd=repo).stdout.split()
        return set(listed)

    return tags
