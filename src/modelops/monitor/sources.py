"""Where a monitoring run's reference comes from: the reference of exactly the model version
that served the traffic (the window's times are the command line's: cli/times.py)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from modelops.config import paths
from modelops.config.params import Equivalence
from modelops.equivalence import same_as_recorded
from modelops.errors import InputError, ModelopsError
from modelops.files import read_text
from modelops.git import git_output
from modelops.monitor.reference import Reference
from modelops.pipeline_state import output_hashes
from modelops.registry.tags import workspace_version
from modelops.retrieve import file_md5


def reference_for(
    version: str, repo: Path, artifact: str, bundle: Path | None, tolerance: Equivalence
) -> Reference:
    """The reference of the version that served: a bundle given, the release's bundle in
    dist/, the release's commit (its tag), or the workspace for a workspace-served model."""
    if bundle is not None:
        return Reference(_bundle_json(bundle, "reference.json"), str(bundle))
    if version.startswith("workspace-"):
        if not _workspace_served(repo, version, tolerance):
            raise InputError(
                f"no reference for {version}: the workspace model is no longer that model "
                "(check out the commit that trained it, or give --bundle)"
            )
        return Reference(_read(repo / paths.REFERENCE), str(paths.REFERENCE))
    folder = repo / paths.DIST / f"{artifact}-{version}"
    if (folder / "reference.json").is_file():
        return Reference(_read(folder / "reference.json"), str(folder / "reference.json"))
    tag = f"{artifact}@{version}"
    text = git_output(repo, "show", f"{tag}:{paths.REFERENCE}")
    if text is None:
        raise InputError(
            f"no reference for {version}: neither {folder}/reference.json nor "
            f"{paths.REFERENCE} at the tag {tag} (give --bundle)"
        )
    return Reference(_loads(text, f"{tag}:{paths.REFERENCE}"), f"{tag}:{paths.REFERENCE}")


def _workspace_served(repo: Path, version: str, tolerance: Equivalence) -> bool:
    """Whether the workspace's model is the one that served as version: its bytes, or, when
    version is the model HEAD's dvc.lock records (served on another machine), the workspace
    rebuild of it proven the same by its answers (modelops.equivalence)."""
    model = repo / paths.MODEL
    if not model.is_file():
        return False
    if workspace_version(file_md5(model)) == version:
        return True
    commit = (git_output(repo, "rev-parse", "HEAD") or "").strip()
    try:
        recorded = output_hashes(repo, commit).get(str(paths.MODEL)) if commit else None
        if recorded is None or workspace_version(recorded) != version:
            return False
        return same_as_recorded(repo, commit, str(paths.MODEL), tolerance).same
    except ModelopsError:
        return False


def _read(path: Path) -> dict:
    if not path.exists() and not path.is_symlink():
        raise InputError(f"{path} not found: run the pipeline (dvc repro) to write it")
    # A folder, a broken link or bytes that are not UTF-8 say so (not "not found").
    return _loads(read_text(path, "monitoring reference"), str(path))


def _loads(text: str, source: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"reference {source}: not valid JSON ({err})") from None
    except RecursionError:
        raise InputError(f"reference {source}: nested too deeply to read") from None
    if not isinstance(data, dict):
        raise InputError(f"reference {source}: not a monitoring reference")
    return data


def _bundle_json(bundle: Path, name: str) -> dict:
    if bundle.is_dir():
        return _read(bundle / name)
    try:
        with tarfile.open(bundle, "r:gz") as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith(f"/{name}"))
            return _loads(tar.extractfile(member).read().decode(), f"{bundle}:{name}")
    except (tarfile.TarError, OSError, EOFError, StopIteration, UnicodeDecodeError) as err:
        raise InputError(f"bundle {bundle}: no readable {name} ({err})") from None
