"""Protects the project's own results: a rebuild from its sources, from an empty DVC cache,
gives exactly the committed dvc.lock and reports."""

from __future__ import annotations

from pathlib import Path

import yaml
from support.repos import run


def locked(text: str) -> set[tuple[str, str, str]]:
    """(deps or outs, path, md5) for every dependency and output a dvc.lock records."""
    stages = yaml.safe_load(text)["stages"].values()
    return {
        (kind, entry["path"], entry.get("md5", ""))
        for stage in stages
        for kind in ("deps", "outs")
        for entry in stage.get(kind, [])
    }


def what_differs(repo: Path) -> str:
    committed = locked(run("git", "show", "HEAD:dvc.lock", cwd=repo).stdout)
    changed = committed ^ locked((repo / "dvc.lock").read_text())
    outs = sorted({path for kind, path, _ in changed if kind == "outs"})
    deps = sorted({path for kind, path, _ in changed if kind == "deps"})
    return f"outputs: {', '.join(outs) or 'none'}\ndependencies: {', '.join(deps) or 'none'}"


def test_a_rebuild_from_the_sources_matches_the_committed_lock_and_reports(reproduced_repo):
    changed = run("git", "status", "--porcelain", cwd=reproduced_repo).stdout
    assert changed == "", (
        f"the rebuild differs from what is committed:\n{changed}{what_differs(reproduced_repo)}\n"
        "(after a change under src/: run `dvc repro` and commit dvc.lock and reports/)"
    )
    assert "up to date" in run("dvc", "status", cwd=reproduced_repo).stdout
