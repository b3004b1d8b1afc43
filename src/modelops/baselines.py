"""The reports a change is compared with, read from git rather than the working tree.

A baseline is a ref (e.g. `main`) or the commit of the model version that holds a stage in
the GTO registry (tag `credit-risk#prod#N`). What is not there yet is None, never an error:
the first pull request has no production model to compare with.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from modelops.errors import ConfigError

REPORT_FILES = {
    "metrics": "reports/metrics.json",
    "segments": "reports/segments.json",
    "data_quality": "reports/data_quality.json",
}


@dataclass(frozen=True)
class Baseline:
    """The reports at one commit, and how that commit was found."""

    name: str
    ref: str
    commit: str | None
    reports: dict[str, dict | None]
    note: str = ""

    @property
    def found(self) -> bool:
        return self.reports.get("metrics") is not None


def git_output(repo: Path, *args: str) -> str | None:
    """What a git command prints, or None when it fails (an unknown ref, a missing file)."""
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def read_reports_at(repo: Path, commit: str) -> dict[str, dict | None]:
    """Each report file as committed at commit; None where the file is not there."""
    reports: dict[str, dict | None] = {}
    for key, path in REPORT_FILES.items():
        text = git_output(repo, "show", f"{commit}:{path}")
        try:
            reports[key] = json.loads(text) if text else None
        except json.JSONDecodeError:
            reports[key] = None
    return reports


def baseline_at_ref(repo: Path, ref: str, name: str | None = None) -> Baseline:
    """The reports at a branch, tag or commit; `origin/main` is named `main`."""
    name = name or ref.removeprefix("origin/")
    commit = git_output(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit is None:
        return Baseline(name, ref, None, {}, f"no ref '{ref}' in this repository")
    commit = commit.strip()
    baseline = Baseline(name, ref, commit, read_reports_at(repo, commit))
    if not baseline.found:
        return Baseline(baseline.name, ref, commit, baseline.reports, f"no metrics at '{ref}'")
    return baseline


def stage_holder(repo: Path, artifact: str, stage: str) -> dict | None:
    """The version that holds stage now, as gto shows it (the latest assignment in time).

    None when no version holds it. A broken registry is a ConfigError, not "no holder":
    it would silently switch every comparison with that stage off.
    """
    import gto.api
    from gto.exceptions import ArtifactNotFound, GTOException

    try:
        shown = gto.api.show(repo, artifact)
    except ArtifactNotFound:
        return None  # no version registered yet
    except GTOException as err:
        raise ConfigError(f"the model registry cannot be read (.gto, tags): {err}") from None
    for version in shown:
        if any(s["stage"] == stage and s["is_active"] for s in version["stages"]):
            return {"version": version["version"], "commit": version["commit_hexsha"]}
    return None


def baseline_in_stage(repo: Path, artifact: str, stage: str) -> Baseline:
    """The reports at the commit of the version of artifact that holds stage, if any."""
    holder = stage_holder(repo, artifact, stage)
    if holder is None:
        return Baseline(
            stage, f"{artifact}#{stage}", None, {}, f"no version of {artifact} in {stage}"
        )
    baseline = baseline_at_ref(repo, holder["commit"], stage)
    return Baseline(
        stage,
        f"{artifact}@{holder['version']} ({stage})",
        baseline.commit,
        baseline.reports,
        baseline.note,
    )


def params_at(repo: Path, commit: str | None) -> dict | None:
    """params.yaml as committed at commit, or None."""
    import yaml

    text = git_output(repo, "show", f"{commit}:params.yaml") if commit else None
    try:
        return yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return None
