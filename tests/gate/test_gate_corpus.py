"""Protects `modelops gate` from passing by omission (corpus, on copies of the built sample):
each bad baseline or missing report, its exit code and the words of its one `error:` line. A
refused run (2) leaves the previous verdict byte-identical; a failing one (1) says which rule
could not be evaluated, and why (a baseline model that cannot be had fails, it is never
replaced by numbers from other rows).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from support.repos import run

from modelops.config import paths

Change = Callable[[str], str]


@dataclass(frozen=True)
class Case:
    name: str
    prepare: Callable[[Path], None]
    args: tuple[str, ...]
    exit_code: int
    words: tuple[str, ...]  # in the error line; for exit 1 the first is the failing rule
    note: str = ""  # exit 1: what the failing rule's line says

    def __str__(self) -> str:
        return self.name


def nothing(repo: Path) -> None:
    pass


def replaced(text: str) -> Change:
    return lambda _: text


def without(key: str) -> Change:
    return lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != key})


def updated(**values) -> Change:
    return lambda text: json.dumps({**json.loads(text), **values})


def edited(path: str, change: Change) -> Callable[[Path], None]:
    def prepare(repo: Path) -> None:
        (repo / path).write_text(change((repo / path).read_text(encoding="utf-8")))

    return prepare


def removed(path: str) -> Callable[[Path], None]:
    return lambda repo: (repo / path).unlink()


def committed_on(branch: str, path: str, change: Change) -> Callable[[Path], None]:
    """A branch whose last commit changed path; the working tree back on main."""

    def prepare(repo: Path) -> None:
        run("git", "checkout", "-q", "-b", branch, cwd=repo)
        edited(path, change)(repo)
        run("git", "commit", "-q", "-am", f"{path} changed", cwd=repo)
        run("git", "checkout", "-q", "main", cwd=repo)

    return prepare


def model_hash_replaced(text: str) -> str:
    """dvc.lock recording a model no cache, remote or rebuild can give."""
    lock = yaml.safe_load(text)
    for out in lock["stages"]["train"]["outs"]:
        if out["path"] == "models/model.skops":
            out["md5"] = "0" * 32
    return yaml.safe_dump(lock, sort_keys=False)


def model_nobody_has(branch: str) -> Callable[[Path], None]:
    """A branch recording a model no cache or remote holds and whose golden answers no rebuild
    gives (another model's): neither its bytes nor its behaviour can be had."""

    def answers_moved(text: str) -> str:
        golden = json.loads(text)
        golden[0]["p_default"] = min(1.0, golden[0]["p_default"] + 0.01)
        return json.dumps(golden)

    def prepare(repo: Path) -> None:
        run("git", "checkout", "-q", "-b", branch, cwd=repo)
        edited("dvc.lock", model_hash_replaced)(repo)
        edited(str(paths.GOLDEN), answers_moved)(repo)
        run("git", "commit", "-q", "-am", "another model recorded", cwd=repo)
        run("git", "checkout", "-q", "main", cwd=repo)

    return prepare


METRICS, SEGMENTS, QUALITY = map(str, (paths.METRICS, paths.SEGMENTS, paths.DATA_QUALITY))
CASES = [
    Case("unknown baseline ref", nothing, ("--baseline", "nonexistent-branch"), 2,
         ("no ref 'nonexistent-branch'",)),
    Case("misspelled stage", nothing, ("--stage", "prdo"), 2,
         ("unknown stage 'prdo'", "dev, staging, prod")),
    Case("corrupt metrics at the baseline", committed_on("broken", METRICS, replaced("{not")),
         ("--baseline", "broken"), 2, (f"{METRICS} at 'broken'", "not valid JSON")),
    Case("segments at the baseline not an object", committed_on("broken", SEGMENTS, replaced("[]")),
         ("--baseline", "broken"), 2, (f"{SEGMENTS} at 'broken'", "not a JSON object")),
    Case("no metrics in this change", removed(METRICS), (), 2, (f"{METRICS} not found",)),
    Case("corrupt metrics in this change", edited(METRICS, replaced("{")), (), 2,
         (METRICS, "not valid JSON")),
    Case("a metric this change does not report", edited(METRICS, without("average_precision")),
         (), 1, ("average_precision >= floor",), "metric not reported"),
    Case("a baseline model nobody has", model_nobody_has("old"),
         ("--baseline", "old"), 1, ("roc_auc drop vs old",), "baseline model unavailable"),
    Case("a segment column not reported", edited(SEGMENTS, without("Home")), (), 1,
         ("Home segments",), "column not reported"),
    Case("no data-quality report", removed(QUALITY), (), 1,
         ("data contract kept",), "data quality report missing"),
    Case("data contract broken", edited(QUALITY, updated(passed=False, failed_rules=["Age.range"])),
         (), 1, ("data contract kept",), "failed: Age.range"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gate_refuses_or_fails_never_passes(case, gated_copy, modelops, error_line):
    verdict_file = gated_copy / paths.GATE
    before = verdict_file.read_bytes()
    case.prepare(gated_copy)
    gate = modelops(gated_copy, "gate", *case.args)
    assert gate.returncode == case.exit_code, gate.stdout + gate.stderr
    line = error_line(gate)
    assert all(word in line for word in case.words), line
    if case.exit_code == 2:
        assert verdict_file.read_bytes() == before
        return
    rule = case.words[0]
    assert rule in json.loads(verdict_file.read_text())["failed_rules"]
    failing = [row for row in gate.stdout.splitlines() if row.startswith(f"FAIL  {rule}")]
    assert failing and all(case.note in row for row in failing), gate.stdout
