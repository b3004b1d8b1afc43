"""The model the service answers with: loaded from the workspace (`make serve`) or from a
release bundle (a released version), its file checked against the hash it was released with,
and what `/v1/model` tells about it.
"""

from __future__ import annotations

import contextlib
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from modelops.config import paths
from modelops.config.contract import Contract
from modelops.config.reading import load_yaml, parse
from modelops.errors import ConfigError, InputError, ModelopsError, shown_text
from modelops.model.persistence import load_model
from modelops.model.pipeline import model_features
from modelops.pipeline_state import output_hashes
from modelops.retrieve import file_md5


@dataclass(frozen=True)
class ServedModel:
    model: object
    version: str
    commit: str | None
    md5: str
    trained_at: str | None
    metrics: dict | None
    contract: Contract
    golden: list[dict]  # test rows with the p_default the pipeline gave them
    reference: dict | None = None  # what monitoring compares its traffic with (None: older)

    @property
    def threshold(self) -> float:
        return float(self.model.threshold)

    @property
    def features(self) -> list[str]:
        return model_features(self.model)

    @property
    def positive_index(self) -> int:
        return list(self.model.classes_).index(self.model.pos_label)

    def describe(self) -> dict:
        return {
            "version": self.version,
            "commit": self.commit,
            "md5": self.md5,
            "threshold": self.threshold,
            "trained_at": self.trained_at,
            "features": self.features,
            "positive_class": str(self.model.pos_label),
            "test_metrics": self.metrics,
        }


def load_served(bundle: Path | None, repo: Path) -> ServedModel:
    """The bundle's model (a .tar.gz or its folder), else the workspace's."""
    return _from_bundle(bundle) if bundle is not None else _from_workspace(repo)


def _from_workspace(repo: Path) -> ServedModel:
    from modelops.config.contract import load_contract
    from modelops.git import git_output

    model_path = repo / paths.MODEL
    model = load_model(model_path)
    md5 = file_md5(model_path)
    commit = (git_output(repo, "rev-parse", "HEAD") or "").strip() or None
    # Trained when the commit recording this very model was made (training is deterministic).
    trained_at = None
    with contextlib.suppress(ModelopsError):  # no DVC project: the date is unknown
        if commit and output_hashes(repo, commit).get(str(paths.MODEL)) == md5:
            trained_at = (git_output(repo, "show", "-s", "--format=%cI", commit) or "").strip()
    metrics_file = repo / paths.METRICS
    metrics = json.loads(metrics_file.read_text()) if metrics_file.is_file() else None
    golden_file = repo / paths.GOLDEN
    golden = json.loads(golden_file.read_text()) if golden_file.is_file() else []
    reference_file = repo / paths.REFERENCE
    reference = json.loads(reference_file.read_text()) if reference_file.is_file() else None
    return ServedModel(
        model,
        workspace_version(md5),
        commit,
        md5,
        trained_at or None,
        metrics,
        load_contract(repo / paths.CONTRACT),
        golden,
        reference,
    )


def workspace_version(md5: str) -> str:
    """The version a workspace model is served (and logged) as: not a release."""
    return f"workspace-{md5[:8]}"


def _from_bundle(bundle: Path) -> ServedModel:
    if not bundle.exists():
        raise InputError(f"bundle {bundle} not found")
    if bundle.is_file():
        return _from_archive(bundle)
    return _from_folder(bundle)


def _from_archive(archive: Path) -> ServedModel:
    # Everything is read into memory: the unpacked copy goes away (a reload makes another).
    with tempfile.TemporaryDirectory(prefix="modelops-bundle-") as unpacked:
        folder = Path(unpacked)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(folder, filter="data")  # no links out, no absolute paths
        except (tarfile.TarError, OSError, EOFError) as err:
            raise InputError(f"bundle {archive}: not a readable .tar.gz ({err})") from None
        inner = [p for p in folder.iterdir() if p.is_dir()]
        if len(inner) != 1:
            raise InputError(f"bundle {archive}: expected one folder inside, found {len(inner)}")
        try:
            return _from_folder(inner[0])
        except (InputError, ConfigError) as err:  # name the archive, not the temporary folder
            raise type(err)(str(err).replace(str(inner[0]), str(archive))) from None


def _from_folder(folder: Path) -> ServedModel:
    manifest = _json(folder / "manifest.json", folder)
    model_file = folder / "model.skops"
    if not model_file.is_file():
        raise InputError(f"bundle {folder}: model.skops is missing")
    recorded = (manifest.get("dvc_hashes") or {}).get(str(paths.MODEL))
    md5 = file_md5(model_file)
    if recorded != md5:
        raise InputError(
            f"bundle {folder}: model.skops has md5 {md5}, the manifest records {recorded}: "
            "refusing to serve a model that is not the one released"
        )
    contract_text = (
        (folder / "contract.yaml").read_text() if (folder / "contract.yaml").is_file() else None
    )
    if contract_text is None:
        raise InputError(f"bundle {folder}: contract.yaml is missing")
    where = f"{folder}/contract.yaml"
    contract = parse(Contract, load_yaml(contract_text, where) or {}, where)
    model = load_model(model_file)
    golden = _json(folder / "golden.json", folder) if (folder / "golden.json").is_file() else []
    metrics = (
        _json(folder / "metrics.json", folder) if (folder / "metrics.json").is_file() else None
    )
    reference_file = folder / "reference.json"
    reference = _json(reference_file, folder) if reference_file.is_file() else None
    return ServedModel(
        model,
        str(manifest.get("version")),
        manifest.get("commit"),
        md5,
        manifest.get("committed_at"),
        metrics,
        contract,
        golden,
        reference,
    )


def _json(path: Path, folder: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"bundle {folder}: {path.name} is missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(
            f"bundle {folder}: {path.name} is not valid JSON ({shown_text(str(err))})"
        ) from None


def golden_answers(bundle: Path | None, repo: Path) -> list[dict]:
    """The golden applications and answers of a bundle (folder or .tar.gz) or the workspace,
    without loading the model."""
    if bundle is None:
        return _json(repo / paths.GOLDEN, repo / paths.REPORTS)
    if bundle.is_dir():
        return _json(bundle / "golden.json", bundle)
    try:
        with tarfile.open(bundle, "r:gz") as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("/golden.json"))
            return json.loads(tar.extractfile(member).read())
    except (tarfile.TarError, OSError, EOFError, StopIteration, ValueError) as err:
        raise InputError(f"bundle {bundle}: no readable golden.json ({err})") from None
