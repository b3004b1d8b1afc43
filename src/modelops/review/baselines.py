"""The reports a change is compared with, read from git rather than the working tree.

A baseline is a ref (e.g. `main`) or the commit of the model version that holds a stage in
the GTO registry (tag `credit-risk#prod#N`). "No baseline" is said only where it is true: no
version holds the stage yet, or the ref predates the reports. An unknown ref or stage and an
unreadable report are InputErrors (exit 2): a gate must never pass because it read nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelops.config import paths
from modelops.config.layout import sections_at
from modelops.errors import ConfigError, InputError, shown_text
from modelops.git import file_at, resolve_commit
from modelops.registry.tags import Holder, stage_holder

REPORT_FILES = {
    "metrics": paths.METRICS,
    "segments": paths.SEGMENTS,
    "data_quality": paths.DATA_QUALITY,
    "training": paths.TRAINING,
    "fairness": paths.FAIRNESS,
    "candidate": paths.CANDIDATE,  # none before the candidate and its refit were kept apart
}


@dataclass(frozen=True)
class Baseline:
    """The reports at one commit, and how that commit was found."""

    name: str
    ref: str
    commit: str | None
    reports: dict[str, dict | None]
    note: str = ""
    same_rows: Any = None  # champion.SameRows: its model scored on this change's rows

    @property
    def found(self) -> bool:
        return self.reports.get("metrics") is not None


def read_reports_at(repo: Path, commit: str, ref: str | None = None) -> dict[str, dict | None]:
    """Each report as committed at commit; None where the commit does not have the file.

    A file that is there but is not a JSON object is an InputError naming it (and the ref).
    """
    at = commit[:8] if ref in (None, commit) else f"'{shown_text(ref)}' ({commit[:8]})"
    reports: dict[str, dict | None] = {}
    for key, path in REPORT_FILES.items():
        text = file_at(repo, commit, str(path))
        if text is None:
            reports[key] = None
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path} at {at} is not valid JSON ({err})") from None
        if not isinstance(value, dict):
            raise InputError(f"{path} at {at} is not a JSON object")
        reports[key] = value
    return reports


def baseline_at_ref(repo: Path, ref: str, name: str | None = None) -> Baseline:
    """The reports at a branch, tag or commit; `origin/main` is named `main`."""
    name = name or ref.removeprefix("origin/")
    commit = resolve_commit(repo, ref)
    reports = read_reports_at(repo, commit, ref)
    note = "" if reports["metrics"] is not None else f"'{ref}' predates {paths.METRICS}"
    return Baseline(name, ref, commit, reports, note)


def baseline_of_holder(repo: Path, artifact: str, stage: str, holder: Holder | None) -> Baseline:
    """The reports of the version holding stage; no holder means no baseline, said so."""
    if holder is None:
        return Baseline(
            stage, f"{artifact}#{stage}", None, {}, f"no version of {artifact} in {stage}"
        )
    baseline = baseline_at_ref(repo, holder.commit, stage)
    return Baseline(
        stage, f"{artifact}@{holder.version} ({stage})", baseline.commit, baseline.reports,
        baseline.note,
    )  # fmt: skip


def baseline_in_stage(repo: Path, artifact: str, stage: str) -> Baseline:
    """The reports at the commit of the version of artifact that holds stage, if any."""
    return baseline_of_holder(repo, artifact, stage, stage_holder(repo, artifact, stage))


def params_at(repo: Path, commit: str | None) -> dict | None:
    """The config files' sections as committed at commit (params.yaml and the files beside it,
    config/layout.py), or None when there is no params.yaml."""
    if commit is None:
        return None
    # Outside git, or for a commit this repository lacks, an InputError: not "nothing changed".
    commit = resolve_commit(repo, commit)
    try:
        return sections_at(lambda path: file_at(repo, commit, path.as_posix()))
    except ConfigError as err:
        raise InputError(f"{err} (at {commit[:8]})") from None
