"""A throwaway copy of the project as its own git repository, for real git and DVC runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.repos import copy_project, run


@pytest.fixture(scope="session")
def reproduced_repo(tmp_path_factory, project_root) -> Path:
    """A committed copy of the project after a full `dvc repro` from an empty cache."""
    repo = copy_project(project_root, tmp_path_factory.mktemp("work") / "repo")
    repo_outputs = [repo / "data/raw", repo / "data/processed", repo / "models"]
    for output in repo_outputs:
        shutil.rmtree(output, ignore_errors=True)
    run("dvc", "repro", cwd=repo)
    return repo
