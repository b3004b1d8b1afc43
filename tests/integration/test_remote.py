"""`dvc push` to the default local remote, then `dvc pull` into a fresh clone, restores all."""

from __future__ import annotations

from support.repos import run


def test_push_then_pull_into_a_fresh_clone_restores_every_output(reproduced_repo, tmp_path):
    # The default remote is a folder beside the repository: no account, no server.
    run("dvc", "push", cwd=reproduced_repo)
    remote = reproduced_repo.parent / "modelops-dvc-remote"
    assert any(remote.rglob("*")), "the default remote folder stays empty after dvc push"

    # A clone beside the first one finds the same remote folder by the same relative path.
    clone = reproduced_repo.parent / "clone"
    run("git", "clone", "-q", str(reproduced_repo), str(clone), cwd=tmp_path)
    assert not (clone / "models/model.skops").exists()
    run("dvc", "pull", cwd=clone)

    for output in [
        "data/raw/applications.parquet",
        "data/processed/train.parquet",
        "data/processed/test.parquet",
        "models/model.skops",
    ]:
        assert (clone / output).read_bytes() == (reproduced_repo / output).read_bytes(), output
    assert "up to date" in run("dvc", "status", cwd=clone).stdout
