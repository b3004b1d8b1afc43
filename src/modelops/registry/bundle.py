"""The release bundle: what a registered version ships with, built the same way anywhere.

Assets: the model, its metrics, the config files (each role's: params, policy, business, serve,
sources), the pull-request report, the model card (stamped with the version and commit it is
released as), and a manifest that says exactly what was built (version, commit, DVC hashes,
Python and package versions).
"""

from __future__ import annotations

import platform
import re
import shutil
import tarfile
from importlib import metadata
from pathlib import Path

from modelops.config import paths
from modelops.errors import InputError, shown
from modelops.files import json_text, output_set
from modelops.git import git_output, require_commits
from modelops.pipeline_state import output_hashes
from modelops.registry.tags import find_version

ASSETS = {
    "model.skops": paths.MODEL,
    "metrics.json": paths.METRICS,
    "params.yaml": paths.PARAMS,  # the config as the version was built and judged, by owner
    "policy.yaml": paths.POLICY,
    "business.yaml": paths.BUSINESS,
    "serve.yaml": paths.SERVE,
    "sources.yaml": paths.SOURCES,
    "contract.yaml": paths.CONTRACT,  # the service checks requests against it
    "golden.json": paths.GOLDEN,  # answers a served copy must reproduce exactly
    "reference.json": paths.REFERENCE,  # what monitoring compares this version's traffic with
    "report.md": paths.REPORT,
    "model_card.md": paths.MODEL_CARD,  # stamped with version and commit (stamped_card)
}
PACKAGES = ("modelops", "scikit-learn", "pandas", "numpy", "skops", "dvc", "gto", "pandera")


def manifest(repo: Path, artifact: str, version: str) -> dict:
    def installed(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    commit = require_commits(repo)
    return {
        "artifact": artifact,
        "version": version,
        "commit": commit,
        "committed_at": (git_output(repo, "show", "-s", "--format=%cI", commit) or "").strip(),
        "dvc_hashes": output_hashes(repo),  # what this bundle holds, as built here
        # What the commit's dvc.lock records: other only for a rebuild on another CPU (other
        # last bits), which deploy/fetch_model.sh proved the same model by its answers.
        "recorded_hashes": output_hashes(repo, commit),
        "python": platform.python_version(),
        "packages": {name: installed(name) for name in PACKAGES},
    }


def stamped_card(card: str, artifact: str, version: str, commit: str) -> str:
    """The model card as released: under its title, the version and commit it ships as (the
    pipeline's card cannot name the commit that records it, nor a version not yet tagged)."""
    title, _, rest = card.partition("\n")
    stamp = f"Released as **{artifact}@{version}**, built from commit `{commit}`."
    return f"{title}\n\n{stamp}\n{rest}"


def _require_registered_at_head(repo: Path, artifact: str, version: str) -> None:
    """A bundle ships the files at HEAD under version's name: the version must be registered,
    at this very commit (release.yml checks out its tag), or the bundle would be mislabelled."""
    holder = find_version(repo, artifact, version)
    head = require_commits(repo)
    if holder.commit != head:
        raise InputError(
            f"release bundle: {artifact}@{version} is registered at commit {holder.commit[:8]}, "
            f"not HEAD ({head[:8]}): check out its tag first"
        )


def build_bundle(repo: Path, artifact: str, version: str, output: Path) -> Path:
    """The assets and the manifest in output/ARTIFACT-VERSION/ and a .tar.gz of that folder,
    both replaced together."""
    if not re.fullmatch(r"v\d+\.\d+\.\d+", version):
        raise InputError(f"release bundle: --version must look like v1.2.0, got {shown(version)}")
    _require_registered_at_head(repo, artifact, version)
    missing = [str(path) for path in ASSETS.values() if not (repo / path).is_file()]
    if missing:
        hint = " (run modelops gate and modelops report)" if str(paths.REPORT) in missing else ""
        raise InputError(f"release bundle: {', '.join(missing)} not found{hint}")
    facts = manifest(repo, artifact, version)
    described = json_text(facts)
    name = f"{artifact}-{version}"
    with output_set() as outputs:
        folder = outputs.stage(output / name)
        folder.mkdir(parents=True)
        for asset, path in ASSETS.items():
            shutil.copy2(repo / path, folder / asset)
        card = (repo / paths.MODEL_CARD).read_text(encoding="utf-8")
        (folder / "model_card.md").write_text(
            stamped_card(card, artifact, version, facts["commit"]), encoding="utf-8"
        )
        (folder / "manifest.json").write_text(described, encoding="utf-8")
        archive = outputs.stage(output / f"{name}.tar.gz")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(folder, arcname=name)
    return output / f"{name}.tar.gz"
