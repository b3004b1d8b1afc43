"""`modelops feedback`: production rows with known outcomes, back into the data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ContractFile, ParamsFile, app, read_settings, store_url
from modelops.config import paths

feedback_app = typer.Typer(
    help="The data feedback loop: labelled production rows from the prediction store.",
    no_args_is_help=True,
)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def export(
    store: Annotated[
        str | None,
        typer.Option(help="Store URL. Default: $MODELOPS_STORE_URL, else serve.store_url."),
    ] = None,
    output: Annotated[Path, typer.Option(help="The folder of monthly files.")] = paths.FEEDBACK,
    as_of: Annotated[
        str | None,
        typer.Option(help="Export as at this time, ISO 8601 (UTC if no zone). Default: now."),
    ] = None,
    params_file: ParamsFile = paths.PARAMS,
    contract_file: ContractFile = paths.CONTRACT,
) -> None:
    """Write the predictions whose outcome is final (feedback.min_outcome_age_days), one
    OUTPUT/YYYY-MM.csv per month of prediction: exit 0 ok, 2 bad input. An outcome whose time
    cannot be (observed before its prediction, or after it was received by more than
    serve.outcome_clock_skew_seconds) is skipped, counted and named on stderr; still exit 0."""
    from datetime import timedelta

    from modelops.cli.times import parse_time
    from modelops.feedback.export import export_feedback, final_outcomes_cutoff
    from modelops.store import PredictionStore

    params, contract = read_settings(params_file, contract_file)
    moment = parse_time(as_of, "--as-of") if as_of else datetime.now(UTC)
    cutoff = final_outcomes_cutoff(moment, params.feedback.min_outcome_age_days)
    url = store_url(store, params.serve, params_file)
    prediction_store = PredictionStore(url, read_only=True)
    try:
        skew = timedelta(seconds=params.serve.outcome_clock_skew_seconds)
        exported = export_feedback(
            prediction_store, output, contract, params.data.source_column, cutoff, skew
        )
    finally:
        prediction_store.dispose()
    _report_impossible(exported.impossible)
    counts = exported.rows_by_month
    final = f"outcomes observed by {cutoff.isoformat()}"
    if not counts:
        typer.echo(f"feedback export: no {final} yet; nothing written")
        return
    for month, rows in counts.items():
        typer.echo(f"{output / month}.csv: {rows} rows")
    typer.echo(f"feedback export: {sum(counts.values())} rows in {len(counts)} files ({final})")


def _report_impossible(impossible: list) -> None:
    """One line for the outcomes not exported, by rule, with up to three named."""
    if not impossible:
        return
    by_rule: dict[str, int] = {}
    for outcome in impossible:
        by_rule[outcome.rule] = by_rule.get(outcome.rule, 0) + 1
    rules = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items()))
    examples = "; ".join(outcome.describe() for outcome in impossible[:3])
    typer.echo(
        f"feedback export: skipped {len(impossible)} outcomes with an impossible time, "
        f"not exported ({rules}): e.g. {examples}",
        err=True,
    )
