"""The pipeline stages dvc.yaml runs, and the summary `make run` prints.

Each stage reads params.yaml (and the contract) strictly, calls one pure function, and
writes its outputs as a set: all of them, or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import (
    ContractFile,
    ParamsFile,
    ReportsFolder,
    TestSet,
    TrainSet,
    app,
    read_params,
    read_settings,
)
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
    train_set: TrainSet = paths.TRAIN,
    test_set: Annotated[
        Path, typer.Option("--test", help="The test set (its newest outcomes: the refit).")
    ] = paths.TEST,
    model_output: Annotated[
        Path, typer.Option("--model", help="Where to save the model.")
    ] = paths.MODEL,
    report: Annotated[Path, typer.Option(help="Where to write training facts.")] = paths.TRAINING,
    candidate: Annotated[
        Path, typer.Option(help="Where to write the candidate's answers on the newest outcomes.")
    ] = paths.CANDIDATE,
    contract_file: ContractFile = paths.CONTRACT,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Fit the pipeline chosen by train.model on the train set (the candidate), and again with
    the test set's newest outcomes (the refit, saved); thresholds on out-of-fold predictions."""
    from modelops.files import json_text, output_set, read_table
    from modelops.model.persistence import model_bytes
    from modelops.model.refit import fit_candidate_and_refit

    params, contract = read_settings(params_file, contract_file)
    table = read_table(train_set)
    rule = params.fairness.no_negative_factor
    fitted = fit_candidate_and_refit(
        table,
        read_table(test_set),
        params.data.features,
        _target(contract),
        params.train,
        params.business,
        decreasing=[] if rule is None else [rule.attribute],
    )
    trained, answers = fitted.model, fitted.answers
    facts = {
        "model": params.train.model,
        "features": list(params.data.features),
        "n_train": answers.refit_rows,
        "n_candidate": answers.fit_rows,
        "refit": answers.refit,
        "threshold": trained.threshold,
        "out_of_fold_roc_auc": trained.out_of_fold_roc_auc,
    }
    with output_set() as outputs:
        outputs.stage(model_output).write_bytes(model_bytes(trained.classifier))
        outputs.stage(report).write_text(json_text(facts), encoding="utf-8")
        outputs.stage(candidate).write_text(json_text(answers.model_dump()), encoding="utf-8")
    refit = f", refit with {len(answers.prediction_id)} newest outcomes" if answers.refit else ""
    typer.echo(
        f"train: {params.train.model}, threshold {trained.threshold:.3f}, "
        f"out-of-fold ROC AUC {trained.out_of_fold_roc_auc:.3f}{refit} -> {model_output}"
    )


@app.command()
def evaluate(
    model_file: Annotated[
        Path, typer.Option("--model", help="The model to evaluate.")
    ] = paths.MODEL,
    test_set: TestSet = paths.TEST,
    train_set: Annotated[
        Path, typer.Option("--train", help="The training set (profiled for monitoring).")
    ] = paths.TRAIN,
    reports: ReportsFolder = paths.REPORTS,
    contract_file: ContractFile = paths.CONTRACT,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Write metrics, business value, segment metrics, feature importance, plots, the
    fairness policy measured, and the reference the model is monitored against (with the
    reference applicant rejections are explained against)."""
    from modelops.data.split import reference_part
    from modelops.errors import ConfigError, InputError
    from modelops.explain.applicant import reference_applicant
    from modelops.files import json_text, output_set, read_table
    from modelops.model.evaluate import evaluate_model
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
    test = reference_part(read_table(test_set))
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
        test[params.business.amount_column].to_numpy(dtype=float),
        params.business,
        params.monitor,
    )
    # Rejections are explained against it: it travels with the model in the same file.
    result["reference"]["applicant"] = reference_applicant(
        train, list(params.data.features), target.column, target.positive
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
            text = json_text(result[key])  # an undefined (NaN) metric is written as null
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
def card(
    model_file: Annotated[
        Path, typer.Option("--model", help="The model the card describes.")
    ] = paths.MODEL,
    test_set: TestSet = paths.TEST,
    train_set: TrainSet = paths.TRAIN,
    reports: ReportsFolder = paths.REPORTS,
    text_file: Annotated[
        Path, typer.Option("--text", help="The card's written sections (product manager).")
    ] = paths.CARD_TEXT,
    output: Annotated[Path, typer.Option(help="Where to write the card.")] = paths.MODEL_CARD,
    contract_file: ContractFile = paths.CONTRACT,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Write the model card: the written sections and the pipeline's figures (exit 2 while a
    written section is empty or left out, or when a report it states is missing)."""
    from modelops.config.card import load_card_text
    from modelops.files import write_text
    from modelops.model.card import build_card

    params, contract = read_settings(params_file, contract_file)
    text = load_card_text(text_file)
    measured = _measured(model_file, test_set, train_set, reports, params, contract)
    write_text(build_card(text, measured), output)
    typer.echo(f"card: {len(measured.limitations)} limitations found -> {output}")


# The reports the card states, each required: a missing one is exit 2, never a missing section.
CARD_REPORTS = {
    "data_quality": (paths.DATA_QUALITY, "data-quality report"),
    "training": (paths.TRAINING, "training report"),
    "metrics": (paths.METRICS, "metrics report"),
    "segments": (paths.SEGMENTS, "segment report"),
    "importance": (paths.IMPORTANCE, "importance report"),
    "fairness": (paths.FAIRNESS, "fairness report"),
    "calibration": (paths.CALIBRATION_POINTS, "calibration plot data"),
}


def _measured(model_file: Path, test_set: Path, train_set: Path, reports: Path, params, contract):
    """What the card states from the pipeline's outputs, each checked to describe this model."""
    import hashlib
    import math

    from modelops.config.metrics import metric_value
    from modelops.data.split import reference_part
    from modelops.errors import InputError
    from modelops.feedback.trained_on import read_feedback_coverage
    from modelops.files import read_json, read_table
    from modelops.model.card import CARD_METRICS, Measured
    from modelops.model.card_facts import generated_limitations, read_fairness
    from modelops.model.evaluate import score_rows
    from modelops.model.persistence import load_model
    from modelops.model.pipeline import model_features
    from modelops.model.uncertainty import Answers, metric_intervals

    found = {}
    for key, (path, what) in CARD_REPORTS.items():
        found[key] = read_json(reports / path.relative_to(paths.REPORTS), what)
    metrics_file = reports / paths.METRICS.name
    model = load_model(model_file)
    test = reference_part(read_table(test_set))
    scored = score_rows(model, test, _target(contract), params.business)
    if not math.isclose(scored.metrics["roc_auc"], found["metrics"].get("roc_auc") or -1.0):
        raise InputError(
            f"{metrics_file} does not describe {model_file} on {test_set} (ROC AUC "
            f"{found['metrics'].get('roc_auc')} there, {scored.metrics['roc_auc']} here): "
            "run dvc repro"
        )
    fairness = read_fairness(
        found["fairness"], reports / paths.FAIRNESS.name, model_features(model)
    )
    business, settings = params.business, params.card
    intervals = metric_intervals(
        {name: metric_value(found["metrics"], name) for _, name, _ in CARD_METRICS},
        scored.is_bad,
        scored.amount,
        Answers(scored.p_bad, scored.predicted_bad),
        business.margin,
        business.loss_given_default,
        settings.resamples,
        settings.confidence,
        settings.seed,
        settings.max_rows,
    )
    feedback = read_feedback_coverage(train_set, test_set)
    points = found["calibration"]
    calibration = points.get("calibration") if isinstance(points, dict) else None
    if not isinstance(calibration, list):
        where = reports / paths.CALIBRATION_POINTS.relative_to(paths.REPORTS)
        raise InputError(f"{where}: calibration plot data holds no 'calibration' points")
    try:
        return Measured(
            artifact=params.gate.artifact,
            model_md5=hashlib.md5(model_file.read_bytes()).hexdigest(),
            training=found["training"],
            metrics=found["metrics"],
            intervals=intervals,
            confidence=settings.confidence,
            margin=business.margin,
            loss_given_default=business.loss_given_default,
            sources=_sources(params, train_set, test_set),
            data_quality=found["data_quality"],
            segments=found["segments"],
            min_segment_rows=params.gate.segments.min_rows,
            importance=found["importance"],
            fairness=fairness,
            calibration=calibration,
            limitations=generated_limitations(
                found["segments"], fairness, feedback, params.gate.segments.min_rows,
                found["metrics"]["roc_auc"],
            ),
        )  # fmt: skip
    except (KeyError, TypeError, AttributeError) as err:
        raise InputError(f"{reports}: a report lacks what the card states ({err!r})") from None


def _sources(params, train_set: Path, test_set: Path):
    """Each ingest source with the rows of it in the training and test sets."""
    import pandas as pd

    from modelops.model.card import Source

    column = params.data.source_column
    counts = [
        pd.read_parquet(path, columns=[column])[column].value_counts().to_dict()
        for path in (train_set, test_set)
    ]
    return [
        Source(
            s.name,
            s.kind,
            s.path if s.kind != "sql" else s.query,
            int(counts[0].get(s.name, 0)),
            int(counts[1].get(s.name, 0)),
        )
        for s in params.ingest.sources
    ]


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


@app.command("same-model")
def same_model(
    commit: Annotated[str, typer.Option(help="The commit whose dvc.lock records the model.")] = (
        "HEAD"
    ),
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Is the working tree's model the one COMMIT recorded: its bytes, else its answers
    (gate.equivalence). Exit 0 when it is, 1 when it is another model."""
    from modelops.equivalence import same_as_recorded
    from modelops.errors import CheckFailed
    from modelops.git import resolve_commit
    from modelops.pipeline_state import artifact_path

    params = read_params(params_file)
    repo = Path.cwd()
    at = resolve_commit(repo, commit)
    out = artifact_path(repo, params.gate.artifact)
    found = same_as_recorded(repo, at, out, params.gate.equivalence)
    if not found.same:
        raise CheckFailed(f"{found.summary()}: another model than {commit}'s")
    typer.echo(found.summary())
    if found.behaviour is not None:
        typer.echo(
            f"\nThis machine's floating point gives other last bits than the machine that "
            f"built dvc.lock (largest |Δp_default| {found.behaviour.largest_delta:.1g} on "
            f"{found.behaviour.answers} committed golden answers): the same model by "
            "behaviour, so gates and the registry accept it. Two ways on: commit the new "
            "dvc.lock and reports/ (this machine's bytes become the record), or `dvc pull` "
            "the exact outputs from the project's DVC remote."
        )
