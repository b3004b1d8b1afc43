"""Protects the project's data and model store: `dvc push` to the default local remote, then
`dvc pull` into a fresh clone, restores every output."""

from __future__ import annotations

import shutil

from support.repos import run


def test_push_then_pull_into_a_fresh_clone_restores_every_output(reproduced_repo, tmp_path):
    # The default remote is a folder beside the repository: no account, no server.
    run("dvc", "push", cwd=reproduced_repo)
    remote = reproduced_repo.parent / "modelops-dvc-remote"
    assert any(remote.rglob("*")), "the default remote folder stays empty after dvc push"

    # A clone beside the first one finds the same remote folder by the same relative path.
    clone = reproduced_repo.parent / "clone"
    run("git", "clone", "-q", str(reproduced_repo), str(clone), cwd=tmp_path)
    # The lock of what was pushed: whether it is the committed one is test_reproducible's concern.
    shutil.copy2(reproduced_repo / "dvc.lock", clone / "dvc.lock")
    outputs = run("dvc", "list", ".", "--dvc-only", "-R", cwd=clone).stdout.split()
    assert "models/model.skops" in outputs
    assert not any((clone / output).exists() for output in outputs)
    run("dvc", "pull", cwd=clone)

    for output in outputs:
        assert (clone / output).read_bytes() == (reproduced_repo / output).read_bytes(), output
    assert "up to date" in run("dvc", "status", cwd=clone).stdout
