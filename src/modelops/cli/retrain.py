"""`modelops retrain decide`: apply the retrain policy (policy.yaml retrain.*) to the
monitor's report, and say retrain or keep, with every reason."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ParamsFile, app, read_params
from modelops.config import paths

retrain_app = typer.Typer(
    help="When to retrain the model (the retrain policy, policy.yaml retrain.*).",
    no_args_is_help=True,
)
app.add_typer(retrain_app, name="retrain")

LOCK = Path("dvc.lock")


@retrain_app.command("decide")
def retrain_decide(
    monitoring: Annotated[
        Path, typer.Option(help="The monitor's report (modelops monitor writes it).")
    ] = paths.MONITORING,
    reference: Annotated[
        Path,
        typer.Option(help="The model's reference: its test set's roc_auc is the estimate's base."),
    ] = paths.REFERENCE,
    trained_at: Annotated[
        str | None,
        typer.Option(
            help="When the model was trained, ISO 8601 (UTC if no zone). Default: the time of "
            "the last commit that changed dvc.lock."
        ),
    ] = None,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Retrain or keep the served model, every reason on a line: exit 0 keep, 1 retrain,
    2 bad input."""
    from modelops.errors import CheckFailed, InputError
    from modelops.files import read_json
    from modelops.retrain.policy import decide, model_age_days

    policy = read_params(params_file).retrain
    report = read_json(monitoring, "monitoring report")
    if not isinstance(report, dict):
        raise InputError(f"{monitoring}: not a monitoring report (a JSON object)")
    metrics = _reference_metrics(reference, report)
    try:
        age = None
        if policy.max_model_age_days is not None:
            age = model_age_days(report, _training_time(trained_at))
        decision = decide(report, metrics, age, policy)
    except ValueError as err:
        raise InputError(f"{monitoring}: {err}") from None
    verdict = "retrain" if decision.retrain else "keep"
    for reason in decision.reasons:
        typer.echo(f"{verdict}: {reason}")
    if decision.retrain:
        count = len(decision.reasons)
        raise CheckFailed(f"retrain: {count} reason{'s' * (count > 1)} (see above; {monitoring})")


def _reference_metrics(path: Path, report: dict) -> dict:
    """The reference file's metrics; when the report shows the reference it was measured
    against (live.metrics.roc_auc.reference), the file must agree with it."""
    from modelops.errors import InputError
    from modelops.files import read_json

    data = read_json(path, "reference")
    metrics = data.get("metrics") if isinstance(data, dict) else None
    if not isinstance(metrics, dict) or not isinstance(metrics.get("roc_auc"), int | float):
        raise InputError(f"{path}: not a monitoring reference (no metrics.roc_auc)")
    live = report.get("live")
    used = live.get("metrics", {}).get("roc_auc", {}).get("reference") if live else None
    if isinstance(used, int | float) and abs(used - metrics["roc_auc"]) > 1e-9:
        raise InputError(
            f"{path}: roc_auc {metrics['roc_auc']:.4f} is not the reference the monitor used "
            f"({used:.4f}): give the monitored model's reference with --reference"
        )
    return metrics


def _training_time(trained_at: str | None):
    """--trained-at, else the commit time of dvc.lock's last change: the pipeline's lock file
    changes when the model is retrained (and when other stages' outputs change, so this errs
    towards a younger model; give --trained-at for a model trained elsewhere)."""
    from modelops.errors import InputError
    from modelops.git import git_output
    from modelops.monitor.sources import parse_time

    if trained_at is not None:
        return parse_time(trained_at, "--trained-at")
    committed = (git_output(Path.cwd(), "log", "-1", "--format=%cI", "--", str(LOCK)) or "").strip()
    if not committed:
        raise InputError(
            f"the model's training time is unknown: no commit changed {LOCK} here "
            "(give --trained-at, or set retrain.max_model_age_days to null)"
        )
    return parse_time(committed, "git log")
