"""The release bundle: what a registered version ships with, built the same way anywhere.

Assets: the model, its metrics, the params, the pull-request report, and a manifest that
says exactly what was built (version, commit, DVC hashes, Python and package versions).
"""

from __future__ import annotations

import platform
import shutil
import tarfile
from importlib import metadata
from pathlib import Path

import yaml

from modelops.baselines import git_output
from modelops.errors import InputError
from modelops.files import write_json

ASSETS = {
    "model.skops": "models/model.skops",
    "metrics.json": "reports/metrics.json",
    "params.yaml": "params.yaml",
    "report.md": "reports/report.md",
}
PACKAGES = ("modelops", "scikit-learn", "pandas", "numpy", "skops", "dvc", "gto", "pandera")


def dvc_hashes(lock_text: str) -> dict[str, str]:
    """Every DVC-tracked output's md5, by path, from dvc.lock."""
    hashes = {}
    for stage in (yaml.safe_load(lock_text) or {}).get("stages", {}).values():
        for out in stage.get("outs", []):
            hashes[out["path"]] = out.get("md5")
    return dict(sorted(hashes.items()))


def manifest(repo: Path, artifact: str, version: str) -> dict:
    def installed(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "artifact": artifact,
        "version": version,
        "commit": (git_output(repo, "rev-parse", "HEAD") or "").strip() or None,
        "dvc_hashes": dvc_hashes((repo / "dvc.lock").read_text(encoding="utf-8")),
        "python": platform.python_version(),
        "packages": {name: installed(name) for name in PACKAGES},
    }


def build_bundle(repo: Path, artifact: str, version: str, output: Path) -> Path:
    """Copy the assets and the manifest to output/ARTIFACT-VERSION and pack a .tar.gz."""
    missing = [path for path in ASSETS.values() if not (repo / path).is_file()]
    if missing:
        hint = " (run modelops gate and modelops report)" if "reports/report.md" in missing else ""
        raise InputError(f"release bundle: {', '.join(missing)} not found{hint}")
    folder = output / f"{artifact}-{version}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, path in ASSETS.items():
        shutil.copy2(repo / path, folder / name)
    write_json(manifest(repo, artifact, version), folder / "manifest.json")
    archive = output / f"{folder.name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return archive
