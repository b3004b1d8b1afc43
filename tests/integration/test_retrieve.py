"""Protects getting a pipeline output exactly as a commit recorded it: from the working tree,
the DVC cache, a DVC remote, a release bundle, or a rebuild at that commit with that commit's
own code; bytes that do not match that commit's dvc.lock are refused, and nothing is left
behind (no git worktree).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from support.repos import clone_folder, run, tool_env

from modelops.retrieve import Retrieved, Unavailable, file_md5, retrieve_output

MODEL = "models/model.skops"
TRAIN_CODE = "src/modelops/model/train.py"


def locked_md5(repo: Path, commit: str) -> str:
    """The model's md5 as the commit's dvc.lock records it (read here, not by modelops)."""
    lock = yaml.safe_load(run("git", "show", f"{commit}:dvc.lock", cwd=repo).stdout)
    (out,) = [o for o in lock["stages"]["train"]["outs"] if o["path"] == MODEL]
    return out["md5"]


def head(repo: Path) -> str:
    return run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()


def cache_file(repo: Path, md5: str) -> Path:
    return repo / ".dvc" / "cache" / "files" / "md5" / md5[:2] / md5[2:]


def lose_workspace_model(repo: Path) -> None:
    """The working tree holds another model (a change under review retrained it)."""
    (repo / MODEL).unlink()
    (repo / MODEL).write_bytes(b"another model")


def empty_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".dvc" / "cache")


def repro_with_its_own_code(repo: Path, stage: str) -> None:
    """`dvc repro stage` running the repository's own package, not the one this suite imports."""
    env = tool_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo / "src"), env.get("PYTHONPATH")]))
    done = subprocess.run(
        ["dvc", "repro", stage], cwd=repo, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def worktrees(repo: Path) -> list[str]:
    return run("git", "worktree", "list", cwd=repo).stdout.splitlines()


@pytest.fixture(scope="module")
def clean_repo(built_sample, tmp_path_factory) -> Path:
    """A copy of the built sample the tests here only read."""
    return clone_folder(built_sample, tmp_path_factory.mktemp("retrieve") / "repo")


@pytest.fixture
def repo(built_sample, tmp_path) -> Path:
    return clone_folder(built_sample, tmp_path / "repo")


def test_from_the_working_tree(clean_repo):
    commit = head(clean_repo)
    found = retrieve_output(clean_repo, commit, MODEL, rebuild=False)
    assert (found.source, found.path) == ("working tree", clean_repo / MODEL)
    assert found.md5 == locked_md5(clean_repo, commit) == file_md5(found.path)


def test_a_commit_whose_lock_records_no_such_output_is_unavailable(clean_repo):
    before_the_run = run("git", "rev-parse", "HEAD~1", cwd=clean_repo).stdout.strip()
    with pytest.raises(Unavailable, match=f"dvc.lock at {before_the_run[:8]} records no {MODEL}"):
        retrieve_output(clean_repo, before_the_run, MODEL)
    assert len(worktrees(clean_repo)) == 1


def test_from_the_dvc_cache_when_the_working_tree_changed(repo):
    commit = head(repo)
    lose_workspace_model(repo)
    found = retrieve_output(repo, commit, MODEL, rebuild=False)
    assert (found.source, found.path) == ("DVC cache", cache_file(repo, found.md5))
    assert found.md5 == locked_md5(repo, commit)


@pytest.mark.parametrize(
    "remote",
    [
        [],
        ["dvc", "remote", "add", "-d", "store", "{store}"],
        ["dvc", "remote", "add", "--local", "-d", "store", "{store}"],
    ],
    ids=["the project's default remote", "a remote added since", "a remote in config.local"],
)
def test_from_a_dvc_remote_into_an_empty_cache(repo, tmp_path, remote):
    # The project's default remote is a relative folder beside the repository, committed in
    # .dvc/config; a remote configured after the commit, or in config.local as CI does with
    # its credentials, is where the data is now.
    commit = head(repo)
    if remote:
        run(*(a.format(store=tmp_path / "store") for a in remote), cwd=repo)
    run("dvc", "push", MODEL, cwd=repo)
    empty_cache(repo)
    lose_workspace_model(repo)
    found = retrieve_output(repo, commit, MODEL, rebuild=False)
    assert found.source == "DVC remote"
    assert found.md5 == locked_md5(repo, commit) == file_md5(cache_file(repo, found.md5))


def test_from_a_release_bundle(repo, tmp_path):
    commit = head(repo)
    bundled = tmp_path / "bundle" / "model.skops"
    bundled.parent.mkdir()
    shutil.copyfile(repo / MODEL, bundled)
    other = tmp_path / "other-bundle.skops"
    other.write_bytes(b"a model of another version")
    empty_cache(repo)  # and the default remote is a folder nobody made
    lose_workspace_model(repo)
    found = retrieve_output(repo, commit, MODEL, bundles=[other, bundled], rebuild=False)
    assert (found.source, found.path) == ("release bundle", bundled)
    assert found.md5 == locked_md5(repo, commit)


def test_cached_bytes_that_are_not_the_lock_s_hash_are_refused(repo):
    commit = head(repo)
    expected = locked_md5(repo, commit)
    lose_workspace_model(repo)
    cached = cache_file(repo, expected)
    cached.chmod(0o644)  # DVC keeps cache files read-only
    cached.write_bytes(b"a tampered model")
    tampered = file_md5(cached)
    with pytest.raises(Unavailable) as refused:
        retrieve_output(repo, commit, MODEL, rebuild=False)
    message = str(refused.value)
    assert message.startswith(f"{MODEL} at {commit[:8]}: ")
    assert f"DVC cache: hash {tampered} is not dvc.lock's {expected}" in message
    assert f"working tree: hash {file_md5(repo / MODEL)} is not dvc.lock's {expected}" in message
    assert "DVC remote:" in message


# A rebuild: the model of an earlier commit whose code differs from the code at HEAD (and from
# this environment's), from an empty cache and with no reachable remote.


class Rebuilt(NamedTuple):
    repo: Path
    earlier: str  # the commit rebuilt
    earlier_md5: str  # its model's md5 in its dvc.lock
    original_md5: str  # the model the code at HEAD (and this suite's) makes
    found: Retrieved


@pytest.fixture(scope="module")
def rebuilt(built_sample, tmp_path_factory) -> Rebuilt:
    """The earlier commit's model, retrieved with an empty cache and no reachable remote."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("rebuild") / "repo")
    original_md5 = locked_md5(repo, "HEAD")
    code = (repo / TRAIN_CODE).read_text(encoding="utf-8")
    # A behaviour change with a visible effect on the model: a rounded decision threshold.
    changed = code.replace("threshold = choose_threshold(", "threshold = round(choose_threshold(")
    closing = "weights[rows],\n        )\n        y = train"
    assert closing in changed, "the edit did not apply"
    changed = changed.replace(closing, closing.replace(")", "), 2)"))
    assert changed.count("round(") == code.count("round(") + 1, "the edit did not apply"
    (repo / TRAIN_CODE).write_text(changed, encoding="utf-8")
    repro_with_its_own_code(repo, "train")
    run("git", "commit", "-q", "-am", "round the threshold", cwd=repo)
    earlier = head(repo)
    (repo / TRAIN_CODE).write_text(code, encoding="utf-8")
    run("git", "commit", "-q", "-am", "threshold as it was", cwd=repo)  # HEAD: the old code
    empty_cache(repo)  # and the default remote is a folder nobody made
    lose_workspace_model(repo)
    found = retrieve_output(repo, earlier, MODEL)
    return Rebuilt(repo, earlier, locked_md5(repo, earlier), original_md5, found)


def test_a_rebuild_gives_the_earlier_commit_s_model(rebuilt):
    assert rebuilt.found.source == "rebuild"
    assert rebuilt.found.md5 == rebuilt.earlier_md5 == file_md5(rebuilt.found.path)
    # The earlier code makes another model than the code at HEAD (and in this environment):
    # only a rebuild with the earlier commit's own code gives its hash.
    assert rebuilt.earlier_md5 != rebuilt.original_md5


def test_a_rebuilt_model_is_then_in_the_cache(rebuilt):
    assert file_md5(cache_file(rebuilt.repo, rebuilt.earlier_md5)) == rebuilt.earlier_md5
    again = retrieve_output(rebuilt.repo, rebuilt.earlier, MODEL, rebuild=False)
    assert (again.source, again.md5) == ("DVC cache", rebuilt.earlier_md5)


def test_a_rebuild_leaves_no_worktree_behind(rebuilt):
    assert len(worktrees(rebuilt.repo)) == 1, worktrees(rebuilt.repo)
    assert run("git", "status", "--porcelain", cwd=rebuilt.repo).stdout == ""
