"""Registration, promotion and rollback: when a version may be tagged, and with what.

The gate is passed in (`GateCheck`): the registry only knows that a commit's model passed or
which rules it failed, so that the rules live in one place (modelops.review) and the registry
stays a thin layer over GTO tags.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from modelops.errors import CheckFailed, InputError
from modelops.git import require_commits
from modelops.pipeline_state import output_hashes
from modelops.registry import tags
from modelops.registry.tags import Holder

BUMPS = ("major", "minor", "patch")
FIRST_VERSION = {"major": "v1.0.0", "minor": "v0.1.0", "patch": "v0.0.1"}

# gate_check(commit, baseline): the failing rules of the model at commit, compared with the
# baseline holder's model when one is given; [] when the gate passes.
GateCheck = Callable[[str, Holder | None], list[str]]

# Each tag's message ends with the gate's verdict on that step, after GATE (one line), so that
# `modelops registry audit` reads from the tags alone what was checked when.
GATE = "gate: "


def gate_line(failures: list[str] | None, scope: str) -> str:
    """The verdict as a tag message states it: passed, failed with the rules, or not run."""
    if failures is None:
        return f"{GATE}not run ({scope})"
    if failures:
        return f"{GATE}failed ({scope}): {'; '.join(failures)}"
    return f"{GATE}passed ({scope})"


def _refuse(action: str, failures: list[str]) -> CheckFailed:
    return CheckFailed(f"{action} refused: the gate fails: {'; '.join(failures)}")


def register(
    repo: Path, artifact: str, model_path: str, bump: str, push: bool, if_changed: bool,
    gate_check: GateCheck,
) -> str | None:  # fmt: skip
    """Register HEAD's model as the next version; None when unchanged and if_changed is set.

    Registering records a candidate: it must keep the gate's absolute, segment and data rules.
    Comparing with the model in a stage is promotion's job.
    """
    if bump not in BUMPS:
        raise InputError(f"--bump must be one of {', '.join(BUMPS)}, got {bump!r}")
    head = require_commits(repo)
    failures = gate_check(head, None)
    if failures:
        raise _refuse("registration", failures)
    latest = tags.latest_version(repo, artifact)
    if latest is not None:
        head_hash = output_hashes(repo, head).get(model_path)
        if head_hash and head_hash == output_hashes(repo, latest.commit).get(model_path):
            if if_changed:
                return None
            raise CheckFailed(
                f"registration refused: the model at HEAD is identical to "
                f"{artifact}@{latest.version} (DVC hash {head_hash})"
            )
    # GTO cannot bump from nothing: the first version is the bump itself.
    first = FIRST_VERSION[bump] if latest is None else None
    verdict = gate_line(failures, "absolute, segment and data rules")
    message = f"Registration of {artifact} at {head[:8]}; {verdict}"
    tags.tag_registration(repo, artifact, first, bump, push, message)
    return tags.latest_version(repo, artifact).version


def promote(
    repo: Path, artifact: str, version: str, stage: str, push: bool, gate_check: GateCheck
) -> str:
    """Assign stage to version after the gate passes against the model now in that stage."""
    holder = tags.find_version(repo, artifact, version)
    current = tags.stage_holder(repo, artifact, stage)
    failures = gate_check(holder.commit, current)
    if failures:
        raise _refuse(f"promotion of {version} to {stage}", failures)
    against = f"against {stage}'s {current.version}" if current else f"no model in {stage} yet"
    message = f"Promotion of {version} to {stage}; {gate_line(failures, against)}"
    return tags.tag_assignment(repo, artifact, stage, version, push, message=message)


def rollback(repo: Path, artifact: str, stage: str, push: bool) -> tuple[str, str]:
    """Give stage back to the version that held it before the current one: (from, to)."""
    tags.check_stage(repo, stage)
    history = tags.assignments(repo, artifact, stage)
    if not history:
        raise InputError(f"no version of {artifact} has been in {stage}")
    current = history[-1]["version"]
    earlier = [h["version"] for h in history if h["version"] != current]
    if not earlier:
        raise CheckFailed(f"rollback refused: {current} is the only version {stage} has had")
    restores = f"a rollback restores the version that held {stage} before"
    message = f"Rollback of {stage}: {current} -> {earlier[-1]}; {gate_line(None, restores)}"
    tags.tag_assignment(repo, artifact, stage, earlier[-1], push, message=message)
    return current, earlier[-1]
