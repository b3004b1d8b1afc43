"""Protects against stale outputs behind a clean `dvc status`: a change to a package module
makes DVC report exactly the stages whose commands import it."""

from __future__ import annotations

import json
from pathlib import Path

from support.repos import run


def stale_stages(repo: Path) -> set[str]:
    status = json.loads(run("dvc", "status", "--json", cwd=repo).stdout)
    return {name.split(":")[-1] for name in status}


def touch(module: Path) -> None:
    """Change the file's bytes, not what it does."""
    module.write_text(module.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")


def test_a_module_only_evaluate_imports_makes_only_evaluate_stale(sample_repo):
    assert stale_stages(sample_repo) == set()
    touch(sample_repo / "src/modelops/model/plots.py")
    assert stale_stages(sample_repo) == {"evaluate"}


def test_a_module_train_evaluate_and_card_import_makes_the_three_stale(sample_repo):
    # train scores its candidate on the newest outcomes with evaluate's scoring
    touch(sample_repo / "src/modelops/model/evaluate.py")
    assert stale_stages(sample_repo) == {"train", "evaluate", "card"}


def test_the_params_model_makes_every_stage_stale(sample_repo):
    touch(sample_repo / "src/modelops/config/params.py")
    assert stale_stages(sample_repo) == {"ingest", "validate", "split", "train", "evaluate", "card"}


def test_bytecode_next_to_the_modules_changes_no_stage(sample_repo):
    """Python writes __pycache__ beside every module a stage imports (unless told not to):
    that is not a change of the stage's code."""
    run("python", "-m", "compileall", "-q", "src", cwd=sample_repo)
    assert list((sample_repo / "src/modelops/config").glob("__pycache__/*.pyc"))
    assert stale_stages(sample_repo) == set()
