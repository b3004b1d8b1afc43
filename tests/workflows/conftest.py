"""Throwaway clones of the project with a bare `origin`, for running the workflows with act."""

from __future__ import annotations

import pytest
from support.repos import copy_project, run


@pytest.fixture(scope="module")
def new_clone(tmp_path_factory, project_root):
    """Make a clone of the project on main whose pushes go to its own bare `origin`."""

    def clone(branch: str | None = None):
        work = tmp_path_factory.mktemp("workflow")
        main = copy_project(project_root, work / "main")
        run("git", "clone", "-q", "--bare", str(main), str(work / "origin.git"), cwd=work)
        repo = work / "repo"
        run("git", "clone", "-q", str(work / "origin.git"), str(repo), cwd=work)
        if branch:
            run("git", "checkout", "-q", "-b", branch, cwd=repo)
        return repo

    return clone
