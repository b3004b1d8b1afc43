"""Throwaway clones of the built sample project with a bare `origin`, for running the
workflows with act: they judge the suite's sample, whatever a fork puts in its own files."""

from __future__ import annotations

import pytest
from support.repos import run


@pytest.fixture(scope="module")
def new_clone(tmp_path_factory, built_sample):
    """Make a clone of the built sample project on main whose pushes go to its own origin."""

    def clone(branch: str | None = None):
        work = tmp_path_factory.mktemp("workflow")
        origin, repo = work / "origin.git", work / "repo"
        run("git", "clone", "-q", "--bare", str(built_sample), str(origin), cwd=work)
        run("git", "clone", "-q", str(origin), str(repo), cwd=work)
        if branch:
            run("git", "checkout", "-q", "-b", branch, cwd=repo)
        return repo

    return clone
