"""Reviewing a change: the metric gate and the pull-request report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ContractFile, ParamsFile, app, read_params, read_settings
from modelops.config import paths


@app.command()
def gate(
    baseline: Annotated[
        str, typer.Option(help="The git ref to compare with (its committed reports).")
    ] = "main",
    stage: Annotated[
        list[str] | None,
        typer.Option(help="Also compare with the model in this GTO stage (default: params)."),
    ] = None,
    reports: Annotated[
        Path, typer.Option(help="The reports folder of this change.")
    ] = paths.REPORTS,
    model_file: Annotated[Path, typer.Option("--model", help="This change's model.")] = paths.MODEL,
    test_set: Annotated[
        Path, typer.Option("--test", help="The test rows every model is scored on.")
    ] = paths.TEST,
    output: Annotated[Path, typer.Option(help="Where to write the verdict.")] = paths.GATE,
    contract_file: ContractFile = paths.CONTRACT,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Apply the metric gate (gate.* in policy.yaml) against a ref and staged models; 1 on failure.

    Each baseline's model (from the DVC cache, the remote, a release bundle or a rebuild) is
    scored on this change's test rows. An unknown ref or stage, or a baseline report that
    cannot be read, is exit 2: the gate never passes because it had nothing to compare with.
    """
    from modelops.review.verdicts import change_verdict

    params, contract = read_settings(params_file, contract_file)
    stages = stage if stage is not None else params.gate.baseline_stages
    verdict = change_verdict(
        Path.cwd(), reports, baseline, stages, params, contract, model_file, test_set
    )
    report_verdict(verdict, output)


def report_verdict(verdict, output: Path) -> None:
    """Write the verdict, print one line per baseline and rule, exit 1 when it failed."""
    from modelops.errors import CheckFailed
    from modelops.files import write_json

    write_json(verdict.as_dict(), output)
    for b in verdict.baselines:
        where = f"{b.ref} at {b.commit[:8]}" if b.commit else f"none ({b.note})"
        if b.same_rows is not None and b.same_rows.equivalence:
            where += f"; {b.name}'s model rebuilt on this machine: {b.same_rows.equivalence}"
        elif b.same_rows is not None:
            where += f"; its model on these rows: {b.same_rows.status} ({b.same_rows.note})"
        typer.echo(f"baseline {b.name}: {where}")
    for note in verdict.notes:
        typer.echo(note)
    for rule in verdict.rules:
        typer.echo(rule.line())
    if not verdict.passed:
        raise CheckFailed(
            f"gate failed: {', '.join(r.rule for r in verdict.failed)} (see {output})"
        )
    typer.echo(f"gate passed ({len(verdict.rules)} rules) -> {output}")


@app.command()
def report(
    gate_file: Annotated[
        Path, typer.Option("--gate", help="The verdict of modelops gate.")
    ] = paths.GATE,
    reports: Annotated[
        Path, typer.Option(help="The reports folder of this change.")
    ] = paths.REPORTS,
    output: Annotated[
        Path, typer.Option(help="Where to write the Markdown report.")
    ] = paths.REPORT,
    images: Annotated[
        bool, typer.Option("--images", help="Also link the PNG plots (for CML to upload).")
    ] = False,
    card_file: Annotated[
        Path,
        typer.Option("--card", help="This change's model card (compared with the baseline's)."),
    ] = paths.MODEL_CARD,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Write the pull-request report: verdict, metrics and deltas, params, data, segments."""
    from modelops.config.layout import read_sections
    from modelops.feedback.trained_on import read_feedback_coverage
    from modelops.files import read_json, write_text
    from modelops.review.baselines import params_at
    from modelops.review.gate import read_verdict
    from modelops.review.report import build_report, params_changes

    def optional(path: Path, what: str):
        return read_json(path, what) if path.is_file() else None

    read_params(params_file)  # checked: the report quotes its values
    verdict = read_verdict(read_json(gate_file, "gate verdict"), str(gate_file))
    current = {
        "metrics": read_json(reports / paths.METRICS.name, "metrics report"),
        "segments": optional(reports / paths.SEGMENTS.name, "segment report"),
        "data_quality": optional(reports / paths.DATA_QUALITY.name, "data-quality report"),
        "importance": optional(reports / paths.IMPORTANCE.name, "importance report"),
        "training": optional(reports / paths.TRAINING.name, "training report"),
        "fairness": optional(reports / paths.FAIRNESS.name, "fairness report"),
        "feedback": read_feedback_coverage(paths.TRAIN, paths.TEST),
    }
    roc = optional(reports / paths.ROC_POINTS.relative_to(paths.REPORTS), "ROC plot data")
    first = verdict["baselines"][0] if verdict["baselines"] else {"commit": None}
    changes = params_changes(params_at(Path.cwd(), first["commit"]), read_sections(params_file))
    for baseline in verdict["baselines"]:
        if baseline["features"] is None and baseline["commit"]:
            # A baseline from before its reports listed features: its params say them.
            at = params_at(Path.cwd(), baseline["commit"]) or {}
            baseline["features"] = (at.get("data") or {}).get("features")
    roc_points = roc.get("roc") if isinstance(roc, dict) else None
    data_change = None
    if first["commit"]:
        data_change = _data_change(Path.cwd(), first, current)
    card = _card(Path.cwd(), card_file, first)
    text = build_report(current, verdict, changes, roc_points, images, data_change, card)
    write_text(text, output)
    typer.echo(f"report: {'passed' if verdict['passed'] else 'FAILED'} gate -> {output}")


def _card(repo: Path, card_file: Path, baseline: dict) -> dict:
    """This change's model card and the first baseline's, as committed at its commit (the card
    is in git: cache: false), with a link that works in a pull-request comment on GitHub."""
    import os

    from modelops.files import read_text
    from modelops.git import file_at

    before = (
        file_at(repo, baseline["commit"], str(paths.MODEL_CARD)) if baseline["commit"] else None
    )
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    ref = os.environ.get("GITHUB_HEAD_REF") or os.environ.get("GITHUB_SHA")
    link = (
        f"{server}/{repository}/blob/{ref}/{card_file}"
        if server and repository and ref
        else str(card_file)
    )
    return {
        "link": link,
        "baseline": baseline.get("name", "the baseline"),
        "before": before,
        "after": read_text(card_file, "model card") if card_file.is_file() else None,
    }


def _data_change(repo: Path, baseline: dict, current: dict) -> dict:
    """The data files whose hash differs from the baseline's, and the figures before/after."""
    from modelops.pipeline_state import data_hashes
    from modelops.review.baselines import read_reports_at

    before, after = data_hashes(repo, baseline["commit"]), data_hashes(repo)
    files = [
        (path, before.get(path), after.get(path))
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    ]
    return {
        "name": baseline["name"],
        "files": files,
        "before": read_reports_at(repo, baseline["commit"]),
        "after": current,
    }
