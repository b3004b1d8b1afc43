"""Protects the project's own results, as far as they are reproducible: byte for byte on one
machine (two rebuilds from an empty cache give the same bytes), and by behaviour across
machines (another CPU's BLAS gives the model other last bits): what the repository commits is
what its sources give here, the data byte for byte, the model the same model by its answers
(`modelops same-model`, gate.equivalence), the JSON reports within the same tolerance.

No assertion here compares float bytes that another machine made with this machine's.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from support.cli import console
from support.repos import clone_folder, run

from modelops.config.params import Equivalence

# Stages whose outputs are pandas and Arrow work with no BLAS sums: the same bytes anywhere.
DATA_STAGES = ("ingest", "validate", "split")
REPORTS = ("reports/metrics.json", "reports/segments.json", "reports/fairness.json")


def lock(text: str) -> dict:
    return yaml.safe_load(text)["stages"]


def committed_lock(repo: Path) -> dict:
    return lock(run("git", "show", "HEAD:dvc.lock", cwd=repo).stdout)


def outputs(stages: dict) -> dict[str, str]:
    return {o["path"]: o.get("md5", "") for s in stages.values() for o in s.get("outs", [])}


def sources(stages: dict) -> set[tuple[str, str, str]]:
    """(stage, path, md5) of every dependency that no stage writes: code, config, data."""
    written = outputs(stages)
    return {
        (name, d["path"], d.get("md5", ""))
        for name, stage in stages.items()
        for d in stage.get("deps", [])
        if d["path"] not in written
    }


def numbers_apart(committed, rebuilt, path: str = "") -> list[str]:
    """Where two JSON documents differ beyond the equivalence tolerance (numbers), or at all
    (anything else)."""
    if isinstance(committed, dict) and isinstance(rebuilt, dict):
        if committed.keys() != rebuilt.keys():
            return [f"{path}: keys {sorted(committed)} != {sorted(rebuilt)}"]
        pairs = [(committed[k], rebuilt[k], f"{path}.{k}") for k in committed]
    elif isinstance(committed, list) and isinstance(rebuilt, list):
        if len(committed) != len(rebuilt):
            return [f"{path}: {len(committed)} items != {len(rebuilt)}"]
        pairs = [
            (a, b, f"{path}[{i}]") for i, (a, b) in enumerate(zip(committed, rebuilt, strict=False))
        ]
    elif isinstance(committed, int | float) and isinstance(rebuilt, int | float):
        tolerance = Equivalence().metrics
        close = math.isclose(committed, rebuilt, rel_tol=tolerance, abs_tol=tolerance)
        return [] if close else [f"{path}: {committed!r} != {rebuilt!r}"]
    else:
        return [] if committed == rebuilt else [f"{path}: {committed!r} != {rebuilt!r}"]
    return [difference for pair in pairs for difference in numbers_apart(*pair)]


@pytest.fixture(scope="module")
def rebuilt_twice(reproduced_repo, tmp_path_factory) -> Path:
    """The rebuilt project, rebuilt again from nothing in a clone with an empty cache."""
    again = clone_folder(reproduced_repo, tmp_path_factory.mktemp("again") / "repo")
    run("dvc", "config", "--local", "cache.dir", str(again.parent / "cache"), cwd=again)
    run("dvc", "repro", "--force", "--no-run-cache", cwd=again)
    return again


def test_two_rebuilds_on_this_machine_give_the_same_bytes(reproduced_repo, rebuilt_twice):
    first = outputs(lock((reproduced_repo / "dvc.lock").read_text()))
    second = outputs(lock((rebuilt_twice / "dvc.lock").read_text()))
    assert second == first
    for path in REPORTS:
        assert (rebuilt_twice / path).read_bytes() == (reproduced_repo / path).read_bytes(), path


def test_the_committed_lock_records_these_sources(reproduced_repo):
    # After a change under src/ or in a config file: run `dvc repro` and commit dvc.lock.
    rebuilt = lock((reproduced_repo / "dvc.lock").read_text())
    assert sources(rebuilt) == sources(committed_lock(reproduced_repo))
    assert "up to date" in run("dvc", "status", cwd=reproduced_repo).stdout


def test_the_committed_data_is_rebuilt_byte_for_byte(reproduced_repo):
    committed, rebuilt = (
        committed_lock(reproduced_repo),
        lock((reproduced_repo / "dvc.lock").read_text()),
    )
    for stage in DATA_STAGES:
        assert outputs({stage: rebuilt[stage]}) == outputs({stage: committed[stage]}), stage


def test_the_committed_model_is_the_rebuilt_one_by_its_answers(reproduced_repo):
    same = console(reproduced_repo, "same-model")
    assert same.returncode == 0, same.stdout + same.stderr
    assert "the bytes dvc.lock records" in same.stdout or "equivalent (" in same.stdout


@pytest.mark.parametrize("report", REPORTS)
def test_the_committed_reports_are_the_rebuilt_ones_within_the_tolerance(reproduced_repo, report):
    committed = json.loads(run("git", "show", f"HEAD:{report}", cwd=reproduced_repo).stdout)
    rebuilt = json.loads((reproduced_repo / report).read_text())
    assert numbers_apart(committed, rebuilt) == []
