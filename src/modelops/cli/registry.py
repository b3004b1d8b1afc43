"""The model registry (GTO tags) and release bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ParamsFile, app, read_params
from modelops.cli.review import report_verdict
from modelops.config import paths

registry_app = typer.Typer(
    help="The model registry in git tags (GTO): show, audit, register, promote, roll back, verify.",
    no_args_is_help=True,
)
app.add_typer(registry_app, name="registry")
release_app = typer.Typer(help="Release assets of a registered version.", no_args_is_help=True)
app.add_typer(release_app, name="release")

PushOption = Annotated[bool, typer.Option("--push", help="Push the new tag to origin.")]


@registry_app.command("show")
def registry_show(params_file: ParamsFile = paths.PARAMS) -> None:
    """Every version with its commit, date, stages and key metrics read from git."""
    from modelops.config.metrics import metric_value
    from modelops.registry.tags import versions
    from modelops.review.baselines import read_reports_at

    artifact = read_params(params_file).gate.artifact
    shown = versions(Path.cwd(), artifact)
    if not shown:
        typer.echo(f"no version of {artifact} registered yet")
        return
    typer.echo(f"{'version':10} {'commit':8} {'date':19} {'stages':16} {'roc_auc':>8} {'value':>8}")
    for v in shown:
        metrics = read_reports_at(Path.cwd(), v["commit"])["metrics"]
        auc = metric_value(metrics, "roc_auc")
        value = metric_value(metrics, "business.value_per_application")
        stages = ",".join(v["stages"]) + ("" if v["registered"] else " (deregistered)")
        typer.echo(
            f"{v['version']:10} {v['commit'][:8]} {v['date']:%Y-%m-%d %H:%M:%S} {stages:16} "
            f"{'n/a' if auc is None else f'{auc:.4f}':>8} "
            f"{'n/a' if value is None else f'{value:.2f}':>8}"
        )


@registry_app.command("audit")
def registry_audit(
    version: Annotated[str, typer.Option("--version", help="The version, e.g. v1.2.0.")],
    as_json: Annotated[bool, typer.Option("--json", help="The steps as JSON.")] = False,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Who registered and promoted a version and when, with the gate's verdict at each step."""
    from modelops.files import json_text
    from modelops.registry.audit import audit, audit_lines

    artifact = read_params(params_file).gate.artifact
    steps = audit(Path.cwd(), artifact, version)
    if as_json:
        typer.echo(json_text({"artifact": artifact, "version": version, "steps": steps}), nl=False)
        return
    for line in audit_lines(artifact, version, steps):
        typer.echo(line)


@registry_app.command("register")
def registry_register(
    bump: Annotated[str, typer.Option(help="Which part of the version to bump.")] = "minor",
    push: PushOption = False,
    if_changed: Annotated[
        bool, typer.Option("--if-changed", help="Exit 0 without registering an unchanged model.")
    ] = False,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Register the model at HEAD as the next version, if it passes the gate and is new."""
    from modelops.git import require_commits
    from modelops.pipeline_state import artifact_path
    from modelops.registry.policy import register
    from modelops.review.verdicts import gate_check

    params = read_params(params_file)
    repo, artifact = Path.cwd(), params.gate.artifact
    require_commits(repo)
    version = register(
        repo,
        artifact,
        artifact_path(repo, artifact),
        bump,
        push,
        if_changed,
        gate_check(repo, params),
    )
    if version is None:
        typer.echo("not registered: the model is unchanged since the latest version")
        return
    typer.echo(f"registered {artifact}@{version}" + (" (pushed)" if push else ""))


@registry_app.command("promote")
def registry_promote(
    version: Annotated[str, typer.Argument(help="The version to promote, e.g. v1.2.0.")],
    stage: Annotated[str, typer.Option(help="The stage to assign (see .gto).")],
    push: PushOption = False,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Assign a stage to a version after the gate passes against the model in that stage."""
    from modelops.registry.policy import promote
    from modelops.registry.tags import check_stage
    from modelops.review.verdicts import gate_check

    params = read_params(params_file)
    repo, artifact = Path.cwd(), params.gate.artifact
    check_stage(repo, stage)
    tag = promote(repo, artifact, version, stage, push, gate_check(repo, params, stage))
    typer.echo(f"promoted {artifact}@{version} to {stage}: {tag}")


@registry_app.command("rollback")
def registry_rollback(
    stage: Annotated[str, typer.Option(help="The stage to roll back.")] = "prod",
    push: PushOption = False,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Give a stage back to the version that held it before (a new assignment tag)."""
    from modelops.registry.policy import rollback

    previous, restored = rollback(Path.cwd(), read_params(params_file).gate.artifact, stage, push)
    typer.echo(f"rolled back {stage}: {previous} -> {restored}")


@registry_app.command("verify")
def registry_verify(
    version: Annotated[str, typer.Argument(help="The version to check, e.g. v1.2.0.")],
    stage: Annotated[
        str | None,
        typer.Option(help="Also compare with the version that held this stage before."),
    ] = None,
    output: Annotated[Path, typer.Option(help="Where to write the verdict.")] = paths.GATE,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Re-run the gate for a registered version (release and deploy do); exit 1 on failure."""
    from modelops.review.verdicts import version_verdict

    params = read_params(params_file)
    report_verdict(version_verdict(Path.cwd(), params, version, stage), output)


@release_app.command("bundle")
def release_bundle(
    version: Annotated[str, typer.Option(help="The version being released, e.g. v1.2.0.")],
    output: Annotated[Path, typer.Option(help="Where to write the bundle.")] = paths.DIST,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Model, metrics, params, report and manifest, in a folder and a .tar.gz."""
    from modelops.registry.bundle import build_bundle

    artifact = read_params(params_file).gate.artifact
    archive = build_bundle(Path.cwd(), artifact, version, output)
    typer.echo(f"release bundle -> {archive}")
