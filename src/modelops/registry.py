"""Git is the model registry: versions and stages are GTO tags, read and written with gto.

Registration and promotion run the metric gate first and refuse a model that fails it;
rollback hands a stage back to the version that held it before. Every step is a tag.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from modelops.baselines import (
    Baseline,
    baseline_at_ref,
    baseline_in_stage,
    git_output,
    read_reports_at,
)
from modelops.errors import CheckFailed, InputError
from modelops.gate import Verdict, evaluate_gate
from modelops.params import GateParams

BUMPS = ("major", "minor", "patch")


def registry_errors(function):
    """Turn gto's own errors (bad config, unknown stage, tag clash) into exit code 2."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from gto.exceptions import GTOException

        try:
            return function(*args, **kwargs)
        except GTOException as err:
            raise InputError(f"registry: {err}") from None

    return wrapper


@dataclass(frozen=True)
class TagEvent:
    """What a registry tag records: a registration or an assignment, of which version."""

    tag: str
    kind: str  # registration | deregistration | assignment | unassignment
    artifact: str
    version: str
    commit: str
    stage: str | None = None


@registry_errors
def read_tag(repo: Path, tag: str, artifact: str) -> TagEvent:
    """Parse and look up a registry tag; a malformed or foreign tag is an InputError."""
    import gto.api
    from gto.exceptions import GTOException

    try:
        parsed = gto.api.parse_tag_name(tag)
    except GTOException:
        raise InputError(
            f"'{tag}' is not a registry tag: expected {artifact}@vX.Y.Z, {artifact}@vX.Y.Z! "
            f"or {artifact}#STAGE#N"
        ) from None
    if parsed["name"] != artifact:
        raise InputError(f"tag '{tag}' names artifact '{parsed['name']}', not '{artifact}'")
    events = gto.api.check_ref(repo, tag)
    if not events:
        raise InputError(f"tag '{tag}' is not in this repository")
    event = events[0]
    kind = type(event).__name__.lower()
    return TagEvent(
        tag, kind, artifact, event.version, event.commit_hexsha, getattr(event, "stage", None)
    )


def model_hash_at(repo: Path, commit: str, model_path: str) -> str | None:
    """The model's DVC hash as dvc.lock records it at commit (None if not there)."""
    text = git_output(repo, "show", f"{commit}:dvc.lock")
    if not text:
        return None
    for stage in (yaml.safe_load(text) or {}).get("stages", {}).values():
        for out in stage.get("outs", []):
            if out.get("path") == model_path:
                return out.get("md5")
    return None


@registry_errors
def versions(repo: Path, artifact: str) -> list[dict]:
    """Every version of artifact, newest first: version, commit, date, stages, registered."""
    import gto.api
    from gto.exceptions import ArtifactNotFound

    try:
        shown = gto.api.show(repo, artifact, deprecated=True)  # one holder per stage: the latest
    except ArtifactNotFound:
        return []
    result = []
    for v in shown:
        result.append(
            {
                "version": v["version"],
                "commit": v["commit_hexsha"],
                "date": v["created_at"],
                "stages": sorted(s["stage"] for s in v["stages"] if s["is_active"]),
                "registered": bool(v["is_active"]),
            }
        )
    return result


def latest_registered(repo: Path, artifact: str) -> dict | None:
    registered = [v for v in versions(repo, artifact) if v["registered"]]
    return max(registered, key=lambda v: _semver(v["version"]), default=None)


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.lstrip("v").split("."))


def gate_for_commit(repo: Path, commit: str, params: GateParams, stages) -> Verdict:
    """The gate on the reports committed at commit, against the models in stages."""
    current = read_reports_at(repo, commit)
    if current.get("metrics") is None:
        raise InputError(f"no reports/metrics.json at {commit[:8]}: nothing to gate")
    baselines = [baseline_in_stage(repo, params.artifact, stage) for stage in stages]
    return evaluate_gate(current, baselines, params)


def _refuse(action: str, verdict: Verdict) -> CheckFailed:
    rules = "; ".join(
        f"{r.rule}: {'missing' if r.value is None else f'{r.value:.4f}'}"
        f" ({f'{r.note}, ' if r.note else ''}needs {r.threshold})"
        for r in verdict.failed
    )
    return CheckFailed(f"{action} refused: the gate fails: {rules}")


@registry_errors
def register(
    repo: Path, params: GateParams, model_path: str, bump: str, push: bool, if_changed: bool
) -> str | None:
    """Register HEAD's model as the next version; None when unchanged and if_changed is set.

    Registering records a candidate: it must keep the gate's absolute, segment and data rules.
    Comparing with the model in a stage is promotion's job.
    """
    import gto.api

    head = (git_output(repo, "rev-parse", "HEAD") or "").strip()
    if not head:
        raise InputError("no commit to register")
    verdict = gate_for_commit(repo, head, params, stages=[])
    if not verdict.passed:
        raise _refuse("registration", verdict)
    latest = latest_registered(repo, params.artifact)
    head_hash = model_hash_at(repo, head, model_path)
    if latest and head_hash and head_hash == model_hash_at(repo, latest["commit"], model_path):
        if if_changed:
            return None
        raise CheckFailed(
            f"registration refused: the model at HEAD is identical to "
            f"{params.artifact}@{latest['version']} (DVC hash {head_hash})"
        )
    _wait_for_a_new_second(repo, params.artifact)
    if latest is None:  # gto cannot bump from nothing: the first version is the bump itself
        first = {"major": "v1.0.0", "minor": "v0.1.0", "patch": "v0.0.1"}[bump]
        gto.api.register(repo, params.artifact, "HEAD", version=first, push=push)
    else:
        gto.api.register(repo, params.artifact, "HEAD", push=push, **{f"bump_{bump}": True})
    return latest_registered(repo, params.artifact)["version"]


@registry_errors
def promote(repo: Path, params: GateParams, version: str, stage: str, push: bool) -> str:
    """Assign stage to version after the gate passes against the model now in that stage."""
    import gto.api

    known = {v["version"]: v for v in versions(repo, params.artifact)}
    if version not in known or not known[version]["registered"]:
        raise InputError(f"{params.artifact}@{version} is not a registered version")
    _check_stage(repo, stage)
    verdict = gate_for_commit(repo, known[version]["commit"], params, [stage])
    if not verdict.passed:
        raise _refuse(f"promotion of {version} to {stage}", verdict)
    _wait_for_a_new_second(repo, params.artifact)
    # force: a version that held the stage before may hold it again.
    gto.api.assign(repo, params.artifact, stage, version=version, push=push, force=True)
    return _holder_tag(repo, params.artifact, stage)


@registry_errors
def rollback(repo: Path, artifact: str, stage: str, push: bool) -> tuple[str, str]:
    """Give stage back to the version that held it before the current one: (from, to)."""
    import gto.api

    _check_stage(repo, stage)
    history = _assignments(repo, artifact, stage)
    if not history:
        raise InputError(f"no version of {artifact} has been in {stage}")
    current = history[-1]["version"]
    earlier = [h["version"] for h in history if h["version"] != current]
    if not earlier:
        raise CheckFailed(f"rollback refused: {current} is the only version {stage} has had")
    _wait_for_a_new_second(repo, artifact)
    gto.api.assign(
        repo,
        artifact,
        stage,
        version=earlier[-1],
        push=push,
        force=True,  # the earlier version's old assignment is still on record
        message=f"Rollback of {stage}: {current} -> {earlier[-1]}",
    )
    return current, earlier[-1]


@registry_errors
def verify(repo: Path, params: GateParams, version: str, stage: str | None) -> Verdict:
    """The gate for a registered version, again (as release and deploy do before acting).

    Without a stage: the rules registration applies. With one: also against the version that
    held that stage before this version's latest assignment to it, as promotion did.
    """
    known = {v["version"]: v for v in versions(repo, params.artifact)}
    if version not in known:
        raise InputError(f"{params.artifact}@{version} is not a version in this repository")
    current = read_reports_at(repo, known[version]["commit"])
    if current.get("metrics") is None:
        raise InputError(f"no reports/metrics.json at {params.artifact}@{version}")
    baselines = []
    if stage is not None:
        _check_stage(repo, stage)
        baselines.append(_previous_holder(repo, params.artifact, stage, version))
    return evaluate_gate(current, baselines, params)


def _previous_holder(repo: Path, artifact: str, stage: str, version: str) -> Baseline:
    history = _assignments(repo, artifact, stage)
    mine = [i for i, h in enumerate(history) if h["version"] == version]
    before = [h for h in history[: mine[-1] if mine else len(history)] if h["version"] != version]
    if not before:
        return Baseline(stage, f"{artifact}#{stage}", None, {}, f"no earlier version in {stage}")
    holder = before[-1]
    baseline = baseline_at_ref(repo, holder["commit"], stage)
    return Baseline(
        stage, f"{artifact}@{holder['version']} ({stage})", baseline.commit, baseline.reports
    )


def _assignments(repo: Path, artifact: str, stage: str) -> list[dict]:
    """Assignments of stage, oldest first, in the order of their tags' counters."""
    import gto.api

    events = [
        e
        for e in gto.api.history(repo, artifact)
        if e["event"] == "assignment" and e["stage"] == stage
    ]
    return sorted(events, key=lambda e: gto.api.parse_tag_name(e["ref"])["counter"])


def _holder_tag(repo: Path, artifact: str, stage: str) -> str:
    return _assignments(repo, artifact, stage)[-1]["ref"]


def _check_stage(repo: Path, stage: str) -> None:
    import gto.api

    allowed = gto.api.get_stages(repo, allowed=True)
    if allowed and stage not in allowed:
        raise InputError(f"unknown stage '{stage}': .gto allows {', '.join(allowed)}")


def _wait_for_a_new_second(repo: Path, artifact: str) -> None:
    """GTO orders events by their tags' time, to the second: never write two in one second."""
    import gto.api
    from gto.exceptions import ArtifactNotFound

    try:
        history = gto.api.history(repo, artifact)
    except ArtifactNotFound:
        return
    latest = max((e["timestamp"] for e in history), default=None)
    while latest is not None and datetime.now(UTC).replace(microsecond=0) <= latest:
        time.sleep(0.1)


def artifact_path(repo: Path, artifact: str) -> str:
    """Where dvc.yaml says the artifact lives (models/model.skops for credit-risk)."""
    from modelops.errors import ConfigError

    declared = (yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8")) or {}).get(
        "artifacts", {}
    )
    if artifact not in declared:
        raise ConfigError(f"dvc.yaml declares no artifact '{artifact}' (gate.artifact)")
    return declared[artifact]["path"]
