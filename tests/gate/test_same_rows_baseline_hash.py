"""Protects the baseline model's hash check through the gate: main's model in the DVC cache
replaced by other bytes (read-only, as DVC keeps it, so DVC itself trusts it), with no other
way to get it (no remote holds it; main's source is kept outside git, so a rebuild at main
cannot read it), is refused: every drop rule against main fails as "baseline model
unavailable", naming the hash that does not match dvc.lock's, and never falls back to main's
stored numbers.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest
import yaml
from support.repos import clone_folder, run

MODEL = "models/model.skops"


def locked_model_hash(repo, rev: str) -> str:
    lock = yaml.safe_load(run("git", "show", f"{rev}:dvc.lock", cwd=repo).stdout)
    return next(out["md5"] for out in lock["stages"]["train"]["outs"] if out["path"] == MODEL)


@pytest.fixture(scope="module")
def refused(built_sample, tmp_path_factory, set_params, reproduced, modelops):
    """A change (C 0.5) gated against main with main's cached model intact, then corrupted."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("hash") / "repo")
    # main's source leaves git (as a database would): a rebuild at main cannot run
    run("git", "rm", "-q", "--cached", "data/external/credit.csv", cwd=repo)
    with (repo / ".gitignore").open("a", encoding="utf-8") as ignore:
        ignore.write("/data/external/credit.csv\n")
    run("git", "commit", "-q", "-am", "The source is kept outside git", cwd=repo)
    run("git", "checkout", "-q", "-b", "change", cwd=repo)
    set_params(repo, {"train.logistic_regression.C": 0.5})
    reproduced(repo, "Regularise a bit more")
    intact = modelops(repo, "gate", "--baseline", "main")
    md5 = locked_model_hash(repo, "main")
    cached = repo / ".dvc/cache/files/md5" / md5[:2] / md5[2:]
    other = b"other bytes, not main's model\n"
    # Replaced and read-only again, as DVC keeps its cache: DVC itself trusts such a file.
    os.chmod(cached, 0o644)
    cached.write_bytes(other)
    os.chmod(cached, 0o444)
    corrupted = modelops(repo, "gate", "--baseline", "main")
    verdict = json.loads((repo / "reports/gate.json").read_text(encoding="utf-8"))
    return intact, corrupted, verdict, md5, hashlib.md5(other).hexdigest()


def test_intact_cached_model_is_compared(refused):
    intact, *_ = refused
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "its model on these rows: compared (models/model.skops from the DVC cache" in (
        intact.stdout
    )


def test_cached_model_with_another_hash_is_refused_naming_it(refused):
    _, corrupted, verdict, md5, other = refused
    assert corrupted.returncode == 1, corrupted.stdout + corrupted.stderr
    same = verdict["baselines"][0]["same_rows"]
    assert (same["status"], same["metrics"]) == ("baseline model unavailable", None)
    assert f"DVC cache: hash {other} is not dvc.lock's {md5}" in same["note"]
    assert all(f"{way}: " in same["note"] for way in ("working tree", "DVC remote", "rebuild"))
    against_main = [r for r in verdict["rules"] if r["rule"].endswith(" vs main")]
    assert len(against_main) == 6
    for rule in against_main:
        assert not rule["passed"] and rule["baseline"] is None  # no stored number instead
    # The reason is said once, by the first rule; the others name that rule.
    first, *others = against_main
    assert first["note"] == f"baseline model unavailable: {same['note']}"
    assert all(r["note"] == f"baseline model unavailable, as for {first['rule']}" for r in others)
