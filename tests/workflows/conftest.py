"""A pull request in a throwaway repository, for running the workflows with act."""

from __future__ import annotations

import pytest
from support.repos import copy_project, run


@pytest.fixture
def pull_request_repo(tmp_path, project_root):
    """A clone of the project with `origin/main` and a checked-out branch `change`."""
    main = copy_project(project_root, tmp_path / "main")
    run("git", "clone", "-q", "--bare", str(main), str(tmp_path / "origin.git"), cwd=tmp_path)
    repo = tmp_path / "repo"
    run("git", "clone", "-q", str(tmp_path / "origin.git"), str(repo), cwd=tmp_path)
    run("git", "checkout", "-q", "-b", "change", cwd=repo)
    return repo


@pytest.fixture
def released_repo(tmp_path, project_root):
    """A clone of the project on main whose tags go to a bare `origin`, as on GitHub."""
    main = copy_project(project_root, tmp_path / "main")
    run("git", "clone", "-q", "--bare", str(main), str(tmp_path / "origin.git"), cwd=tmp_path)
    repo = tmp_path / "repo"
    run("git", "clone", "-q", str(tmp_path / "origin.git"), str(repo), cwd=tmp_path)
    return repo
