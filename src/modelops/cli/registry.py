"""The model registry (GTO tags) and release bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import DEFAULT_PARAMS, ParamsFile, app, gate_settings
from modelops.cli.review import report_verdict

registry_app = typer.Typer(
    help="The model registry in git tags (GTO): show, register, promote, roll back.",
    no_args_is_help=True,
)
app.add_typer(registry_app, name="registry")
release_app = typer.Typer(help="Release assets of a registered version.", no_args_is_help=True)
app.add_typer(release_app, name="release")

PushOption = Annotated[bool, typer.Option("--push", help="Push the new tag to origin.")]


@registry_app.command("show")
def registry_show(params_file: ParamsFile = DEFAULT_PARAMS) -> None:
    """Every version with its commit, date, stages and key metrics read from git."""
    from modelops.baselines import read_reports_at
    from modelops.gate import metric_value
    from modelops.registry import versions

    settings = gate_settings(params_file)
    shown = versions(Path.cwd(), settings.artifact)
    if not shown:
        typer.echo(f"no version of {settings.artifact} registered yet")
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


@registry_app.command("register")
def registry_register(
    bump: Annotated[str, typer.Option(help="Which part of the version to bump.")] = "minor",
    push: PushOption = False,
    if_changed: Annotated[
        bool, typer.Option("--if-changed", help="Exit 0 without registering an unchanged model.")
    ] = False,
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Register the model at HEAD as the next version, if it passes the gate and is new."""
    from modelops.errors import ConfigError
    from modelops.registry import BUMPS, artifact_path, register

    if bump not in BUMPS:
        raise ConfigError(f"--bump must be one of {', '.join(BUMPS)}, got {bump!r}")
    settings = gate_settings(params_file)
    repo = Path.cwd()
    version = register(
        repo, settings, artifact_path(repo, settings.artifact), bump, push, if_changed
    )
    if version is None:
        typer.echo("not registered: the model is unchanged since the latest version")
        return
    typer.echo(f"registered {settings.artifact}@{version}" + (" (pushed)" if push else ""))


@registry_app.command("promote")
def registry_promote(
    version: Annotated[str, typer.Argument(help="The version to promote, e.g. v1.2.0.")],
    stage: Annotated[str, typer.Option(help="The stage to assign (see .gto).")],
    push: PushOption = False,
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Assign a stage to a version after the gate passes against the model in that stage."""
    from modelops.registry import promote

    settings = gate_settings(params_file)
    tag = promote(Path.cwd(), settings, version, stage, push)
    typer.echo(f"promoted {settings.artifact}@{version} to {stage}: {tag}")


@registry_app.command("rollback")
def registry_rollback(
    stage: Annotated[str, typer.Option(help="The stage to roll back.")] = "prod",
    push: PushOption = False,
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Give a stage back to the version that held it before (a new assignment tag)."""
    from modelops.registry import rollback

    settings = gate_settings(params_file)
    previous, restored = rollback(Path.cwd(), settings.artifact, stage, push)
    typer.echo(f"rolled back {stage}: {previous} -> {restored}")


@registry_app.command("verify")
def registry_verify(
    version: Annotated[str, typer.Argument(help="The version to check, e.g. v1.2.0.")],
    stage: Annotated[
        str | None,
        typer.Option(help="Also compare with the version that held this stage before."),
    ] = None,
    output: Annotated[Path, typer.Option(help="Where to write the verdict.")] = Path(
        "reports/gate.json"
    ),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Re-run the gate for a registered version (release and deploy do); exit 1 on failure."""
    from modelops.registry import verify

    settings = gate_settings(params_file)
    verdict = verify(Path.cwd(), settings, version, stage)
    report_verdict(verdict, output)


@registry_app.command("check-ref")
def registry_check_ref(
    tag: Annotated[str, typer.Argument(help="A registry tag, e.g. credit-risk#prod#3.")],
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """What a tag records, as key=value lines (for $GITHUB_OUTPUT); exit 2 if not a tag of ours."""
    from modelops.registry import read_tag

    event = read_tag(Path.cwd(), tag, gate_settings(params_file).artifact)
    for key in ("kind", "artifact", "version", "stage", "commit"):
        typer.echo(f"{key}={getattr(event, key) or ''}")


@release_app.command("bundle")
def release_bundle(
    version: Annotated[str, typer.Option(help="The version being released, e.g. v1.2.0.")],
    output: Annotated[Path, typer.Option(help="Where to write the bundle.")] = Path("dist"),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Model, metrics, params, report and manifest, in a folder and a .tar.gz."""
    from modelops.release import build_bundle

    archive = build_bundle(Path.cwd(), gate_settings(params_file).artifact, version, output)
    typer.echo(f"release bundle -> {archive}")
