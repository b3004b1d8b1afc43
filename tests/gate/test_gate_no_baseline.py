"""Protects the two cases where "no baseline" is true, and that the gate then says so: a ref
that exists but predates the reports and the model, and a stage no version holds yet. The drop
rules pass with the reason, in the printed lines, the verdict and the report; the other rules
still judge.
"""

import json

import pytest
from support.repos import clone_folder, run

PREDATES = "'HEAD~1' predates reports/metrics.json"  # the sample's first commit: no reports
NO_HOLDER = "no version of credit-risk in prod"


@pytest.fixture(scope="module")
def gated(built_sample, tmp_path_factory, modelops):
    """The gate against the commit before the pipeline ran, and prod (no holder): its output,
    verdict, report and the first commit's short sha."""
    sample_repo = clone_folder(built_sample, tmp_path_factory.mktemp("no-baseline") / "repo")
    gate = modelops(sample_repo, "gate", "--baseline", "HEAD~1", "--stage", "prod")
    report = modelops(sample_repo, "report")
    assert report.returncode == 0, report.stderr
    verdict = json.loads((sample_repo / "reports/gate.json").read_text(encoding="utf-8"))
    first = run("git", "rev-parse", "--short=8", "HEAD~1", cwd=sample_repo).stdout.strip()
    text = (sample_repo / "reports/report.md").read_text(encoding="utf-8")
    return gate, verdict, text, first


def test_ref_before_the_model_is_no_baseline_saying_why(gated):
    gate, verdict, report, first = gated
    assert gate.returncode == 0, gate.stdout + gate.stderr
    why = f"{first} predates the model"
    assert f"baseline HEAD~1: HEAD~1 at {first}; its model on these rows: no model ({why})" in (
        gate.stdout
    )
    described = verdict["baselines"][0]
    assert (described["found"], described["note"], described["metrics"]) == (False, PREDATES, None)
    assert described["same_rows"]["status"] == "no model"
    assert_drops_pass_saying(verdict, "HEAD~1", f"no baseline: {why}")
    assert f"its model on this change's rows: no model ({why})" in report


def test_stage_without_a_holder_is_no_baseline_saying_why(gated):
    gate, verdict, report, _ = gated
    assert f"baseline prod: none ({NO_HOLDER})" in gate.stdout
    described = verdict["baselines"][1]
    assert (described["found"], described["note"], described["same_rows"]) == (
        False,
        NO_HOLDER,
        None,
    )
    assert_drops_pass_saying(verdict, "prod", f"no baseline: {NO_HOLDER}")
    assert f"- Baseline **prod**: none ({NO_HOLDER})" in report.splitlines()


def assert_drops_pass_saying(verdict: dict, name: str, note: str) -> None:
    drops = [r for r in verdict["rules"] if r["rule"].endswith(f" vs {name}")]
    assert len(drops) == 6  # roc_auc, brier, value; segment roc_auc of Age, Home, Marital
    assert all(r["passed"] and r["note"] == note for r in drops)


def test_rules_without_a_baseline_still_judge(gated):
    _, verdict, _, _ = gated
    judged = [r for r in verdict["rules"] if " vs " not in r["rule"]]
    judged = [r for r in judged if not r["rule"].startswith("fairness")]  # tests/gate/*fairness*
    assert len(judged) == 11  # 4 absolute, 3 columns x (floor, gap), data contract kept
    assert all(r["value"] is not None and not r["note"].startswith("no baseline") for r in judged)
