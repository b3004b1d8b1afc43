"""The gate applied where it is needed: to this change's reports in the working tree (a pull
request), or to the reports committed with a registered version (registration, promotion,
release and deploy), against the baselines each case calls for. Every comparison with a
baseline scores the baseline's model on the rows of the model under review.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from modelops.config import paths
from modelops.config.contract import Contract
from modelops.config.metrics import METRICS, metric_value
from modelops.config.params import Params
from modelops.config.reading import load_yaml, parse
from modelops.equivalence import recorded_judge
from modelops.errors import ConfigError, InputError
from modelops.files import read_json, read_table
from modelops.git import file_at
from modelops.model.persistence import load_model
from modelops.model.refit import CandidateAnswers, read_candidate
from modelops.model.train import Target
from modelops.pipeline_state import artifact_path
from modelops.registry import tags
from modelops.registry.tags import Holder
from modelops.retrieve import Unavailable, retrieve_output
from modelops.review.baselines import (
    REPORT_FILES,
    Baseline,
    baseline_at_ref,
    baseline_of_holder,
    params_at,
    read_reports_at,
)
from modelops.review.champion import Challenger, challenger_of, same_rows
from modelops.review.gate import Verdict, evaluate_gate

# Stored and recomputed metrics agree to this (both are floats from the same computation).
AGREEMENT = 1e-9


def workspace_reports(reports: Path) -> dict[str, dict | None]:
    """This change's reports (metrics must be there; the gate fails the others' absence)."""
    current = {}
    for key, default in REPORT_FILES.items():
        path = reports / default.name
        current[key] = read_json(path, f"{key} report") if path.is_file() else None
    if current["metrics"] is None:
        raise InputError(f"{reports / paths.METRICS.name} not found (run dvc repro first)")
    return current


def bundle_model(repo: Path, artifact: str, holder: Holder | None) -> list[Path]:
    """Where a release bundle of the holder's version keeps its model, if it was built here."""
    if holder is None:
        return []
    return [repo / paths.DIST / f"{artifact}-{holder.version}" / "model.skops"]


def compared(repo: Path, baseline: Baseline, challenger: Challenger, params: Params, bundles=()):
    """baseline with its model scored on the challenger's rows (when it has a commit)."""
    if baseline.commit is None:
        return baseline
    return replace(
        baseline, same_rows=same_rows(repo, baseline.commit, challenger, params, bundles)
    )


def change_verdict(
    repo: Path,
    reports: Path,
    baseline_ref: str,
    stages: list[str],
    params: Params,
    contract: Contract,
    model_file: Path,
    test_file: Path,
) -> Verdict:
    """A pull request's gate: against a ref and the versions holding the given stages."""
    current = workspace_reports(reports)
    target = Target(contract.target.column, contract.target.positive)
    candidate = _candidate(current, str(reports / paths.CANDIDATE.name))
    challenger = challenger_of(
        load_model(model_file), read_table(test_file), target, params, candidate
    )
    _check_agrees(current["metrics"], challenger, f"{reports / paths.METRICS.name}")
    artifact = params.gate.artifact
    baselines = [compared(repo, baseline_at_ref(repo, baseline_ref), challenger, params)]
    for stage in stages:
        holder = tags.stage_holder(repo, artifact, stage)
        baseline = baseline_of_holder(repo, artifact, stage, holder)
        bundles = bundle_model(repo, artifact, holder)
        baselines.append(compared(repo, baseline, challenger, params, bundles))
    return evaluate_gate(
        current, baselines, params.gate, params.evaluate.segments, fairness=params.fairness
    )


def commit_verdict(
    repo: Path, commit: str, params: Params, baselines: list[tuple[Baseline, list[Path]]]
) -> Verdict:
    """The gate on the reports and the model committed at commit (a registered version),
    each baseline's model scored on that commit's test rows."""
    current = read_reports_at(repo, commit)
    if current.get("metrics") is None:
        raise InputError(f"no {paths.METRICS} at {commit[:8]}: nothing to gate")
    judged, notes = [b for b, _ in baselines], ()
    if any(b.commit is not None for b, _ in baselines):
        candidate = _candidate(current, f"{paths.CANDIDATE} at {commit[:8]}")
        challenger, notes = _challenger_at(repo, commit, params, candidate)
        _check_agrees(current["metrics"], challenger, f"{paths.METRICS} at {commit[:8]}")
        judged = [compared(repo, b, challenger, params, bundles) for b, bundles in baselines]
    # The version's own params say whether it declared a new baseline when it was reviewed.
    declared = ((params_at(repo, commit) or {}).get("gate") or {}).get("new_baseline") is True
    gate = params.gate.model_copy(update={"new_baseline": declared})
    verdict = evaluate_gate(
        current,
        judged,
        gate,
        params.evaluate.segments,
        declared_here=False,
        fairness=params.fairness,
    )
    return replace(verdict, notes=notes)


def _candidate(reports: dict, source: str) -> CandidateAnswers | None:
    found = reports.get("candidate")
    return None if found is None else read_candidate(found, source)


def _challenger_at(
    repo: Path, commit: str, params: Params, candidate: CandidateAnswers | None
) -> tuple[Challenger, tuple[str, ...]]:
    """The model and test rows recorded at commit, and the target its contract names; with
    a note when the model is not dvc.lock's bytes but proven the same by its answers."""
    text = file_at(repo, commit, str(paths.CONTRACT))
    if text is None:
        raise InputError(f"no {paths.CONTRACT} at {commit[:8]}")
    where = f"{paths.CONTRACT} at {commit[:8]}"
    raw = load_yaml(text, where) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the contract must be a mapping, got {type(raw).__name__}")
    contract = parse(Contract, raw, where)
    judge = recorded_judge(repo, commit, params.gate.equivalence)
    try:
        model_path = artifact_path(repo, params.gate.artifact, commit)
        model = retrieve_output(repo, commit, model_path, judge=judge)
        test = retrieve_output(repo, commit, str(paths.TEST))
    except Unavailable as why:
        raise InputError(f"the version's own model or test set: {why}") from None
    target = Target(contract.target.column, contract.target.positive)
    challenger = challenger_of(
        load_model(model.path), read_table(test.path), target, params, candidate
    )
    notes = ()
    if model.behaviour is not None:
        notes = (f"the model at {commit[:8]} rebuilt on this machine: {model.behaviour.summary()}",)
    return challenger, notes


def gate_check(repo: Path, params: Params, stage: str | None = None):
    """The registry's GateCheck: failing rules of a commit's model against a stage holder."""

    def failures(commit: str, holder: Holder | None) -> list[str]:
        baselines = []
        if stage is not None:
            baseline = baseline_of_holder(repo, params.gate.artifact, stage, holder)
            baselines.append((baseline, bundle_model(repo, params.gate.artifact, holder)))
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
        baseline = baseline_of_holder(repo, artifact, stage, previous)
        baselines.append((baseline, bundle_model(repo, artifact, previous)))
    return commit_verdict(repo, holder.commit, params, baselines)


def _check_agrees(stored: dict, challenger: Challenger, where: str) -> None:
    """The stored metrics describe this very model on these very rows (else they are stale)."""
    for name in METRICS:
        before, now = metric_value(stored, name), metric_value(challenger.scored.metrics, name)
        if before is None or now is None:
            continue
        if not math.isclose(before, now, rel_tol=AGREEMENT, abs_tol=AGREEMENT):
            raise InputError(
                f"{where} says {name} {before:.6f}, but the model scores {now:.6f} on the "
                "test set: the reports are stale (run dvc repro)"
            )
