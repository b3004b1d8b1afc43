"""Protects `modelops retrain decide` as a user runs it: keep is exit 0 with its one line,
retrain is exit 1 with every reason on stdout and one error line (an alarm and a scheduled
retrain each said as such, and written as JSON with --output), the schedule's new outcomes
counted in a real store across versions, a report or reference that is missing, not JSON or
lacks a key (an old reference without its approved view among them) is exit 2 with one line
naming it, never a traceback."""

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from support.cli import console, in_process, one_error_line
from support.config import write_config

from modelops.store import Decision, PredictionStore

APPROVED = {"rows": 470, "confidence": 0.9,
            "metrics": {"roc_auc": {"value": 0.69, "low": 0.62, "high": 0.76}}}  # fmt: skip
REFERENCE = {"schema": 1, "metrics": {"roc_auc": 0.875, "brier": 0.13},
             "views": {"approved": APPROVED}}  # fmt: skip


def report(auc=(0.71, 0.67, 0.75), alerts=0, live=True) -> dict:
    metric = {**dict(zip(("value", "low", "high"), auc, strict=True)), "reference": 0.69}
    return {
        "window": {"until": "2025-07-01T00:00:00+00:00", "with_outcome": 1000,
                   "with_outcome_all_versions": 1000},
        "drift": {"features": [{"name": f"f{i}", "level": "alert" if i < alerts else "ok"}
                               for i in range(8)]},
        "live": {"rows": 1000, "confidence": 0.9, "metrics": {"roc_auc": metric}}
        if live else None,
        "estimated": {"roc_auc": 0.87},
    }  # fmt: skip


@pytest.fixture
def folder(tmp_path, raw_params):
    """A workspace: the sample's params (the default retrain section, the schedule off: the
    degradation rules alone; the schedule's tests switch it on), reports/ holding
    monitoring.json and reference.json."""
    retrain = {**raw_params.get("retrain", {}), "schedule_min_outcomes": None}
    write_config(tmp_path / "params.yaml", {**raw_params, "retrain": retrain})
    (tmp_path / "reports").mkdir()
    write(tmp_path, report())
    (tmp_path / "reports/reference.json").write_text(json.dumps(REFERENCE), encoding="utf-8")
    return tmp_path


def write(folder, monitoring, name="reports/monitoring.json"):
    text = monitoring if isinstance(monitoring, str) else json.dumps(monitoring)
    (folder / name).write_text(text, encoding="utf-8")


def test_keep_is_exit_0_with_one_line(folder):
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "keep: every rule holds: live ROC AUC among approved loans 0.710 [0.670, 0.750] vs "
        "0.690 on the test set's approved rows (shortfall -0.020 [-0.101, 0.061]): not below "
        "it by more than 0.05 beyond the noise; estimated ROC AUC 0.870 >= reference 0.875 - "
        "0.05; drift: 0 of 8 features at drift alert (0%) < 25%; model age 30.0 days <= 180; "
        "schedule: off (retrain.schedule_min_outcomes is null)"
    ]


def test_no_outcomes_yet_is_said_not_judged(folder):
    write(folder, report(live=False))
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    assert result.returncode == 0, result.stderr
    assert "live ROC AUC: no outcomes yet, not judged" in result.stdout


def test_retrain_is_exit_1_with_every_reason(folder):
    write(folder, report(auc=(0.5, 0.47, 0.53), alerts=3))
    output = folder / "decision.json"
    result = in_process(folder, "retrain", "decide", "--trained-at", "2024-01-01T00:00:00Z",
                        "--output", output)  # fmt: skip
    lines = result.stdout.splitlines()
    assert [line.split(" ")[:3] for line in lines] == [
        ["retrain:", "alarm:", "live"], ["retrain:", "alarm:", "drift:"],
        ["retrain:", "alarm:", "model"]
    ]  # fmt: skip
    assert "0.500 [0.470, 0.530] vs 0.690 on the test set's approved rows" in lines[0]
    assert "model age 547.0 days above max_model_age_days 180" in lines[2]
    one_error_line(result, "retrain (alarm): 3 alarms", "reports/monitoring.json", code=1)
    written = json.loads(output.read_text(encoding="utf-8"))
    assert (written["kind"], written["retrain"], len(written["alarms"])) == ("alarm", True, 3)
    assert written["scheduled"] == []


def test_an_old_reference_without_the_approved_view_is_refused(folder):
    """Never judged against the all-rows 0.875 instead: exit 2 naming the file and field."""
    old = {"schema": 1, "metrics": {"roc_auc": 0.875, "brier": 0.13}}
    (folder / "reports/reference.json").write_text(json.dumps(old), encoding="utf-8")
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    one_error_line(result, "reports/reference.json", "lacks 'views.approved'",
                   "modelops evaluate", code=2)  # fmt: skip


def store_with_outcomes(path, trained_at: datetime) -> str:
    """A real store: v1 served before and after the training time, v2 after it; outcomes of
    300 of v1's and 250 of v2's predictions made since, of 400 made before and known before
    (trained on, not new), and of 50 made before whose outcome came after (new)."""
    url = f"sqlite:///{path}"
    store = PredictionStore(url)
    store.create_schema()
    # (version, first prediction, predictions with an outcome); 10 more of each without one
    runs = [("v1", trained_at - timedelta(days=5), 400), ("v1", trained_at, 300),
            ("v2", trained_at + timedelta(days=3), 250)]  # fmt: skip
    decisions, labelled = [], []
    for version, start, with_outcome in runs:
        for i in range(with_outcome + 10):
            prediction_id = f"{len(decisions):036d}"
            decisions.append(Decision(prediction_id, start + timedelta(minutes=i), version,
                                      {"Amount": 1000}, 0.2, "approve", 0.5))  # fmt: skip
            if i < with_outcome:
                labelled.append((prediction_id, start + timedelta(minutes=i, hours=1)))
    for i in range(50):  # decided the day before training, known the day after
        prediction_id = f"late{i:032d}"
        decisions.append(Decision(prediction_id, trained_at - timedelta(days=1), "v1",
                                  {"Amount": 1000}, 0.2, "approve", 0.5))  # fmt: skip
        labelled.append((prediction_id, trained_at + timedelta(days=1)))
    store.record(decisions)
    for prediction_id, observed in labelled:
        store.record_outcome(prediction_id, "good", observed)
    store.dispose()
    return url


def test_a_scheduled_retrain_counts_every_versions_new_outcomes(folder, raw_params):
    """600 new outcomes (300 of v1 and 250 of v2 since training, 50 of v1's earlier decisions
    known since) against a schedule of 500: a scheduled retrain, exit 1 as any retrain, said
    and written as scheduled, not an alarm. Outcomes are final at once here (age 0)."""
    trained = datetime(2025, 6, 1, tzinfo=UTC)
    url = store_with_outcomes(folder / "store.db", trained)
    final_at_once = {**raw_params.get("feedback", {}), "min_outcome_age_days": 0}
    raw_params = {**raw_params, "feedback": final_at_once}
    write_config(folder / "params.yaml",
                 {**raw_params, "retrain": {"schedule_min_outcomes": 500}})  # fmt: skip
    output = folder / "decision.json"
    result = in_process(folder, "retrain", "decide", "--trained-at", trained.isoformat(),
                        "--store", url, "--output", output)  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "retrain: scheduled: 600 new labelled outcomes since the model was trained >= "
        "schedule_min_outcomes 500 (the gate decides)"
    )
    assert lines[1].startswith("retrain: no alarm: live ROC AUC among approved loans 0.710")
    one_error_line(result, "retrain (scheduled): 1 scheduled retrain", code=1)
    written = json.loads(output.read_text(encoding="utf-8"))
    assert (written["kind"], written["alarms"], len(written["scheduled"])) == ("scheduled", [], 1)
    write_config(folder / "params.yaml",
                 {**raw_params, "retrain": {"schedule_min_outcomes": 601}})  # fmt: skip
    result = in_process(folder, "retrain", "decide", "--trained-at", trained.isoformat(),
                        "--store", url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "schedule: 600 new labelled outcomes < 601" in result.stdout
    # Final only 90 days after they were observed: none of these is final yet beyond training's.
    final_later = {**final_at_once, "min_outcome_age_days": 90}
    write_config(folder / "params.yaml", {**raw_params, "feedback": final_later,
                 "retrain": {"schedule_min_outcomes": 500}})  # fmt: skip
    result = in_process(folder, "retrain", "decide", "--trained-at", trained.isoformat(),
                        "--store", url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "schedule: 0 new labelled outcomes < 500" in result.stdout


def test_the_default_schedule_needs_the_store_and_counts_in_it(folder, raw_params, tmp_path):
    """The project's default (a schedule of 500) reads the store: a store that is not there
    is exit 2 naming it (no count, no decision), an empty one keeps the model with 0 new."""
    write_config(folder / "params.yaml", raw_params)
    missing = f"sqlite:///{tmp_path / 'nowhere.db'}"
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01",
                        "--store", missing)  # fmt: skip
    one_error_line(result, "nowhere.db", code=2)
    assert not (tmp_path / "nowhere.db").exists()
    empty = PredictionStore(f"sqlite:///{tmp_path / 'empty.db'}")
    empty.create_schema()
    empty.dispose()
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01",
                        "--store", f"sqlite:///{tmp_path / 'empty.db'}")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("schedule: 0 new labelled outcomes < 500")


def test_the_model_age_defaults_to_dvc_locks_last_commit(folder):
    """Without --trained-at the model was trained when dvc.lock last changed in git."""
    (folder / "dvc.lock").write_text("schema: '2.0'\n", encoding="utf-8")
    when = {"GIT_AUTHOR_DATE": "2024-12-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-12-01T00:00:00Z"}
    for command in (["init", "-q"], ["add", "dvc.lock"], ["commit", "-q", "-m", "lock"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *command],
                       cwd=folder, check=True, env={**os.environ, **when})  # fmt: skip
    result = in_process(folder, "retrain", "decide")
    assert "model age 212.0 days above max_model_age_days 180" in result.stdout
    one_error_line(result, "retrain (alarm): 1 alarm ", code=1)


def test_without_git_or_trained_at_the_age_is_unknown(folder):
    result = in_process(folder, "retrain", "decide")
    one_error_line(result, "training time is unknown", "--trained-at", code=2)


@pytest.mark.parametrize(
    ("monitoring", "args", "words"),
    [
        (None, (), ("reports/monitoring.json", "not found")),
        ("{not json", (), ("reports/monitoring.json", "not valid JSON")),
        ("[1, 2]", (), ("not a monitoring report",)),
        ({k: v for k, v in report().items() if k != "estimated"}, (),
         ("reports/monitoring.json", "lacks 'estimated'")),
        ({**report(), "window": {"with_outcome": 5}}, (), ("lacks 'window.until'",)),
        (report(), ("--trained-at", "last spring"), ("--trained-at", "not an ISO 8601")),
        (report(), ("--reference", "nowhere.json"), ("nowhere.json", "not found")),
        (report(), ("--params", "missing.yaml"), ("missing.yaml",)),
    ],
    ids=["missing", "not_json", "not_an_object", "lacks_key", "lacks_until", "bad_trained_at",
         "no_reference", "no_params"],
)  # fmt: skip
def test_bad_input_is_exit_2_with_one_line(folder, monitoring, args, words):
    if monitoring is None:
        (folder / "reports/monitoring.json").unlink()
    else:
        write(folder, monitoring)
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01", *args)
    one_error_line(result, *words, code=2)


def test_a_reference_that_is_not_the_monitors_is_refused(folder):
    view = {**APPROVED, "metrics": {"roc_auc": {"value": 0.8, "low": 0.75, "high": 0.85}}}
    other = {"metrics": {"roc_auc": 0.85}, "views": {"approved": view}}
    (folder / "reports/reference.json").write_text(json.dumps(other), encoding="utf-8")
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    one_error_line(result, "not the reference the monitor used", "0.8000", "0.6900", code=2)


def test_a_bad_retrain_section_names_the_file_and_key(folder, raw_params):
    write_config(folder / "params.yaml", {**raw_params, "retrain": {"max_age_days": 90}})
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    one_error_line(result, "policy.yaml", "unknown key 'retrain.max_age_days'", code=2)


def test_the_console_script_answers_alike(folder):
    write(folder, report(auc=(0.5, 0.47, 0.53)))
    result = console(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    assert result.stdout.startswith("retrain: alarm: live ROC AUC among approved loans 0.500")
    one_error_line(result, "retrain (alarm): 1 alarm ", code=1)
