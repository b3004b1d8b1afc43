"""The git repository the registry, the gate and the report read from.

Refs, commits and committed files are looked up here; a folder that is not a repository, a
repository without commits or an unknown ref is an InputError, never "nothing found".
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from modelops.errors import InputError, shown_text


def git_output(repo: Path, *args: str) -> str | None:
    """What a git command prints, or None when it fails."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, errors="replace"
        )
    except FileNotFoundError:
        raise InputError("git is not installed (it is needed to read baselines and tags)") from None
    return result.stdout if result.returncode == 0 else None


def require_commits(repo: Path) -> str:
    """HEAD's commit; a folder outside git or a repository with no commit is an InputError."""
    if git_output(repo, "rev-parse", "--git-dir") is None:
        raise InputError(f"{repo} is not inside a git repository (run git init, then commit)")
    head = git_output(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if head is None:
        raise InputError(f"the git repository at {repo} has no commit yet")
    return head.strip()


def resolve_commit(repo: Path, ref: str) -> str:
    """The commit a branch, tag or sha names; an unknown ref is an InputError."""
    require_commits(repo)
    commit = git_output(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit is None:
        raise InputError(f"no ref '{shown_text(ref)}' in this repository (a branch, tag or commit)")
    return commit.strip()


def file_at(repo: Path, commit: str, path: str) -> str | None:
    """A file's text as committed at commit; None when the commit does not have it."""
    if git_output(repo, "cat-file", "-e", f"{commit}:{path}") is None:
        return None
    text = git_output(repo, "show", f"{commit}:{path}")
    if text is None:
        raise InputError(f"cannot read {path} at {commit[:8]}")
    return text
