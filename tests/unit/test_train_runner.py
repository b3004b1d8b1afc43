"""Protects training on a bigger machine: ci.yml's job that runs `dvc repro` goes to the runner
the repository variable TRAIN_RUNNER names, and to GitHub's ubuntu-latest when it is unset.

act evaluates the job's `runs-on` in a dry run, so the expression is judged by an implementation
of GitHub's, not by reading its text. Each runner label is mapped to a container image name that
exists nowhere: act names the image of the label it picked, then stops (no Docker here; and in
a dry run no step runs), in a folder that holds only the workflow file: well under a second.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
import yaml
from support.repos import run, tool_env

CI = ".github/workflows/ci.yml"
LABELS = ("ubuntu-latest", "cml-gpu")


@pytest.fixture(scope="module")
def training_job(project_root) -> str:
    jobs = yaml.safe_load((project_root / CI).read_text())["jobs"]
    (name,) = [
        name
        for name, job in jobs.items()
        if any(step.get("run", "").strip() == "dvc repro" for step in job["steps"])
    ]
    return name


def runner_label(project_root, tmp_path, job: str, *variables: str) -> str:
    """The runner label act picks for one job of ci.yml on a pull request."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    shutil.copy2(project_root / CI, tmp_path / CI)
    run("git", "init", "-q", cwd=tmp_path)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"ref": "main"}}}))
    command = ["act", "pull_request", "--dryrun", "-j", job, "-e", str(event)]
    for label in LABELS:
        command += ["-P", f"{label}=stand-in/{label}"]
    for variable in variables:
        command += ["--var", variable]
    result = subprocess.run(
        command, cwd=tmp_path, env=tool_env(), capture_output=True, text=True, timeout=60
    )
    log = result.stdout + result.stderr
    started = re.findall(r"Start image=stand-in/(\S+)", log)
    assert len(started) == 1, log
    return started[0]


def test_training_runs_on_ubuntu_latest_when_no_runner_is_set(project_root, tmp_path, training_job):
    assert runner_label(project_root, tmp_path, training_job) == "ubuntu-latest"


def test_training_goes_to_the_runner_train_runner_names(project_root, tmp_path, training_job):
    label = runner_label(project_root, tmp_path, training_job, "TRAIN_RUNNER=cml-gpu")
    assert label == "cml-gpu"
