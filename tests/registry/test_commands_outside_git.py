"""Protects every command that reads git or the registry where there is no history to read:
the built sample's files (reports, verdict, report, model) outside a git repository and in a
repository without a commit. Each is exit 2 with one `error:` line saying so, writing nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.repos import clone_folder, run

COMMANDS = [
    ("gate",),
    ("report",),
    ("registry", "show"),
    ("registry", "register"),
    ("registry", "promote", "v0.1.0", "--stage", "prod"),
    ("registry", "rollback"),
    ("registry", "verify", "v0.1.0"),
    ("release", "bundle", "--version", "v0.1.0"),
]
PLACES = {"outside git": "git repository", "no commit yet": "has no commit yet"}


@pytest.fixture(scope="module")
def places(built_sample, tmp_path_factory) -> dict[str, Path]:
    """The sample's files, with a verdict and a report, in a plain folder and in a new repo."""
    root = tmp_path_factory.mktemp("no-history")
    project = clone_folder(built_sample, root / "project")
    run("modelops", "gate", cwd=project)
    run("modelops", "report", cwd=project)
    folder = shutil.copytree(project, root / "folder", ignore=shutil.ignore_patterns(".git"))
    empty = shutil.copytree(folder, root / "empty")
    run("git", "init", "-q", "-b", "main", cwd=empty)
    return {"outside git": folder, "no commit yet": empty}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_command_without_history_is_one_line_exit_2(places, modelops, error_line, place, command):
    folder = places[place]
    before = files(folder / "reports")
    result = modelops(folder, *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert PLACES[place] in error_line(result)
    assert files(folder / "reports") == before
    assert not (folder / "dist").exists()
