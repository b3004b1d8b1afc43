"""Reviewing a change: the metric gate and the pull-request report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import DEFAULT_PARAMS, ParamsFile, app, gate_settings
from modelops.errors import InputError


@app.command()
def gate(
    baseline: Annotated[
        str, typer.Option(help="The git ref to compare with (its committed reports).")
    ] = "main",
    stage: Annotated[
        list[str] | None,
        typer.Option(help="Also compare with the model in this GTO stage (default: params)."),
    ] = None,
    reports: Annotated[Path, typer.Option(help="The reports folder of this change.")] = Path(
        "reports"
    ),
    output: Annotated[Path, typer.Option(help="Where to write the verdict.")] = Path(
        "reports/gate.json"
    ),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Apply the metric gate (gate.* in params) against a ref and staged models; 1 on failure."""
    from modelops.baselines import REPORT_FILES, baseline_at_ref, baseline_in_stage
    from modelops.files import read_json
    from modelops.gate import evaluate_gate

    settings = gate_settings(params_file)
    current = {
        key: read_json(reports / Path(path).name) if (reports / Path(path).name).is_file() else None
        for key, path in REPORT_FILES.items()
    }
    if current["metrics"] is None:
        raise InputError(f"{reports}/metrics.json not found (run dvc repro first)")
    repo = Path.cwd()
    baselines = [baseline_at_ref(repo, baseline)]
    for name in stage if stage is not None else settings.stages:
        baselines.append(baseline_in_stage(repo, settings.artifact, name))
    report_verdict(evaluate_gate(current, baselines, settings), output)


def report_verdict(verdict, output: Path) -> None:
    """Write the verdict, print one line per baseline and rule, exit 1 when it failed."""
    from modelops.errors import CheckFailed
    from modelops.files import write_json

    write_json(verdict.as_dict(), output)
    for b in verdict.baselines:
        typer.echo(f"baseline {b.name}: " + (f"{b.ref} at {b.commit[:8]}" if b.found else b.note))
    for rule in verdict.rules:
        typer.echo(rule.line())
    if not verdict.passed:
        raise CheckFailed(
            f"gate failed: {', '.join(r.rule for r in verdict.failed)} (see {output})"
        )
    typer.echo(f"gate passed ({len(verdict.rules)} rules) -> {output}")


@app.command()
def report(
    gate_file: Annotated[Path, typer.Option("--gate", help="The verdict of modelops gate.")] = Path(
        "reports/gate.json"
    ),
    reports: Annotated[Path, typer.Option(help="The reports folder of this change.")] = Path(
        "reports"
    ),
    output: Annotated[Path, typer.Option(help="Where to write the Markdown report.")] = Path(
        "reports/report.md"
    ),
    images: Annotated[
        bool, typer.Option("--images", help="Also link the PNG plots (for CML to upload).")
    ] = False,
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Write the pull-request report: verdict, metrics and deltas, params, data, segments."""
    from modelops import params
    from modelops.baselines import params_at
    from modelops.files import read_json, write_text
    from modelops.report import build_report, params_changes

    def optional(name: str):
        path = reports / name
        return read_json(path) if path.is_file() else None

    verdict = read_json(gate_file)
    current = {
        "metrics": read_json(reports / "metrics.json"),
        "segments": optional("segments.json"),
        "data_quality": optional("data_quality.json"),
        "importance": optional("importance.json"),
    }
    roc = optional("live/plots/sklearn/roc.json")
    first = verdict["baselines"][0] if verdict["baselines"] else {"commit": None}
    changes = params_changes(
        params_at(Path.cwd(), first["commit"]), params.read_params(params_file)
    )
    text = build_report(current, verdict, changes, roc and roc.get("roc"), images)
    write_text(text, output)
    typer.echo(f"report: {'passed' if verdict['passed'] else 'FAILED'} gate -> {output}")
