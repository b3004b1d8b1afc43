"""The pipeline stages dvc.yaml runs, and the summary `make run` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import DEFAULT_PARAMS, ParamsFile, app


@app.command()
def ingest(
    output: Annotated[Path, typer.Option(help="Where to write the raw table.")] = Path(
        "data/raw/applications.parquet"
    ),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Read every source in ingest.sources and write them, tagged by source, as one table."""
    from modelops import params
    from modelops.files import write_table
    from modelops.ingest import ingest as ingest_sources

    raw = params.read_params(params_file)
    data = params.data_params(raw)
    table = ingest_sources(params.sources(raw), data.source_column)
    write_table(table, output)
    counts = table[data.source_column].value_counts(sort=False)
    per_source = ", ".join(f"{name} {n}" for name, n in counts.items())
    typer.echo(f"ingest: {len(table)} rows ({per_source}) -> {output}")


@app.command()
def validate(
    input: Annotated[Path, typer.Option(help="The table to check (Parquet or CSV).")] = Path(
        "data/raw/applications.parquet"
    ),
    output: Annotated[
        Path | None, typer.Option(help="Where to write the validated rows (only on success).")
    ] = None,
    quarantine: Annotated[
        Path | None,
        typer.Option(help="Where to write rows that broke a row rule (CSV, only on success)."),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Where to write the quality report.")] = None,
    contract_file: Annotated[Path, typer.Option("--contract", help="The data contract.")] = Path(
        "data/contract.yaml"
    ),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Check a table against the data contract: correct, quarantine, judge (exit 1 on failure).

    Without --output, --quarantine and --report it only checks and prints: use it to try a
    new extract without running the pipeline.
    """
    from modelops import params
    from modelops.contract import load_contract
    from modelops.errors import CheckFailed
    from modelops.files import write_json, write_table, write_text_table
    from modelops.ingest import read_table_file
    from modelops.quality import validate_against_contract

    source_column = params.data_params(params.read_params(params_file)).source_column
    result = validate_against_contract(
        read_table_file(input, source_column), load_contract(contract_file), source_column
    )
    # The report is written even on failure: it says what went wrong. The quarantine is an
    # output like the validated rows, so that `dvc checkout` can restore both untouched.
    if report:
        write_json(result.report, report)
    for warning in result.warnings:
        typer.echo(f"warning: {warning.describe()}", err=True)
    r = result.report
    if not result.passed:
        raise CheckFailed(
            "data contract failed:\n"
            + "\n".join(f"  {rule.describe()}" for rule in result.failures)
            + _quarantine_detail(result)
        )
    if quarantine:
        write_text_table(result.quarantine, quarantine)
    if output:
        write_table(result.validated, output)
    typer.echo(
        f"validate: {r['rows_in']} rows in, {r['rows_corrected']} corrected, "
        f"{r['exact_duplicates_dropped']} duplicates dropped, {r['rows_quarantined']} "
        f"quarantined, {r['rows_out']} out"
    )


def _quarantine_detail(result) -> str:
    """The row rules behind a quarantine, listed when the quarantine share failed."""
    if "dataset.quarantine_share" not in result.report["failed_rules"]:
        return ""
    lines = [f"  {r.describe()}" for r in result.quarantine_rules()]
    return "\n  quarantined by rule:\n" + "\n".join("  " + line for line in lines)


@app.command()
def split(
    input: Annotated[Path, typer.Option(help="The table to split.")] = Path(
        "data/validated/applications.parquet"
    ),
    train_output: Annotated[Path, typer.Option(help="Where to write the train set.")] = Path(
        "data/processed/train.parquet"
    ),
    test_output: Annotated[Path, typer.Option(help="Where to write the test set.")] = Path(
        "data/processed/test.parquet"
    ),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Split into train and test sets, stratified on the target (split.*)."""
    from modelops import params
    from modelops.files import read_table, write_table
    from modelops.split import split_dataset

    raw = params.read_params(params_file)
    settings = params.split_params(raw)
    train, test = split_dataset(
        read_table(input), params.data_params(raw).target, settings.test_size, settings.seed
    )
    write_table(train, train_output)
    write_table(test, test_output)
    typer.echo(f"split: {len(train)} train, {len(test)} test (seed {settings.seed})")


@app.command()
def train(
    train_set: Annotated[Path, typer.Option("--train", help="The training set.")] = Path(
        "data/processed/train.parquet"
    ),
    model_output: Annotated[Path, typer.Option("--model", help="Where to save the model.")] = Path(
        "models/model.skops"
    ),
    report: Annotated[Path, typer.Option(help="Where to write training facts.")] = Path(
        "reports/training.json"
    ),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Fit the pipeline chosen by train.model; choose the threshold on out-of-fold predictions."""
    from modelops import params
    from modelops.files import read_table, write_json
    from modelops.model import save_model
    from modelops.train import train_model

    raw = params.read_params(params_file)
    settings = params.train_params(raw)
    table = read_table(train_set)
    trained = train_model(table, params.data_params(raw), settings, params.business_params(raw))
    save_model(trained.classifier, model_output)
    write_json(
        {
            "model": settings.model,
            "n_train": len(table),
            "threshold": trained.threshold,
            "out_of_fold_roc_auc": trained.out_of_fold_roc_auc,
        },
        report,
    )
    typer.echo(
        f"train: {settings.model}, threshold {trained.threshold:.3f}, "
        f"out-of-fold ROC AUC {trained.out_of_fold_roc_auc:.3f} -> {model_output}"
    )


@app.command()
def evaluate(
    model_file: Annotated[Path, typer.Option("--model", help="The model to evaluate.")] = Path(
        "models/model.skops"
    ),
    test_set: Annotated[Path, typer.Option("--test", help="The test set.")] = Path(
        "data/processed/test.parquet"
    ),
    reports: Annotated[Path, typer.Option(help="The reports folder.")] = Path("reports"),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Write metrics, business value, segment metrics, feature importance and plots."""
    from modelops import params
    from modelops.evaluate import clean_for_json, evaluate_model
    from modelops.files import read_table, write_json
    from modelops.model import load_model
    from modelops.plots import log_evaluation_plots

    raw = params.read_params(params_file)
    result = evaluate_model(
        load_model(model_file),
        read_table(test_set),
        params.data_params(raw),
        params.business_params(raw),
        params.evaluate_params(raw),
    )
    write_json(clean_for_json(result["metrics"]), reports / "metrics.json")
    write_json(clean_for_json(result["segments"]), reports / "segments.json")
    write_json(clean_for_json(result["importance"]), reports / "importance.json")
    log_evaluation_plots(
        reports / "live",
        result["is_bad"],
        result["p_bad"],
        result["actual"],
        result["predicted"],
        result["importance"],
    )
    m = result["metrics"]
    typer.echo(f"evaluate: ROC AUC {m['roc_auc']:.3f} on {m['n_test']} -> {reports}/metrics.json")


@app.command()
def summary(
    metrics_file: Annotated[Path, typer.Option("--metrics", help="The metrics to show.")] = Path(
        "reports/metrics.json"
    ),
) -> None:
    """Print the main metrics, the threshold and the business value against both baselines."""
    from modelops.files import read_json
    from modelops.summary import format_summary

    typer.echo(format_summary(read_json(metrics_file), metrics_file.parent))
