"""The pipeline stages dvc.yaml runs, and the summary `make run` prints.

Each stage reads params.yaml (and the contract) strictly, calls one pure function, and
writes its outputs as a set: all of them, or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ContractFile, ParamsFile, app, read_params, read_settings
from modelops.config import paths


def _target(contract):
    from modelops.model.train import Target

    return Target(contract.target.column, contract.target.positive)


@app.command()
def ingest(
    output: Annotated[Path, typer.Option(help="Where to write the raw table.")] = paths.RAW,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Read every source in ingest.sources and write them, tagged by source, as one table."""
    from modelops.data.ingest import ingest as ingest_sources
    from modelops.files import write_table

    params = read_params(params_file)
    table = ingest_sources(tuple(params.ingest.sources), params.data.source_column)
    write_table(table, output)
    counts = table[params.data.source_column].value_counts(sort=False)
    per_source = ", ".join(f"{name} {n}" for name, n in counts.items())
    typer.echo(f"ingest: {len(table)} rows ({per_source}) -> {output}")


@app.command()
def validate(
    input: Annotated[Path, typer.Option(help="The table to check (Parquet or CSV).")] = paths.RAW,
    output: Annotated[
        Path | None, typer.Option(help="Where to write the validated rows (only on success).")
    ] = None,
    quarantine: Annotated[
        Path | None,
        typer.Option(help="Where to write rows that broke a row rule (CSV, only on success)."),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Where to write the quality report.")] = None,
    contract_file: ContractFile = paths.CONTRACT,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Check a table against the data contract: correct, quarantine, judge (exit 1 on failure).

    Without --output, --quarantine and --report it only checks and prints: use it to try a
    new extract without running the pipeline.
    """
    from modelops.data.ingest import read_table_file
    from modelops.data.validation import validate_against_contract
    from modelops.errors import CheckFailed
    from modelops.files import json_text, output_set, spreadsheet_csv

    params, contract = read_settings(params_file, contract_file)
    source_column = params.data.source_column
    result = validate_against_contract(
        read_table_file(input, source_column), contract, source_column
    )
    with output_set() as outputs:
        # The report is written even on failure: it says what went wrong. The validated rows
        # and the quarantine are written only together, on success, so that `dvc checkout`
        # restores both untouched after a failure.
        if report:
            outputs.stage(report).write_text(json_text(result.report), encoding="utf-8")
        if result.passed and quarantine:
            spreadsheet_csv(result.quarantine, outputs.stage(quarantine))
        if result.passed and output:
            result.validated.to_parquet(outputs.stage(output), index=False)
    warnings = result.warnings
    for warning in warnings[:5]:
        typer.echo(f"warning: {warning.describe()}", err=True)
    if len(warnings) > 5:
        typer.echo(f"warning: and {len(warnings) - 5} more (see the report)", err=True)
    if not result.passed:
        raise CheckFailed(
            "data contract failed:\n"
            + "\n".join(f"  {rule.describe()}" for rule in result.failures)
            + _quarantine_detail(result)
        )
    r = result.report
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
    input: Annotated[Path, typer.Option(help="The table to split.")] = paths.VALIDATED,
    train_output: Annotated[Path, typer.Option(help="Where to write the train set.")] = paths.TRAIN,
    test_output: Annotated[Path, typer.Option(help="Where to write the test set.")] = paths.TEST,
    contract_file: ContractFile = paths.CONTRACT,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Split into train and test sets, stratified on the target, the newest feedback in test
    (split.*)."""
    from modelops.data.split import split_dataset
    from modelops.files import output_set, read_table

    params, contract = read_settings(params_file, contract_file)
    train, test = split_dataset(
        read_table(input),
        contract.target.column,
        params.split.test_size,
        params.split.seed,
        contract.dataset.id_column,
        params.split.recent_test_share,
    )
    with output_set() as outputs:
        train.to_parquet(outputs.stage(train_output), index=False)
        test.to_parquet(outputs.stage(test_output), index=False)
    typer.echo(f"split: {len(train)} train, {len(test)} test (seed {params.split.seed})")


@app.command()
def train(
    train_set: Annotated[Path, typer.Option("--train", help="The training set.")] = paths.TRAIN,
    model_output: Annotated[
        Path, typer.Option("--model", help="Where to save the model.")
    ] = paths.MODEL,
    report: Annotated[Path, typer.Option(help="Where to write training facts.")] = paths.TRAINING,
    contract_file: ContractFile = paths.CONTRACT,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Fit the pipeline chosen by train.model; choose the threshold on out-of-fold predictions."""
    from modelops.files import json_text, output_set, read_table
    from modelops.model.persistence import model_bytes
    from modelops.model.train import train_model

    params, contract = read_settings(params_file, contract_file)
    table = read_table(train_set)
    rule = params.fairness.no_negative_factor
    trained = train_model(
        table,
        params.data.features,
        _target(contract),
        params.train,
        params.business,
        decreasing=[] if rule is None else [rule.attribute],
    )
    facts = {
        "model": params.train.model,
        "features": list(params.data.features),
        "n_train": len(table),
        "threshold": trained.threshold,
        "out_of_fold_roc_auc": trained.out_of_fold_roc_auc,
    }
    with output_set() as outputs:
        outputs.stage(model_output).write_bytes(model_bytes(trained.classifier))
        outputs.stage(report).write_text(json_text(facts), encoding="utf-8")
    typer.echo(
        f"train: {params.train.model}, threshold {trained.threshold:.3f}, "
        f"out-of-fold ROC AUC {trained.out_of_fold_roc_auc:.3f} -> {model_output}"
    )


@app.command()
def evaluate(
    model_file: Annotated[
        Path, typer.Option("--model", help="The model to evaluate.")
    ] = paths.MODEL,
    test_set: Annotated[Path, typer.Option("--test", help="The test set.")] = paths.TEST,
    train_set: Annotated[
        Path, typer.Option("--train", help="The training set (profiled for monitoring).")
    ] = paths.TRAIN,
    reports: Annotated[Path, typer.Option(help="The reports folder.")] = paths.REPORTS,
    contract_file: ContractFile = paths.CONTRACT,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Write metrics, business value, segment metrics, feature importance, plots, the
    fairness policy measured, and the reference the model is monitored against."""
    from modelops.errors import ConfigError, InputError
    from modelops.files import json_text, output_set, read_table
    from modelops.model.evaluate import clean_for_json, evaluate_model
    from modelops.model.fairness import fairness_report
    from modelops.model.persistence import load_model
    from modelops.model.pipeline import model_features
    from modelops.model.plots import log_evaluation_plots
    from modelops.monitor.reference import build_reference

    params, contract = read_settings(params_file, contract_file)
    model = load_model(model_file)
    if model_features(model) != list(params.data.features):
        raise ConfigError(
            f"{model_file} was trained on features {model_features(model)}, but "
            f"{params_file} data.features lists {list(params.data.features)}: retrain (dvc repro)"
        )
    target = _target(contract)
    test = read_table(test_set)
    result = evaluate_model(model, test, target, params.business, params.evaluate)
    approved = result["predicted"] != target.positive
    result["fairness"] = fairness_report(
        model, test, result["is_bad"], result["p_bad"], approved, params.fairness
    )
    train = read_table(train_set)
    missing = [f for f in params.data.features if f not in train.columns]
    if missing:
        raise InputError(f"evaluate: column '{missing[0]}' is not in the training set {train_set}")
    result["reference"] = build_reference(
        train,
        list(params.data.features),
        contract,
        result["p_bad"],
        result["is_bad"],
        result["predicted"] == target.positive,
        model.threshold,
        result["metrics"],
        params.monitor.bins,
        params.monitor.calibration_bins,
    )
    with output_set() as outputs:
        for path, key in (
            (paths.METRICS, "metrics"),
            (paths.SEGMENTS, "segments"),
            (paths.IMPORTANCE, "importance"),
            (paths.GOLDEN, "golden"),
            (paths.REFERENCE, "reference"),
            (paths.FAIRNESS, "fairness"),
        ):
            text = json_text(clean_for_json(result[key]))
            outputs.stage(reports / path.name).write_text(text, encoding="utf-8")
        log_evaluation_plots(
            outputs.stage(reports / paths.LIVE.name),
            result["is_bad"],
            result["p_bad"],
            result["actual"],
            result["predicted"],
            result["importance"],
        )
    m = result["metrics"]
    typer.echo(f"evaluate: ROC AUC {m['roc_auc']:.3f} on {m['n_test']} -> {reports}/metrics.json")
    rule = result["fairness"].get("age_rule")
    if rule is not None and not rule["passed"]:
        typer.echo(
            f"warning: age rule: {rule['rows_raised']} of {rule['rows']} test rows get a higher "
            f"p_default at {rule['attribute']} {rule['to'][0]}..{rule['to'][1]} than at "
            f"{rule['from']} (the gate fails it)",
            err=True,
        )


@app.command()
def summary(
    metrics_file: Annotated[
        Path, typer.Option("--metrics", help="The metrics to show.")
    ] = paths.METRICS,
) -> None:
    """Print the main metrics, the threshold and the business value against both baselines."""
    from modelops.files import read_json
    from modelops.model.summary import format_summary

    typer.echo(format_summary(read_json(metrics_file, "metrics report"), metrics_file.parent))
