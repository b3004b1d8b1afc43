"""The `modelops` command line: one command per pipeline stage, called by dvc.yaml.

Heavy libraries are imported inside the commands so that `modelops --help` stays fast.
Exit codes: 0 success, 1 a check failed, 2 bad usage, configuration or input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from modelops.errors import InputError, ModelopsError

app = typer.Typer(
    help="Credit-risk model lifecycle: ingest, validate, split, train, evaluate, summarise.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ParamsFile = Annotated[Path, typer.Option("--params", help="The params file to read.")]
DEFAULT_PARAMS = Path("params.yaml")


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
    from modelops import params
    from modelops.baselines import REPORT_FILES, baseline_at_ref, baseline_in_stage
    from modelops.files import read_json
    from modelops.gate import evaluate_gate

    settings = params.gate_params(params.read_params(params_file))
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
    _report_verdict(evaluate_gate(current, baselines, settings), output)


def _report_verdict(verdict, output: Path) -> None:
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


registry_app = typer.Typer(
    help="The model registry in git tags (GTO): show, register, promote, roll back.",
    no_args_is_help=True,
)
app.add_typer(registry_app, name="registry")
release_app = typer.Typer(help="Release assets of a registered version.", no_args_is_help=True)
app.add_typer(release_app, name="release")

PushOption = Annotated[bool, typer.Option("--push", help="Push the new tag to origin.")]


def _gate_settings(params_file: Path):
    from modelops import params

    return params.gate_params(params.read_params(params_file))


@registry_app.command("show")
def registry_show(params_file: ParamsFile = DEFAULT_PARAMS) -> None:
    """Every version with its commit, date, stages and key metrics read from git."""
    from modelops.gate import metric_value
    from modelops.registry import versions

    settings = _gate_settings(params_file)
    shown = versions(Path.cwd(), settings.artifact)
    if not shown:
        typer.echo(f"no version of {settings.artifact} registered yet")
        return
    typer.echo(f"{'version':10} {'commit':8} {'date':19} {'stages':16} {'roc_auc':>8} {'value':>8}")
    for v in shown:
        auc = metric_value(v["metrics"], "roc_auc")
        value = metric_value(v["metrics"], "business.value_per_application")
        stages = ",".join(v["stages"]) + ("" if v["registered"] else " (deregistered)")
        typer.echo(
            f"{v['version']:10} {v['commit'][:8]} {v['date']:%Y-%m-%d %H:%M:%S} {stages:16} "
            f"{'n/a' if auc is None else f'{auc:.4f}':>8} "
            f"{'n/a' if value is None else f'{value:.2f}':>8}"
        )


@registry_app.command("register")
def registry_register(
    bump: Annotated[str, typer.Option(help="Which part of the version to bump.")] = "minor",
    push: PushOption = False,
    if_changed: Annotated[
        bool, typer.Option("--if-changed", help="Exit 0 without registering an unchanged model.")
    ] = False,
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Register the model at HEAD as the next version, if it passes the gate and is new."""
    from modelops.errors import ConfigError
    from modelops.registry import BUMPS, artifact_path, register

    if bump not in BUMPS:
        raise ConfigError(f"--bump must be one of {', '.join(BUMPS)}, got {bump!r}")
    settings = _gate_settings(params_file)
    repo = Path.cwd()
    version = register(
        repo, settings, artifact_path(repo, settings.artifact), bump, push, if_changed
    )
    if version is None:
        typer.echo("not registered: the model is unchanged since the latest version")
        return
    typer.echo(f"registered {settings.artifact}@{version}" + (" (pushed)" if push else ""))


@registry_app.command("promote")
def registry_promote(
    version: Annotated[str, typer.Argument(help="The version to promote, e.g. v1.2.0.")],
    stage: Annotated[str, typer.Option(help="The stage to assign (see .gto).")],
    push: PushOption = False,
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Assign a stage to a version after the gate passes against the model in that stage."""
    from modelops.registry import promote

    settings = _gate_settings(params_file)
    tag = promote(Path.cwd(), settings, version, stage, push)
    typer.echo(f"promoted {settings.artifact}@{version} to {stage}: {tag}")


@registry_app.command("rollback")
def registry_rollback(
    stage: Annotated[str, typer.Option(help="The stage to roll back.")] = "prod",
    push: PushOption = False,
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Give a stage back to the version that held it before (a new assignment tag)."""
    from modelops.registry import rollback

    settings = _gate_settings(params_file)
    previous, restored = rollback(Path.cwd(), settings.artifact, stage, push)
    typer.echo(f"rolled back {stage}: {previous} -> {restored}")


@registry_app.command("verify")
def registry_verify(
    version: Annotated[str, typer.Argument(help="The version to check, e.g. v1.2.0.")],
    stage: Annotated[
        str | None,
        typer.Option(help="Also compare with the version that held this stage before."),
    ] = None,
    output: Annotated[Path, typer.Option(help="Where to write the verdict.")] = Path(
        "reports/gate.json"
    ),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Re-run the gate for a registered version (release and deploy do); exit 1 on failure."""
    from modelops.registry import verify

    settings = _gate_settings(params_file)
    verdict = verify(Path.cwd(), settings, version, stage)
    _report_verdict(verdict, output)


@registry_app.command("check-ref")
def registry_check_ref(
    tag: Annotated[str, typer.Argument(help="A registry tag, e.g. credit-risk#prod#3.")],
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """What a tag records, as key=value lines (for $GITHUB_OUTPUT); exit 2 if not a tag of ours."""
    from modelops.registry import read_tag

    event = read_tag(Path.cwd(), tag, _gate_settings(params_file).artifact)
    for key in ("kind", "artifact", "version", "stage", "commit"):
        typer.echo(f"{key}={getattr(event, key) or ''}")


@release_app.command("bundle")
def release_bundle(
    version: Annotated[str, typer.Option(help="The version being released, e.g. v1.2.0.")],
    output: Annotated[Path, typer.Option(help="Where to write the bundle.")] = Path("dist"),
    params_file: ParamsFile = DEFAULT_PARAMS,
) -> None:
    """Model, metrics, params, report and manifest, in a folder and a .tar.gz."""
    from modelops.release import build_bundle

    archive = build_bundle(Path.cwd(), _gate_settings(params_file).artifact, version, output)
    typer.echo(f"release bundle -> {archive}")


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


def main() -> None:
    """Entry point: expected failures become one line on stderr and their exit code."""
    try:
        app()
    except ModelopsError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
