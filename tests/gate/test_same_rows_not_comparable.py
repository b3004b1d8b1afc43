"""Protects "not comparable is said, not guessed": a change that renames a feature (Seniority
to JobYears in the source, the contract and params) cannot be judged against main's model, so
every drop rule against main fails naming the missing feature; declaring gate.new_baseline
passes them and puts a warning at the top of the report; declaring it where every baseline
can score the rows fails.
"""

from __future__ import annotations

import json

import pytest
from support.repos import run

from modelops.review.report import WATERMARK

RENAMED = (
    "data/external/credit.csv",
    "data/contract.yaml",
    "params.yaml",
    "policy.yaml",  # reasons
)
WHY = "not comparable: features the baseline model needs are not in the rows: Seniority"


def gated(repo, modelops):
    gate = modelops(repo, "gate", "--baseline", "main")
    verdict = json.loads((repo / "reports/gate.json").read_text(encoding="utf-8"))
    return gate, verdict


@pytest.fixture(scope="module")
def renamed(branch_of_built_sample, set_params, reproduced, modelops):
    """The renaming change gated against main; then with gate.new_baseline declared, gated
    and reported again."""
    repo = branch_of_built_sample("renamed-feature")
    for name in RENAMED:
        path = repo / name
        path.write_text(path.read_text(encoding="utf-8").replace("Seniority", "JobYears"))
    reproduced(repo, "Seniority is called JobYears now")
    undeclared = gated(repo, modelops)
    set_params(repo, {"gate.new_baseline": True})
    run("git", "commit", "-q", "-am", "Declare a new baseline", cwd=repo)
    declared = gated(repo, modelops)
    report = modelops(repo, "report")
    assert report.returncode == 0, report.stderr
    return undeclared, declared, (repo / "reports/report.md").read_text(encoding="utf-8")


def against_main(verdict: dict) -> list[dict]:
    rules = [r for r in verdict["rules"] if r["rule"].endswith(" vs main")]
    assert len(rules) == 6  # roc_auc, brier, value; segment roc_auc of Age, Home, Marital
    return rules


def test_drop_rules_against_main_fail_naming_the_missing_feature(renamed):
    (gate, verdict), _, _ = renamed
    assert gate.returncode == 1, gate.stdout + gate.stderr
    same = verdict["baselines"][0]["same_rows"]
    assert same["status"] == "not comparable" and same["metrics"] is None
    first, *others = against_main(verdict)  # the reason said once, the others refer to it
    assert all(not r["passed"] for r in (first, *others)) and first["note"] == WHY
    assert all(r["note"] == f"not comparable, as for {first['rule']}" for r in others)
    assert sorted(verdict["failed_rules"]) == sorted(r["rule"] for r in against_main(verdict))
    others = [r for r in verdict["rules"] if not r["rule"].endswith((" vs main", " vs prod"))]
    others = [r for r in others if not r["rule"].startswith("fairness")]  # judged elsewhere
    assert len(others) == 11 and all(r["passed"] for r in others)  # still judged


def test_declared_new_baseline_passes_and_the_report_warns_first(renamed):
    _, (gate, verdict), report = renamed
    assert gate.returncode == 0, gate.stdout + gate.stderr
    declared = f"new baseline declared (gate.new_baseline); {WHY}"
    assert all(r["passed"] and r["note"] == declared for r in against_main(verdict))
    (rule,) = [r for r in verdict["rules"] if r["rule"] == "gate.new_baseline declared"]
    assert (rule["passed"], rule["note"]) == (True, "not comparable with main")
    lines = report.splitlines()
    assert lines[:3] == [WATERMARK, "> [!WARNING]", lines[2]]
    assert lines[2].startswith("> This change declares a **new baseline** (`gate.new_baseline:")
    assert "## ✅ Gate passed" in lines[3:6]
    assert "| `gate.new_baseline` | False | True |" in lines


def test_new_baseline_where_every_baseline_can_score_the_rows_fails(
    branch_of_built_sample, set_params, modelops
):
    repo = branch_of_built_sample("needless-new-baseline")
    set_params(repo, {"gate.new_baseline": True})
    gate, verdict = gated(repo, modelops)
    assert gate.returncode == 1, gate.stdout + gate.stderr
    assert verdict["failed_rules"] == ["gate.new_baseline declared"]
    (rule,) = [r for r in verdict["rules"] if r["rule"] == "gate.new_baseline declared"]
    assert rule["note"] == "every baseline can score these rows: remove gate.new_baseline"
