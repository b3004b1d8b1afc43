"""The registry's tags, read and written with GTO: versions, stage holders, assignments.

Git is the model registry: `credit-risk@v1.2.0` registers a version, `credit-risk#prod#3`
assigns a stage. GTO's own errors (a bad .gto, an unknown stage, a tag clash) become
InputError (exit 2).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from modelops.errors import InputError, shown_text
from modelops.git import require_commits


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


def workspace_version(md5: str) -> str:
    """The version a workspace model (not a release) is served and logged as: from the md5 of
    its file, so the monitor can tell which stored predictions it made."""
    return f"workspace-{md5[:8]}"


@dataclass(frozen=True)
class Holder:
    """A version and the commit it registered."""

    version: str
    commit: str


@registry_errors
def versions(repo: Path, artifact: str) -> list[dict]:
    """Every version of artifact, newest first: version, commit, date, stages, registered."""
    import gto.api
    from gto.exceptions import ArtifactNotFound

    require_commits(repo)
    try:
        shown = gto.api.show(repo, artifact, deprecated=True)
    except ArtifactNotFound:
        return []
    return [
        {
            "version": v["version"],
            "commit": v["commit_hexsha"],
            "date": v["created_at"],
            "stages": sorted(s["stage"] for s in v["stages"] if s["is_active"]),
            "registered": bool(v["is_active"]),
        }
        for v in shown
    ]


@registry_errors
def latest_version(repo: Path, artifact: str) -> Holder | None:
    """The highest registered version (semver), or None before the first registration."""
    import gto.api
    from gto.exceptions import ArtifactNotFound

    require_commits(repo)
    try:
        latest = gto.api.find_latest_version(repo, artifact)
    except ArtifactNotFound:
        return None
    return None if latest is None else Holder(latest.version, latest.commit_hexsha)


def find_version(repo: Path, artifact: str, version: str, registered: bool = True) -> Holder:
    """A version of artifact (registered, unless told otherwise); else an InputError."""
    for v in versions(repo, artifact):
        if v["version"] == version:
            if registered and not v["registered"]:
                raise InputError(f"{artifact}@{version} is deregistered")
            return Holder(v["version"], v["commit"])
    raise InputError(f"{artifact}@{shown_text(version)} is not a registered version")


@registry_errors
def stage_holder(repo: Path, artifact: str, stage: str) -> Holder | None:
    """The version that holds stage now, or None when no version holds it.

    It is the latest assignment in time, as `gto show` reports it. (GTO's
    find_versions_in_stage orders by semver: after a rollback it would name the newer
    version that just lost the stage.)
    """
    import gto.api
    from gto.exceptions import ArtifactNotFound

    check_stage(repo, stage)
    try:
        shown = gto.api.show(repo, artifact)
    except ArtifactNotFound:
        return None
    for version in shown:
        if any(s["stage"] == stage and s["is_active"] for s in version["stages"]):
            return Holder(version["version"], version["commit_hexsha"])
    return None


@registry_errors
def assignments(repo: Path, artifact: str, stage: str) -> list[dict]:
    """Assignments of stage, oldest first (by their tags' counters): version, commit, ref."""
    import gto.api
    from gto.exceptions import ArtifactNotFound

    try:
        history = gto.api.history(repo, artifact)
    except ArtifactNotFound:
        return []
    events = [e for e in history if e["event"] == "assignment" and e["stage"] == stage]
    return sorted(events, key=lambda e: gto.api.parse_tag_name(e["ref"])["counter"])


def previous_holder(repo: Path, artifact: str, stage: str, version: str) -> Holder | None:
    """The version that held stage before version's latest assignment to it (or before now)."""
    history = assignments(repo, artifact, stage)
    mine = [i for i, h in enumerate(history) if h["version"] == version]
    before = [h for h in history[: mine[-1] if mine else len(history)] if h["version"] != version]
    return Holder(before[-1]["version"], before[-1]["commit"]) if before else None


@registry_errors
def check_stage(repo: Path, stage: str) -> None:
    """An unknown stage (not in .gto's stages) is an InputError."""
    import gto.api

    require_commits(repo)
    allowed = gto.api.get_stages(repo, allowed=True)
    if allowed and stage not in allowed:
        raise InputError(f"unknown stage '{shown_text(stage)}': .gto allows {', '.join(allowed)}")


@registry_errors
def tag_registration(
    repo: Path,
    artifact: str,
    version: str | None,
    bump: str,
    push: bool,
    message: str | None = None,
):
    """Tag HEAD as the given version, or as the latest version bumped; message annotates it."""
    import gto.api

    wait_for_a_new_second(repo, artifact)
    if version is not None:
        gto.api.register(repo, artifact, "HEAD", version=version, push=push, message=message)
    else:
        bumped = {f"bump_{bump}": True}
        gto.api.register(repo, artifact, "HEAD", push=push, message=message, **bumped)


@registry_errors
def tag_assignment(
    repo: Path, artifact: str, stage: str, version: str, push: bool, message: str | None = None
) -> str:
    """Assign stage to version (a new tag, also when it held the stage before); the tag."""
    import gto.api

    wait_for_a_new_second(repo, artifact)
    # force: a version that held the stage before may hold it again.
    gto.api.assign(repo, artifact, stage, version=version, push=push, force=True, message=message)
    return assignments(repo, artifact, stage)[-1]["ref"]


@registry_errors
def version_events(repo: Path, artifact: str, version: str) -> list[dict]:
    """Every tag of version (registration, stage assignments, deregistration), oldest first:
    GTO's events with their tagger, time and message; an InputError for an unknown version."""
    import gto.api

    find_version(repo, artifact, version, registered=False)
    history = gto.api.history(repo, artifact, ascending=True)
    return [e for e in history if e["version"] == version]


def wait_for_a_new_second(repo: Path, artifact: str) -> None:
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
