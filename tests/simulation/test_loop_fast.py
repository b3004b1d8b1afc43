"""Protects the loop's fast mode (benchmarks/loop_fast.py), the simulation whose runs choose
the project's defaults: a 3-period run for one seed (the downturn starts in period 3; 1,500
applications a period, outcomes one period late) through the project's own functions,
checked where it could lie: every arm answers the same applications, outcomes come back only
for loans and only after their delay (read from the store the policy arm wrote), the bound
beats never retraining on the same truth, the last line says what the issue asks in the form
it asks, and a run too short to reach the change is refused."""

from __future__ import annotations

import contextlib
import io
import json
import re
import sqlite3
from datetime import datetime

import pytest
from loop_fast import PERIOD, main

pytestmark = pytest.mark.slow

SEED, PERIODS, ROWS, DELAY = 7, 3, 1500, 1
FINAL = re.compile(
    r"^policy vs never: [+-]\d+\.\d\d per application after the change \(worst seed "
    r"[+-]\d+\.\d\d\); bound [+-]\d+\.\d\d; alarms before the change: \d+ of \d+$"
)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("loop-fast")
    output = folder / "results.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        main(["--world", "downturn", "--seeds", str(SEED), "--periods", str(PERIODS),
              "--rows", str(ROWS), "--delay", str(DELAY), "--output", str(output),
              "--workdir", str(folder / "work")])  # fmt: skip
    return {
        "stdout": printed.getvalue(),
        "results": json.loads(output.read_text()),
        "store": folder / "work" / f"seed-{SEED}" / "predictions.db",
    }


def test_the_last_line_is_the_issues_summary_after_the_retrain_count(run):
    lines = run["stdout"].strip().splitlines()
    assert FINAL.match(lines[-1]), lines[-1]
    # N: the seed-periods before the downturn (periods 1 and 2 of one seed)
    assert re.search(r"alarms before the change: \d of 2$", lines[-1]), lines[-1]
    assert lines[-2].startswith("retrains: ") and "scheduled retrains" in lines[-2]
    assert run["stdout"].startswith("Machine: ") and "commit " in lines[0]
    assert "seeds 7" in lines[1]


def test_every_arm_answered_the_same_applications(run):
    (result,) = run["results"]
    served = result["served"]
    assert set(served) == {"never", "policy", "bound"}
    assert len(served["never"]) == PERIODS
    assert served["never"] == served["policy"] == served["bound"]
    assert len(set(served["never"])) == PERIODS  # each period its own applications
    with sqlite3.connect(run["store"]) as db:
        stored = db.execute("select count(*) from predictions").fetchone()[0]
    assert stored == PERIODS * ROWS


def test_the_bound_earns_more_than_never_on_the_same_truth(run):
    (result,) = run["results"]
    assert result["values"]["bound"][1] >= result["values"]["never"][1]


def test_outcomes_only_for_loans_and_never_before_their_delay(run):
    with sqlite3.connect(run["store"]) as db:
        rows = db.execute(
            "select p.prediction_id, p.decision, p.predicted_at, o.observed_at from outcomes o "
            "join predictions p on p.prediction_id = o.prediction_id"
        ).fetchall()
        first = db.execute("select min(predicted_at) from predictions").fetchone()[0]
        approved = [
            db.execute(
                "select count(*) from predictions where decision = 'approve' and "
                "prediction_id like ?", (f"sim-s{SEED}-p{period:02d}-%",),
            ).fetchone()[0]
            for period in range(1, PERIODS)
        ]  # fmt: skip
    start = datetime.fromisoformat(first)
    assert rows, "no outcome came back"
    assert all(decision == "approve" for _, decision, _, _ in rows)  # loans (explored ones too)
    for prediction_id, _, predicted_at, observed_at in rows:
        made = int(prediction_id.split("-p")[1][:2])
        observed = (datetime.fromisoformat(observed_at) - start) // PERIOD + 1
        assert made == (datetime.fromisoformat(predicted_at) - start) // PERIOD + 1
        assert observed - made == DELAY, (prediction_id, observed_at)
    # Each period's loans, every one of them, came back at the end of the next; nothing else.
    assert len(rows) == sum(approved)
    expected = {"1": 0} | {str(p + 2): n for p, n in enumerate(approved)}
    assert run["results"][0]["outcomes"] == expected


def test_a_run_that_ends_before_the_change_is_refused(capsys):
    with pytest.raises(SystemExit) as refused:
        main(["--world", "downturn", "--periods", "2"])
    assert refused.value.code == 2
    assert "--periods 2: the downturn world changes in period 3" in capsys.readouterr().err
