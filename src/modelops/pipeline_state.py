"""What DVC records of the pipeline, read with DVC's own API: where an artifact lives
(dvc.yaml `artifacts:`) and every output's hash (dvc.lock), in the workspace or at a commit.
"""

from __future__ import annotations

from pathlib import Path

from modelops.errors import ConfigError, InputError, shown_text


def _open(repo: Path, rev: str | None):
    from dvc.exceptions import DvcException
    from dvc.repo import Repo

    try:
        return Repo.open(str(repo), rev=rev) if rev else Repo(str(repo))
    except DvcException as err:
        where = f" at {rev[:8]}" if rev else ""
        raise InputError(
            f"{repo}{where} is not a DVC project: {shown_text(str(err), 200)}"
        ) from None


def artifact_path(repo: Path, artifact: str, rev: str | None = None) -> str:
    """The path dvc.yaml declares for artifact (models/model.skops for credit-risk)."""
    from dvc.exceptions import DvcException

    with _open(repo, rev) as dvc_repo:
        try:
            declared = {
                name: spec.path
                for by_name in dvc_repo.artifacts.read().values()
                for name, spec in by_name.items()
            }
        except DvcException as err:
            raise ConfigError(f"dvc.yaml: cannot read its artifacts: {err}") from None
    if artifact not in declared:
        raise ConfigError(f"dvc.yaml declares no artifact '{artifact}' (params gate.artifact)")
    return declared[artifact]


def output_hashes(repo: Path, rev: str | None = None) -> dict[str, str]:
    """Every pipeline output's md5 as dvc.lock records it, by path; {} when there is none."""
    from dvc.exceptions import DvcException

    with _open(repo, rev) as dvc_repo:
        try:
            outs = [out for out in dvc_repo.index.outs if _in_pipeline(out.stage)]
        except DvcException as err:
            raise InputError(f"dvc.lock: cannot be read: {shown_text(str(err), 200)}") from None
        return dict(
            sorted(
                (str(out.def_path), out.hash_info.value)
                for out in outs
                if out.hash_info and out.hash_info.value
            )
        )


def stage_outputs(repo: Path, rev: str | None = None) -> dict[str, list[str]]:
    """Each stage's name and the paths of the outputs it writes, as dvc.yaml declares them."""
    from dvc.exceptions import DvcException

    with _open(repo, rev) as dvc_repo:
        try:
            return {
                stage.name: [str(out.def_path) for out in stage.outs]
                for stage in dvc_repo.index.stages
                if _in_pipeline(stage)
            }
        except DvcException as err:
            raise InputError(f"dvc.yaml: cannot be read: {shown_text(str(err), 200)}") from None


def data_hashes(repo: Path, rev: str | None = None) -> dict[str, str]:
    """The hashes dvc.lock records for the data: every stage's sources (deps that no stage
    writes) and data outputs, leaving out code (src/), reports, models and params (whose
    values, not hashes, the report shows in its own section)."""
    from dvc.dependency.param import ParamsDependency
    from dvc.exceptions import DvcException

    with _open(repo, rev) as dvc_repo:
        try:
            files = {}
            for stage in filter(_in_pipeline, dvc_repo.index.stages):
                for item in [*stage.deps, *stage.outs]:
                    if isinstance(item, ParamsDependency):
                        continue
                    path = str(item.def_path)
                    value = item.hash_info.value if item.hash_info else None
                    if value and not path.startswith(("src/", "reports", "models")):
                        files[path] = value
        except DvcException as err:
            raise InputError(f"dvc.lock: cannot be read: {shown_text(str(err), 200)}") from None
    return dict(sorted(files.items()))


def _in_pipeline(stage) -> bool:
    """A stage of dvc.yaml; not data tracked with `dvc add` (data/feedback.dvc), whose paths
    are relative to its .dvc file and which the ingest stage lists as a dependency anyway."""
    from dvc.stage import PipelineStage

    return isinstance(stage, PipelineStage)
