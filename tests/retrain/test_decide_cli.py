"""Protects `modelops retrain decide` as a user runs it: keep is exit 0 with its one line,
retrain is exit 1 with every reason on stdout and one error line, a report or reference that
is missing, not JSON or lacks a key is exit 2 with one line naming it, never a traceback."""

import json
import os
import subprocess

import pytest
from support.cli import console, in_process
from support.config import write_config

REFERENCE = {"schema": 1, "metrics": {"roc_auc": 0.875, "brier": 0.13}}


def report(low=0.8125, alerts=0, live=True) -> dict:
    auc = {"value": 0.84, "low": low, "high": 0.88, "reference": 0.875}
    return {
        "window": {"until": "2025-07-01T00:00:00+00:00", "with_outcome": 1000},
        "drift": {"features": [{"name": f"f{i}", "level": "alert" if i < alerts else "ok"}
                               for i in range(8)]},
        "live": {"rows": 1000, "metrics": {"roc_auc": auc}} if live else None,
        "estimated": {"roc_auc": 0.87},
    }  # fmt: skip


@pytest.fixture
def folder(tmp_path, raw_params):
    """A workspace: the sample's params (with the default retrain section), reports/ holding
    monitoring.json and reference.json."""
    write_config(tmp_path / "params.yaml", raw_params)
    (tmp_path / "reports").mkdir()
    write(tmp_path, report())
    (tmp_path / "reports/reference.json").write_text(json.dumps(REFERENCE), encoding="utf-8")
    return tmp_path


def write(folder, monitoring, name="reports/monitoring.json"):
    text = monitoring if isinstance(monitoring, str) else json.dumps(monitoring)
    (folder / name).write_text(text, encoding="utf-8")


def one_error_line(result, code, *words):
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert all(word in lines[0] for word in words), lines[0]


def test_keep_is_exit_0_with_one_line(folder):
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "keep: every rule holds: live ROC AUC low end 0.812 >= floor 0.75; estimated ROC AUC "
        "0.870 >= reference 0.875 - 0.05; drift: 0 of 8 features at drift alert (0%) < 25%; "
        "model age 30.0 days <= 180"
    ]


def test_no_outcomes_yet_is_said_not_judged(folder):
    write(folder, report(live=False))
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    assert result.returncode == 0, result.stderr
    assert "live ROC AUC: no outcomes yet, not judged" in result.stdout


def test_retrain_is_exit_1_with_every_reason(folder):
    write(folder, report(low=0.7, alerts=3))
    result = in_process(folder, "retrain", "decide", "--trained-at", "2024-01-01T00:00:00Z")
    lines = result.stdout.splitlines()
    assert [line.split(" ")[:2] for line in lines] == [
        ["retrain:", "live"], ["retrain:", "drift:"], ["retrain:", "model"]
    ]  # fmt: skip
    assert "0.700 below the floor 0.75" in lines[0]
    assert "model age 547.0 days above max_model_age_days 180" in lines[2]
    one_error_line(result, 1, "retrain: 3 reasons", "reports/monitoring.json")


def test_the_model_age_defaults_to_dvc_locks_last_commit(folder):
    """Without --trained-at the model was trained when dvc.lock last changed in git."""
    (folder / "dvc.lock").write_text("schema: '2.0'\n", encoding="utf-8")
    when = {"GIT_AUTHOR_DATE": "2024-12-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-12-01T00:00:00Z"}
    for command in (["init", "-q"], ["add", "dvc.lock"], ["commit", "-q", "-m", "lock"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *command],
                       cwd=folder, check=True, env={**os.environ, **when})  # fmt: skip
    result = in_process(folder, "retrain", "decide")
    assert "model age 212.0 days above max_model_age_days 180" in result.stdout
    one_error_line(result, 1, "retrain: 1 reason ")


def test_without_git_or_trained_at_the_age_is_unknown(folder):
    result = in_process(folder, "retrain", "decide")
    one_error_line(result, 2, "training time is unknown", "--trained-at")


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
    one_error_line(result, 2, *words)


def test_a_reference_that_is_not_the_monitors_is_refused(folder):
    other = {"metrics": {"roc_auc": 0.8}}
    (folder / "reports/reference.json").write_text(json.dumps(other), encoding="utf-8")
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    one_error_line(result, 2, "not the reference the monitor used", "0.8000", "0.8750")


def test_a_bad_retrain_section_names_the_file_and_key(folder, raw_params):
    write_config(folder / "params.yaml", {**raw_params, "retrain": {"max_age_days": 90}})
    result = in_process(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    one_error_line(result, 2, "policy.yaml", "unknown key 'retrain.max_age_days'")


def test_the_console_script_answers_alike(folder):
    write(folder, report(low=0.7))
    result = console(folder, "retrain", "decide", "--trained-at", "2025-06-01")
    assert result.stdout.startswith("retrain: live ROC AUC interval low end 0.700")
    one_error_line(result, 1, "retrain: 1 reason ")
