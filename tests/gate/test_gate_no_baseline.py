"""Protects the two cases where "no baseline" is true, and that the gate then says so: a ref
that exists but predates the reports, and a stage no version holds yet. The drop rules pass
with the reason, in the printed lines, the verdict and the report; the other rules still judge.
"""

import json

import pytest

PREDATES = "'HEAD~1' predates reports/metrics.json"  # the sample's first commit: no reports
NO_HOLDER = "no version of credit-risk in prod"


@pytest.fixture
def gated(sample_repo, modelops):
    """The gate against the commit before the pipeline ran, and prod (no holder): its output,
    verdict and report."""
    gate = modelops(sample_repo, "gate", "--baseline", "HEAD~1", "--stage", "prod")
    report = modelops(sample_repo, "report")
    assert report.returncode == 0, report.stderr
    verdict = json.loads((sample_repo / "reports/gate.json").read_text(encoding="utf-8"))
    return gate, verdict, (sample_repo / "reports/report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "why"), [("HEAD~1", PREDATES), ("prod", NO_HOLDER)])
def test_no_baseline_passes_saying_why(gated, name, why):
    gate, verdict, report = gated
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert f"baseline {name}: none ({why})" in gate.stdout
    described = {b["name"]: b for b in verdict["baselines"]}[name]
    assert (described["found"], described["note"], described["metrics"]) == (False, why, None)
    drops = [r for r in verdict["rules"] if r["rule"].endswith(f" vs {name}")]
    assert len(drops) == 3  # roc_auc, brier, business.value_per_application
    assert all(r["passed"] and r["note"] == f"no baseline: {why}" for r in drops)
    assert f"- Baseline **{name}**: none ({why})" in report.splitlines()


def test_rules_without_a_baseline_still_judge(gated):
    _, verdict, _ = gated
    judged = [r for r in verdict["rules"] if " vs " not in r["rule"]]
    assert len(judged) == 11  # 4 absolute, 3 columns x (floor, gap), data contract kept
    assert all(r["value"] is not None and not r["note"].startswith("no baseline") for r in judged)
