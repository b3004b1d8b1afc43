"""Repositories for real git and DVC runs: the project itself rebuilt from its sources, and
copies of the built sample project to change freely."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.repos import clone_folder, copy_project, run


@pytest.fixture(scope="session")
def reproduced_repo(tmp_path_factory, project_root) -> Path:
    """A committed copy of the project itself after a full `dvc repro` from an empty cache."""
    repo = copy_project(project_root, tmp_path_factory.mktemp("project") / "repo")
    run("dvc", "repro", cwd=repo)
    return repo


@pytest.fixture
def sample_repo(built_sample, tmp_path) -> Path:
    """A copy of the built sample project (history, outputs and DVC cache) for one test."""
    return clone_folder(built_sample, tmp_path / "repo")
