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
    OUTPUT/YYYY-MM.csv per month of prediction: exit 0 ok, 2 bad input."""
    from modelops.errors import InputError
    from modelops.feedback.export import export_feedback, final_outcomes_cutoff
    from modelops.monitor.sources import parse_time
    from modelops.store import PredictionStore, StoreUnavailable

    params, contract = read_settings(params_file, contract_file)
    moment = parse_time(as_of, "--as-of") if as_of else datetime.now(UTC)
    cutoff = final_outcomes_cutoff(moment, params.feedback.min_outcome_age_days)
    url = store_url(store, params.serve, params_file)
    prediction_store = PredictionStore(url, read_only=True)
    try:
        counts = export_feedback(
            prediction_store, output, contract, params.data.source_column, cutoff
        )
    except StoreUnavailable as err:
        raise InputError(f"store {prediction_store.shown_url}: {err}") from None
    finally:
        prediction_store.dispose()
    final = f"outcomes observed by {cutoff.isoformat()}"
    if not counts:
        typer.echo(f"feedback export: no {final} yet; nothing written")
        return
    for month, rows in counts.items():
        typer.echo(f"{output / month}.csv: {rows} rows")
    typer.echo(f"feedback export: {sum(counts.values())} rows in {len(counts)} files ({final})")
