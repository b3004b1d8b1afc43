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
from modelops.config.contract import Contract, load_contract
from modelops.errors import ConfigError, InputError, ModelopsError, shown_text
from modelops.files import read_json
from modelops.model.persistence import load_model
from modelops.model.pipeline import model_features
from modelops.pipeline_state import output_hashes
from modelops.registry.tags import workspace_version
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
    metrics = _optional_json(repo / paths.METRICS, dict, "metrics")
    golden_file = repo / paths.GOLDEN
    golden = _golden(_optional_json(golden_file, list, "golden answers") or [], golden_file)
    reference = _optional_json(repo / paths.REFERENCE, dict, "monitoring reference")
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
    if not isinstance(manifest, dict) or not isinstance(manifest.get("dvc_hashes") or {}, dict):
        raise InputError(
            f"bundle {folder}: manifest.json is not a release manifest (an object whose "
            "dvc_hashes is an object)"
        )
    model_file = folder / "model.skops"
    if not model_file.is_file():
        problem = "is not a file" if _present(model_file) else "is missing"
        raise InputError(f"bundle {folder}: model.skops {problem}")
    recorded = (manifest.get("dvc_hashes") or {}).get(str(paths.MODEL))
    md5 = file_md5(model_file)
    if recorded != md5:
        raise InputError(
            f"bundle {folder}: model.skops has md5 {md5}, the manifest records {recorded}: "
            "refusing to serve a model that is not the one released"
        )
    if not _present(folder / "contract.yaml"):
        raise InputError(f"bundle {folder}: contract.yaml is missing")
    # Read as the workspace's contract is: malformed YAML, not UTF-8, a list, a folder or a
    # broken link is one line naming the file, never a parser's traceback.
    contract = load_contract(folder / "contract.yaml")
    model = load_model(model_file)
    golden_file = folder / "golden.json"
    golden = _golden(_optional_json(golden_file, list, "golden answers") or [], golden_file)
    metrics = _optional_json(folder / "metrics.json", dict, "metrics")
    reference = _optional_json(folder / "reference.json", dict, "monitoring reference")
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


def _json(path: Path, folder: Path, what: str = "bundle file"):
    if not _present(path):
        raise InputError(f"bundle {folder}: {path.name} is missing")
    return read_json(path, what)


def _present(path: Path) -> bool:
    """Whether something is at path, a broken link included (it is not "missing": it is
    unreadable, and says so)."""
    return path.exists() or path.is_symlink()


def _optional_json(path: Path, kind: type, what: str):
    """The JSON at path if it is there (None if not, for bundles and reports from before it
    was written); there but unreadable, or not a JSON object (dict) or list, is an InputError."""
    if not _present(path):
        return None
    data = read_json(path, what)
    if not isinstance(data, kind):
        shape = "an object" if kind is dict else "a list"
        raise InputError(f"{path}: the {what} must be {shape}, got {type(data).__name__}")
    return data


def _golden(answers: object, source: Path | str) -> list[dict]:
    """Golden answers as the pipeline writes them: a list of objects, each an application (an
    object), its p_default (a number) and its decision."""
    if not isinstance(answers, list):
        raise InputError(
            f"{source}: the golden answers must be a list, got {type(answers).__name__}"
        )
    for i, answer in enumerate(answers):
        p_default = answer.get("p_default") if isinstance(answer, dict) else None
        well_formed = (
            isinstance(answer, dict)
            and isinstance(answer.get("application"), dict)
            and isinstance(p_default, int | float)
            and not isinstance(p_default, bool)
            and isinstance(answer.get("decision"), str)
        )
        if not well_formed:
            raise InputError(
                f"{source}: golden answer [{i}] is not an object with an application, its "
                f"p_default and its decision, got {shown_text(repr(answer))}"
            )
    return answers


def golden_answers(bundle: Path | None, repo: Path) -> list[dict]:
    """The golden applications and answers of a bundle (folder or .tar.gz) or the workspace,
    without loading the model."""
    if bundle is None:
        return _golden(
            _json(repo / paths.GOLDEN, repo / paths.REPORTS, "golden answers"), repo / paths.GOLDEN
        )
    if bundle.is_dir():
        return _golden(_json(bundle / "golden.json", bundle), bundle / "golden.json")
    if not bundle.is_file():
        raise InputError(f"bundle {bundle} not found")
    try:
        with tarfile.open(bundle, "r:gz") as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("/golden.json"))
            answers = json.loads(tar.extractfile(member).read())
    except (
        tarfile.TarError, OSError, EOFError, StopIteration, AttributeError, ValueError,
        RecursionError,
    ) as err:  # fmt: skip
        raise InputError(
            f"bundle {bundle}: no readable golden.json ({shown_text(str(err))})"
        ) from None
    return _golden(answers, f"{bundle}:golden.json")


def _listed(answers):
    if not isinstance(answers, list):
        raise InputError(f"golden answers: not a list ({type(answers).__name__})")
    return answers
