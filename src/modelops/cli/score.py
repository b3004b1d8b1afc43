"""`modelops score`: a Parquet file of applications scored as the service would score them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ParamsFile, app
from modelops.config import paths


@app.command()
def score(
    input_path: Annotated[
        Path, typer.Option("--input", help="Applications (Parquet): the features and the id.")
    ],
    output: Annotated[
        Path, typer.Option(help="Scored rows (Parquet): id, p_default, decision, model_version.")
    ],
    bundle: Annotated[
        Path | None,
        typer.Option(help="A release bundle (.tar.gz or its folder); default: the workspace."),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="Rows that break the contract, one line per rule broken (CSV); "
            "default: OUTPUT's name with .rejects.csv."
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            help="A Dask scheduler (tcp://host:8786): its workers score the row groups; "
            "input and bundle must be at the same paths there."
        ),
    ] = None,
    batch_rows: Annotated[
        int, typer.Option(min=1, help="Rows read and scored at a time (memory).")
    ] = 65_536,
    reasons: Annotated[
        bool,
        typer.Option(
            "--reasons",
            help="Add each rejection's principal reasons (up to four, as /v1/predict gives "
            "them), in the words of policy.yaml's reasons.",
        ),
    ] = False,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Score every application of a Parquet file in constant memory with the contract check,
    model and threshold the service uses; rows that break the contract go to the rejects
    file, not scored. Both files are written whole or not at all."""
    from modelops.score.batch import load_scorer
    from modelops.score.files import default_rejects, score_file

    rejects = rejects or default_rejects(output)
    repo = Path.cwd()
    texts = None
    if reasons:
        from modelops.config.params import load_params

        texts = tuple(load_params(params_file).reasons.items())
    scorer = load_scorer(bundle, repo, texts)
    if dask is None:
        summary = score_file(scorer, input_path, output, rejects, batch_rows)
    else:
        from modelops.score.cluster import score_file_on_dask

        summary = score_file_on_dask(dask, scorer, bundle, repo, input_path, output, rejects)
    typer.echo(
        f"scored {summary.scored:,} of {summary.rows:,} rows with {scorer.served.version} "
        f"to {output}; {summary.rejected:,} rejected ({summary.problems:,} problems) to {rejects}"
    )
