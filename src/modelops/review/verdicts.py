"""The gate applied where it is needed: to this change's reports in the working tree (a pull
request), or to the reports committed with a registered version (registration, promotion,
release and deploy), against the baselines each case calls for.
"""

from __future__ import annotations

from pathlib import Path

from modelops.config import paths
from modelops.config.params import Params
from modelops.errors import InputError
from modelops.files import read_json
from modelops.registry import tags
from modelops.registry.tags import Holder
from modelops.review.baselines import (
    REPORT_FILES,
    Baseline,
    baseline_at_ref,
    baseline_in_stage,
    baseline_of_holder,
    read_reports_at,
)
from modelops.review.gate import Verdict, evaluate_gate


def workspace_reports(reports: Path) -> dict[str, dict | None]:
    """This change's reports (metrics must be there; the gate fails the others' absence)."""
    current = {}
    for key, default in REPORT_FILES.items():
        path = reports / default.name
        current[key] = read_json(path, f"{key} report") if path.is_file() else None
    if current["metrics"] is None:
        raise InputError(f"{reports / paths.METRICS.name} not found (run dvc repro first)")
    return current


def change_verdict(
    repo: Path, reports: Path, baseline_ref: str, stages: list[str], params: Params
) -> Verdict:
    """A pull request's gate: against a ref and the versions holding the given stages."""
    current = workspace_reports(reports)
    baselines = [baseline_at_ref(repo, baseline_ref)]
    baselines += [baseline_in_stage(repo, params.gate.artifact, stage) for stage in stages]
    return evaluate_gate(current, baselines, params.gate, params.evaluate.segments)


def commit_verdict(repo: Path, commit: str, params: Params, baselines: list[Baseline]) -> Verdict:
    """The gate on the reports committed at commit."""
    current = read_reports_at(repo, commit)
    if current.get("metrics") is None:
        raise InputError(f"no {paths.METRICS} at {commit[:8]}: nothing to gate")
    return evaluate_gate(current, baselines, params.gate, params.evaluate.segments)


def gate_check(repo: Path, params: Params, stage: str | None = None):
    """The registry's GateCheck: failing rules of a commit's model against a stage holder."""

    def failures(commit: str, holder: Holder | None) -> list[str]:
        baselines = []
        if stage is not None:
            baselines.append(baseline_of_holder(repo, params.gate.artifact, stage, holder))
        return [r.summary() for r in commit_verdict(repo, commit, params, baselines).failed]

    return failures


def version_verdict(repo: Path, params: Params, version: str, stage: str | None) -> Verdict:
    """The gate again for a version, as release and deploy run it before acting.

    Without a stage: the rules registration applies. With one: also against the version that
    held that stage before this version's latest assignment to it, as promotion did.
    """
    artifact = params.gate.artifact
    holder = tags.find_version(repo, artifact, version, registered=False)
    baselines = []
    if stage is not None:
        tags.check_stage(repo, stage)
        previous = tags.previous_holder(repo, artifact, stage, version)
        baselines.append(baseline_of_holder(repo, artifact, stage, previous))
    return commit_verdict(repo, holder.commit, params, baselines)
