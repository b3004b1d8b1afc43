"""`modelops monitor`: drift, live and estimated performance of the served model, one window."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ContractFile, ParamsFile, app, read_settings, store_url
from modelops.config import paths


@app.command()
def monitor(
    store: Annotated[
        str | None,
        typer.Option(help="Store URL. Default: $MODELOPS_STORE_URL, else serve.store_url."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Window start, ISO 8601 (UTC if no zone).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Window end (excluded). Default: now.")] = None,
    last: Annotated[
        str | None, typer.Option(help="Window length before --until: 7d, 24h, 2w. Default 7d.")
    ] = None,
    version: Annotated[
        str | None,
        typer.Option(help="Model version to monitor. Default: the one that served last."),
    ] = None,
    bundle: Annotated[
        Path | None, typer.Option(help="Take the reference from this release bundle.")
    ] = None,
    reports: Annotated[Path, typer.Option(help="Where the reports go.")] = paths.REPORTS,
    params_file: ParamsFile = paths.PARAMS,
    contract_file: ContractFile = paths.CONTRACT,
) -> None:
    """Write monitoring.json, .md and .html for a window of served traffic: exit 0 ok or
    warn, 1 alert, 2 bad input."""
    from modelops.cli.times import window_bounds
    from modelops.errors import CheckFailed, InputError, shown_text
    from modelops.files import json_text, output_set
    from modelops.monitor.markdown import render_markdown
    from modelops.monitor.page import render_page
    from modelops.monitor.run import monitor_window
    from modelops.monitor.sources import reference_for
    from modelops.store import PredictionStore

    params, contract = read_settings(params_file, contract_file)
    start, end = window_bounds(since, until, last, datetime.now(UTC))
    url = store_url(store, params.serve, params_file)
    prediction_store = PredictionStore(url, read_only=True)
    try:
        served = prediction_store.versions(start, end)
        window = f"between {start.isoformat()} and {end.isoformat()}"
        if version is None:
            if not served:
                raise InputError(
                    f"no predictions in the store {prediction_store.shown_url} {window}"
                )
            version = max(served, key=lambda v: served[v][1])
        elif version not in served:  # a typo, or a version that never served: no verdict
            others = ", ".join(sorted(served)) or "none"
            raise InputError(
                f"--version {shown_text(version)}: no predictions of it in the store "
                f"{prediction_store.shown_url} {window} (versions served: {others})"
            )
        reference = reference_for(
            version, Path.cwd(), params.gate.artifact, bundle, params.gate.equivalence
        )
        report = monitor_window(prediction_store, reference, contract, params, start, end, version)
    finally:
        prediction_store.dispose()
    with output_set() as outputs:
        outputs.stage(reports / paths.MONITORING.name).write_text(json_text(report), "utf-8")
        outputs.stage(reports / paths.MONITORING_MD.name).write_text(
            render_markdown(report), "utf-8"
        )
        outputs.stage(reports / paths.MONITORING_HTML.name).write_text(render_page(report), "utf-8")
    for reason in report["reasons"]:
        typer.echo(f"{reason['level']}: {reason['message']}")
    written = f"{reports}/{paths.MONITORING_MD.name}, {paths.MONITORING_HTML.name}"
    if report["verdict"] == "alert":
        raise CheckFailed(f"monitor {version}: alert (see {written})")
    typer.echo(f"monitor {version}: {report['verdict']} -> {written}")
