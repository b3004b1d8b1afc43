"""Protects the registry's life cycle with real dvc, git tags and gto, from the built sample
(C = 1.0): register, promote to staging and prod, refuse an unchanged model (DVC's hash),
refuse promoting a worse one (the prod model scored on the version's own test rows), verify a
version as deploy does, roll prod back, show every version with its committed metrics, and
audit a version: who tagged each step, when, with the gate's verdict from the tag's message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from support.config import write_config
from support.repos import clone_folder, run

from modelops.config.layout import read_sections
from modelops.pipeline_state import output_hashes


def retrain(repo: Path, c: float, message: str) -> None:
    """Set train.logistic_regression.C in the sample params, dvc repro, commit."""
    params = repo / "params.yaml"
    raw = read_sections(params)
    raw["train"]["logistic_regression"]["C"] = c
    write_config(params, raw)
    run("dvc", "repro", cwd=repo)
    run("git", "add", "-A", cwd=repo)
    run("git", "commit", "-q", "-m", message, cwd=repo)


def locked_model_hash(repo: Path) -> str:
    """The model's md5 as dvc.lock records it."""
    outs = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]["train"]["outs"]
    return next(out["md5"] for out in outs if out["path"] == "models/model.skops")


@pytest.fixture(scope="module")
def history(built_sample, tmp_path_factory, modelops, stage_holders, registry_tags):
    """Versions at C = 1.0, 0.1, 0.003 and each registry step's result or snapshot, in order."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("flow") / "repo")
    step: dict = {"repo": repo}

    def cli(name: str, *args: str) -> None:
        step[name] = modelops(repo, "registry", *args)

    cli("register v1", "register")
    cli("staging v1", "promote", "v0.1.0", "--stage", "staging")
    cli("prod v1", "promote", "v0.1.0", "--stage", "prod")
    step["tags v1"] = registry_tags(repo)
    retrain(repo, 0.1, "v2")  # ROC AUC 0.8585 vs 0.8589: within the drop allowed
    step["hash v2"] = locked_model_hash(repo)
    cli("register v2", "register")
    cli("prod v2", "promote", "v0.2.0", "--stage", "prod")
    step["holders v2"], step["tags v2"] = stage_holders(repo), registry_tags(repo)
    cli("verify v2", "verify", "v0.2.0", "--stage", "prod")  # as the deploy job does
    step["verdict v2"] = json.loads((repo / "reports/gate.json").read_text(encoding="utf-8"))
    cli("register again", "register")
    cli("register if changed", "register", "--if-changed")
    step["tags unchanged"] = registry_tags(repo)
    retrain(repo, 0.003, "v3")  # ROC AUC 0.834: a drop of 0.025
    cli("register v3", "register")
    step["tags v3"] = registry_tags(repo)
    cli("prod v3", "promote", "v0.3.0", "--stage", "prod")
    step["holders refused"], step["tags refused"] = stage_holders(repo), registry_tags(repo)
    cli("rollback", "rollback", "--stage", "prod")
    step["holders rollback"], step["tags rollback"] = stage_holders(repo), registry_tags(repo)
    cli("show", "show")
    cli("audit v1", "audit", "--version", "v0.1.0", "--json")
    cli("audit v2", "audit", "--version", "v0.2.0")
    return step


def test_first_version_is_registered_and_promoted_to_staging_then_prod(history):
    assert "registered credit-risk@v0.1.0" in history["register v1"].stdout
    for stage in ("staging", "prod"):
        assert history[f"{stage} v1"].returncode == 0, history[f"{stage} v1"].stderr
        assert any(re.fullmatch(rf"credit-risk#{stage}#\d+", t) for t in history["tags v1"])


def test_changed_model_that_keeps_the_gate_is_registered_and_takes_prod(history):
    assert "registered credit-risk@v0.2.0" in history["register v2"].stdout
    assert history["prod v2"].returncode == 0, history["prod v2"].stderr
    assert history["holders v2"]["prod"] == ["v0.2.0"]


def test_verify_scores_the_previous_prod_model_on_the_versions_test_rows(history):
    assert history["verify v2"].returncode == 0, history["verify v2"].stderr
    (prod,) = history["verdict v2"]["baselines"]
    assert (prod["name"], prod["ref"]) == ("prod", "credit-risk@v0.1.0 (prod)")
    assert prod["same_rows"]["status"] == "compared"
    assert prod["same_rows"]["note"].startswith("models/model.skops from the ")
    # the data did not change: v0.1.0's model on v0.2.0's rows is what v0.1.0 stored
    assert prod["same_rows"]["metrics"]["roc_auc"] == pytest.approx(prod["metrics"]["roc_auc"])
    (drop,) = [r for r in history["verdict v2"]["rules"] if r["rule"] == "roc_auc drop vs prod"]
    assert drop["passed"] and re.match(r"the \d+ reference rows: drop ", drop["note"])


def test_unchanged_model_is_refused_unless_if_changed(history, error_line):
    again = history["register again"]
    assert again.returncode == 1
    line = error_line(again)
    assert "identical" in line and "credit-risk@v0.2.0" in line and history["hash v2"] in line
    at_v2 = output_hashes(history["repo"], "credit-risk@v0.2.0")  # what register compares
    assert at_v2["models/model.skops"] == history["hash v2"]
    unchanged = history["register if changed"]
    assert (unchanged.returncode, unchanged.stdout.startswith("not registered")) == (0, True)
    assert history["tags unchanged"] == history["tags v2"]


def test_worse_model_registers_but_is_refused_prod(history, error_line):
    assert "registered credit-risk@v0.3.0" in history["register v3"].stdout
    refused = history["prod v3"]
    assert refused.returncode == 1
    line = error_line(refused)
    assert "roc_auc drop vs prod" in line and " reference rows: drop +0.02" in line
    assert history["holders refused"]["prod"] == ["v0.2.0"]
    assert history["tags refused"] == history["tags v3"]


def test_rollback_gives_prod_back_to_the_previous_version(history, gto_json):
    rollback = history["rollback"]
    assert rollback.returncode == 0, rollback.stderr
    assert "rolled back prod: v0.2.0 -> v0.1.0" in rollback.stdout
    assert history["holders rollback"]["prod"] == ["v0.1.0"]
    prod_tags = [t for t in history["tags rollback"] if t.startswith("credit-risk#prod#")]
    newest = max(prod_tags, key=lambda tag: int(tag.rsplit("#", 1)[1]))
    event = gto_json(history["repo"], "check-ref", newest)
    assert (event["event"], event["version"]) == ("assignment", "v0.1.0")
    assert "Rollback" in event["message"]


def test_show_lists_every_version_with_its_roc_auc_from_git(history):
    assert history["show"].returncode == 0, history["show"].stderr
    # version, commit, day, time, [stages], roc_auc, value
    rows = {row[0]: row for row in map(str.split, history["show"].stdout.splitlines()[1:])}
    assert list(rows) == ["v0.3.0", "v0.2.0", "v0.1.0"]
    for version, row in rows.items():
        at = f"credit-risk@{version}:reports/metrics.json"
        committed = json.loads(run("git", "show", at, cwd=history["repo"]).stdout)
        assert row[-2] == f"{committed['roc_auc']:.4f}"
    assert float(rows["v0.3.0"][-2]) < float(rows["v0.2.0"][-2])
    assert "staging" in rows["v0.1.0"][4].split(",")
    assert len(rows["v0.3.0"]) == 6  # no stage


def test_audit_names_who_tagged_each_step_and_the_gate_verdict(history):
    audited = history["audit v1"]
    assert audited.returncode == 0, audited.stderr
    steps = json.loads(audited.stdout)["steps"]
    repo = history["repo"]
    ident = run("git", "var", "GIT_COMMITTER_IDENT", cwd=repo).stdout  # who git tags as
    assert {step["by"] for step in steps} == {ident[: ident.index(">") + 1]}
    assert [(s["event"], s["gate"]) for s in steps] == [
        ("registration", "passed (absolute, segment and data rules)"),
        ("assignment to staging", "passed (no model in staging yet)"),
        ("assignment to prod", "passed (no model in prod yet)"),
        ("assignment to prod", "not run (a rollback restores the version that held prod before)"),
    ]
    assert [s["when"] for s in steps] == sorted(s["when"] for s in steps)
    commit = run("git", "rev-parse", "credit-risk@v0.1.0^{commit}", cwd=repo).stdout.strip()
    assert {s["commit"] for s in steps} == {commit}
    assert steps[0]["tag"] == "credit-risk@v0.1.0"


def test_audit_shows_a_promotion_judged_against_the_model_it_replaced(history):
    text = history["audit v2"].stdout
    assert history["audit v2"].returncode == 0, history["audit v2"].stderr
    assert text.splitlines()[0].startswith("credit-risk@v0.2.0 (commit ")
    assert "gate: passed (against prod's v0.1.0)" in text
