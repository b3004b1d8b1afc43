"""Protects the feedback loop's showcase, `make simulate` (benchmarks/feedback_loop.py): run for
real on a copy of the project as git would commit it, with no DVC cache or remote, a short run
(2 periods of 300 applications, both arms) serves every application, takes outcomes back,
exports them within the contract, and in arm (b) runs the retrain policy, the pipeline and the
gate. Outcomes arrive in their own period (--delay 0) and a scheduled retrain is due after 30
new outcomes (--set, in policy.yaml), so that arm (b) retrains in period 1 with feedback to
export.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support.repos import copy_project, tool_env

pytestmark = pytest.mark.slow

PERIODS, ROWS = 2, 300
RETRAIN_AT_ONCE = (
    "--delay", "0",
    "--set", "retrain.schedule_min_outcomes=30",
    "--set", "retrain.min_labelled_rows=30",
)  # fmt: skip
TABLE_ROW = re.compile(r"^\| (\d+) \| ")
QUALITY = re.compile(
    r"feedback export: (\d+) rows in \d+ files; data quality: (\d+) of \d+ rows quarantined"
    r"(?:, (\d+) of them feedback)?"
)


@pytest.fixture(scope="module")
def simulation(project_root, tmp_path_factory) -> subprocess.CompletedProcess:
    """The script run in a fresh copy of the project: its own sources, this venv's tools; its
    temporary clone under the test's folder."""
    folder = tmp_path_factory.mktemp("simulation")
    project = copy_project(project_root, folder / "project")
    env = dict(tool_env(), PYTHONPATH=str(project / "src"), TMPDIR=str(folder))
    command = [sys.executable, "benchmarks/feedback_loop.py", "--periods", str(PERIODS),
               "--rows", str(ROWS), *RETRAIN_AT_ONCE]  # fmt: skip
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def table(simulation) -> dict[int, dict[str, str]]:
    """The table of periods: {period: {column: cell}}, each cell "(a) / (b)" (the first
    table printed; the summary by seed follows it)."""
    assert simulation.returncode == 0, simulation.stderr[-5000:]
    out = simulation.stdout.splitlines()
    first = next(i for i, line in enumerate(out) if line.startswith("| "))
    end = next((i for i in range(first, len(out)) if not out[i].startswith("|")), len(out))
    lines = [line for line in out[first:end] if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[1:]:
        if TABLE_ROW.match(line):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[int(cells[0])] = dict(zip(header, cells, strict=True))
    return rows


def arms(cell: str) -> tuple[str, str]:
    a, b = cell.split(" / ")
    return a, b


def test_the_script_exits_0(simulation):
    assert simulation.returncode == 0, simulation.stderr[-5000:]
    assert "Traceback" not in simulation.stderr


def test_the_run_ends_with_a_table_of_every_period_for_both_arms(table):
    assert sorted(table) == list(range(1, PERIODS + 1))
    for row in table.values():
        assert all(len(arms(row[column])) == 2 for column in ("policy", "approval"))


def test_both_services_answered_every_application(table):
    for row in table.values():
        for auc in arms(row["ROC AUC, all (oracle)"]):  # every application scored
            assert 0.5 < float(auc) <= 1
        for approval in arms(row["approval"]):
            assert 0 < int(approval.rstrip("%")) < 100


def test_outcomes_came_back_to_the_monitor(table):
    for row in table.values():  # outcomes in their own period: labelled from period 1 on
        for auc in arms(row["ROC AUC, labelled (monitor)"]):
            assert auc != "n/a"


def test_arm_b_exported_its_outcomes_and_none_was_quarantined(simulation, table):
    found = QUALITY.search(simulation.stdout)
    assert found, simulation.stdout
    exported, quarantined, feedback = found.groups()
    assert int(exported) > 0
    # Every contract column the service accepts was sent (Age, Marital): none missing.
    assert (int(quarantined) if feedback is None else int(feedback)) == 0, found.group(0)


def test_arm_b_ran_the_policy_and_the_gate(simulation, table):
    assert {arms(row["policy"])[1] for row in table.values()} <= {"keep", "retrain"}
    assert arms(table[1]["policy"])[1] == "retrain"
    decisions = simulation.stdout.split("Retrain decisions in (b)")[1].splitlines()
    retrain = next(line for line in decisions if line.startswith("- period 1: "))
    # The schedule is the one --set wrote into policy.yaml: the policy read it from there.
    assert "scheduled: " in retrain and "schedule_min_outcomes 30" in retrain, retrain
    assert "gate passed" in retrain or "gate failed" in retrain, retrain  # either is an outcome
    assert table[PERIODS]["retrains so far (b)"].endswith("(1 tried)")
