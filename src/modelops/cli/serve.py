"""`modelops serve`: the prediction service on uvicorn."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ParamsFile, app, read_params, store_url
from modelops.config import paths


@app.command()
def serve(
    bundle: Annotated[
        Path | None,
        typer.Option(help="A release bundle (.tar.gz or its folder); default: the workspace."),
    ] = None,
    host: Annotated[str | None, typer.Option(help="Default: serve.host.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: serve.port.")] = None,
    store: Annotated[
        str | None,
        typer.Option(help="Store URL. Default: $MODELOPS_STORE_URL, else serve.store_url."),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Default: serve.workers.")] = None,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Serve the model: POST /v1/predict, /v1/outcomes; GET /v1/predictions/ID, /v1/model,
    /health/ready, /metrics; OpenAPI at /docs. SIGHUP reloads the model from its source."""
    import uvicorn

    from modelops.config.options import with_options
    from modelops.serve.main import CONFIG_ENV, ServeConfig, check_config

    # The options are checked as serve.yaml's keys are, before anything loads or listens.
    settings = with_options(
        read_params(params_file).serve,
        "serve",
        {"host": ("--host", host), "port": ("--port", port), "workers": ("--workers", workers)},
        params_file,
    )
    config = ServeConfig(
        repo=str(Path.cwd()),
        bundle=None if bundle is None else str(bundle.resolve()),
        store_url=store_url(store, settings, params_file),
        settings=settings.model_dump(),
        params_file=str(params_file.resolve()),
    )
    served = check_config(config)  # exit 2 now, not in a worker: hash, trust, store
    os.environ[CONFIG_ENV] = json.dumps(config.__dict__)
    host, port = settings.host, settings.port
    typer.echo(f"serving {served.version} on http://{host}:{port} (store {config.shown_store})")
    uvicorn.run(
        "modelops.serve.main:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=settings.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=10,
    )


@app.command("serve-check")
def serve_check(
    url: Annotated[str, typer.Option(help="The service.")] = "http://127.0.0.1:8000",
    bundle: Annotated[
        Path | None, typer.Option(help="Take the golden answers from this bundle.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for readiness.")] = 60.0,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Wait until the service is ready, then check it answers the golden applications as
    the pipeline did (serve.golden_tolerance; every decision the same), exit 1 if not: what
    the deploy step runs. Another CPU gives the same model other last bits."""
    from modelops.serve.golden import check_golden, wait_until_ready
    from modelops.serve.served import golden_answers

    tolerance = read_params(params_file).serve.golden_tolerance
    golden = golden_answers(bundle, Path.cwd())
    ready = wait_until_ready(url.rstrip("/"), timeout)
    largest = check_golden(url.rstrip("/"), golden, tolerance)
    typer.echo(
        f"serve-check: {url} serves {ready['model']}; {len(golden)} golden answers match "
        f"(largest |Δp_default| {largest:.1g}, tolerance {tolerance:g})"
    )


# `modelops score` scores files as the service scores requests, and `modelops monitor` watches
# what it answered: listed after it in --help, in this order.
from modelops.cli import score  # noqa: E402, F401, I001
from modelops.cli import monitor  # noqa: E402, F401
