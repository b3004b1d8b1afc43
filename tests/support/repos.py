"""Real git repositories and tools for tests: copies of the project, commands run for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "modelops tests",
    "GIT_AUTHOR_EMAIL": "tests@modelops.invalid",
    "GIT_COMMITTER_NAME": "modelops tests",
    "GIT_COMMITTER_EMAIL": "tests@modelops.invalid",
}


def tool_env() -> dict[str, str]:
    """The environment for git, dvc and modelops: this venv's tools first, no telemetry."""
    env = dict(os.environ, **GIT_IDENTITY, DO_NOT_TRACK="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def run(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run a command in cwd; on an unexpected exit code, fail with its output."""
    result = subprocess.run(args, cwd=cwd, env=tool_env(), capture_output=True, text=True)
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def copy_project(source: Path, target: Path) -> Path:
    """Copy the files git would commit (tracked or not ignored) into a new repo, committed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        if (source / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)
    run("git", "init", "-q", "-b", "main", cwd=target)
    run("git", "add", "-A", cwd=target)
    # dvclive fails in a repository without commits: commit before the first repro.
    run("git", "commit", "-q", "-m", "project copy", cwd=target)
    return target
