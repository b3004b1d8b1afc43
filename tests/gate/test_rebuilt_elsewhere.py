"""Protects "a model rebuilt on another machine is judged by what it answers", through the
gate, promotion and `registry verify`, with real repositories, `dvc repro` and gto tags.

Another machine is simulated (tests/support/other_machine.py): main's committed model is a
real fitted model whose float parameters were moved, its reports and dvc.lock made from it,
and its bytes then lost (no cache holds them, no remote). On this machine the only way to
main's model is a rebuild, which gives the unmoved floats: a few ulps apart it is main's
model (compared, the verdict says so in one line); 1e-6 apart it is another model (baseline
model unavailable, with the measured difference, said once).
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from support.other_machine import rebuild_elsewhere
from support.repos import clone_folder, run

MODEL = "models/model.skops"
CASES = {"few_ulps": {"ulps": 3}, "beyond_the_tolerance": {"relative": 1e-6}}


def locked(repo, rev: str) -> str:
    stages = yaml.safe_load(run("git", "show", f"{rev}:dvc.lock", cwd=repo).stdout)["stages"]
    return next(o["md5"] for o in stages["train"]["outs"] if o["path"] == MODEL)


@pytest.fixture(scope="module", params=CASES.values(), ids=CASES.keys())
def elsewhere(request, built_sample, tmp_path_factory, set_params, reproduced, modelops):
    """v0.1.0 (this machine's model) in prod; main then recorded as another machine built it
    (v0.2.0), its bytes lost; a change branch off main (C 0.5) gated and promoted from."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("elsewhere") / "repo")
    for command in (("register", "--bump", "minor"), ("promote", "v0.1.0", "--stage", "prod")):
        done = modelops(repo, "registry", *command)
        assert done.returncode == 0, done.stdout + done.stderr
    rebuild_elsewhere(repo / MODEL, **request.param)
    run("dvc", "commit", "--force", "train", cwd=repo)
    reproduced(repo, "main as another machine built it")
    done = modelops(repo, "registry", "register", "--bump", "minor")
    assert done.returncode == 0, done.stdout + done.stderr
    elsewhere_md5 = locked(repo, "main")
    (repo / ".dvc/cache/files/md5" / elsewhere_md5[:2] / elsewhere_md5[2:]).unlink()
    run("git", "checkout", "-q", "-b", "change", cwd=repo)
    set_params(repo, {"train.logistic_regression.C": 0.5})
    reproduced(repo, "Regularise a bit more")
    gate = modelops(repo, "gate", "--baseline", "main")
    verdict = json.loads((repo / "reports/gate.json").read_text(encoding="utf-8"))
    case = next(name for name, moves in CASES.items() if moves == request.param)
    return case, repo, gate, verdict, elsewhere_md5


def test_the_gate_judges_main_rebuilt_by_its_answers(elsewhere):
    case, _, gate, verdict, _ = elsewhere
    (main,) = [b for b in verdict["baselines"] if b["name"] == "main"]
    same = main["same_rows"]
    if case == "few_ulps":
        assert gate.returncode == 0, gate.stdout + gate.stderr
        assert same["status"] == "compared"
        assert re.match(
            r"equivalent \(largest \|Δp_default\| \S+ on 20 golden answers\)$",
            (same["equivalence"]),
        )
        lines = [line for line in gate.stdout.splitlines() if "rebuilt on this machine" in line]
        assert len(lines) == 1 and "main's model rebuilt on this machine: equivalent" in lines[0]
    else:
        assert gate.returncode == 1, gate.stdout + gate.stderr
        assert (same["status"], same["equivalence"]) == ("baseline model unavailable", None)
        assert (
            "rebuild: hash" in same["note"]
            and "by behaviour not equivalent (largest" in (same["note"])
        )  # the rebuild is refused with the measured difference
        against_main = [r for r in verdict["rules"] if r["rule"].endswith(" vs main")]
        assert all(not r["passed"] for r in against_main)
        full = [r for r in against_main if same["note"] in r["note"]]
        assert len(full) == 1  # the long reason is said once, the other rules refer to it
        assert all(", as for " in r["note"] for r in against_main if r not in full)


def test_promotion_and_verify_judge_the_versions_own_model_by_its_answers(elsewhere, modelops):
    case, repo, *_ = elsewhere
    promote = modelops(repo, "registry", "promote", "v0.2.0", "--stage", "prod")
    if case == "few_ulps":
        assert promote.returncode == 0, promote.stdout + promote.stderr
        verify = modelops(repo, "registry", "verify", "v0.2.0", "--stage", "prod")
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert re.search(
            r"the model at \w{8} rebuilt on this machine: equivalent \(largest", (verify.stdout)
        )
    else:
        assert promote.returncode == 2, promote.stdout + promote.stderr
        assert "the version's own model or test set" in promote.stderr
        assert "by behaviour not equivalent (largest |Δp_default|" in promote.stderr
        assert "Traceback" not in promote.stderr
