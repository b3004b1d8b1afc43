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
        typer.Option(
            help="The monitored model's reference: live ROC AUC is judged against its test "
            "rows the model approves, the estimate against all its test rows."
        ),
    ] = paths.REFERENCE,
    trained_at: Annotated[
        str | None,
        typer.Option(
            help="When the model was trained, ISO 8601 (UTC if no zone). Default: the time of "
            "the last commit that changed dvc.lock."
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            help="Store URL, read only when retrain.schedule_min_outcomes is set (to count the "
            "new outcomes). Default: $MODELOPS_STORE_URL, else serve.store_url."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="Also write the decision here as JSON (kind: alarm, scheduled, keep)."),
    ] = None,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Retrain or keep the served model, every reason on a line: exit 0 keep, 1 retrain (an
    alarm or a scheduled retrain: the first line says which), 2 bad input."""
    from modelops.errors import CheckFailed, InputError
    from modelops.files import json_text, read_json, write_text
    from modelops.retrain.policy import decide, model_age_days, window_end

    params = read_params(params_file)
    policy = params.retrain
    report = read_json(monitoring, "monitoring report")
    if not isinstance(report, dict):
        raise InputError(f"{monitoring}: not a monitoring report (a JSON object)")
    metrics, approved = _reference(reference, report)
    try:
        age = new = None
        if policy.max_model_age_days is not None or policy.schedule_min_outcomes is not None:
            trained = _training_time(trained_at)
            if policy.max_model_age_days is not None:
                age = model_age_days(report, trained)
            if policy.schedule_min_outcomes is not None:
                new = _new_outcomes(store, params, params_file, trained, window_end(report))
        decision = decide(report, metrics, approved, age, policy, new)
    except ValueError as err:
        raise InputError(f"{monitoring}: {err}") from None
    verdict = "retrain" if decision.retrain else "keep"
    for reason in decision.reasons:
        kind = "alarm: " if reason in decision.alarms else ""
        typer.echo(f"{verdict}: {kind}{reason}")
    if output is not None:
        write_text(json_text(decision.as_dict()), output)
    if decision.retrain:
        count = len(decision.alarms) or len(decision.scheduled)
        what = "alarm" if decision.kind == "alarm" else "scheduled retrain"
        plural = "s" * (count > 1)
        raise CheckFailed(f"retrain ({decision.kind}): {count} {what}{plural} (see {monitoring})")


def _new_outcomes(store, params, params_file: Path, trained, until) -> int:
    """The final outcomes the model did not train on (observed since it was trained)."""
    from modelops.cli.app import store_url
    from modelops.retrain.policy import new_labelled_outcomes
    from modelops.store import PredictionStore

    prediction_store = PredictionStore(store_url(store, params.serve, params_file), read_only=True)
    try:
        return new_labelled_outcomes(
            prediction_store, trained, until, params.feedback.min_outcome_age_days
        )
    finally:
        prediction_store.dispose()


def _reference(path: Path, report: dict) -> tuple[dict, dict | None]:
    """The reference file's metrics (all test rows) and, when the report has live outcomes, its
    approved view (an old reference without it is refused, naming the file and the field).
    The report shows the reference figure its live ROC AUC was judged against
    (live.metrics.roc_auc.reference): the file must agree with it."""
    from modelops.errors import InputError
    from modelops.files import read_json
    from modelops.monitor.reference import approved_view_in

    data = read_json(path, "reference")
    metrics = data.get("metrics") if isinstance(data, dict) else None
    if not isinstance(metrics, dict) or not isinstance(metrics.get("roc_auc"), int | float):
        raise InputError(f"{path}: not a monitoring reference (no metrics.roc_auc)")
    live = report.get("live")
    if not isinstance(live, dict):  # null: no outcomes yet (anything else: decide names it)
        return metrics, None
    approved = approved_view_in(data, str(path))
    auc = live.get("metrics", {}).get("roc_auc") if isinstance(live.get("metrics"), dict) else None
    used = auc.get("reference") if isinstance(auc, dict) else None
    base = approved["metrics"]["roc_auc"]["value"]
    if isinstance(used, int | float) and abs(used - base) > 1e-9:
        raise InputError(
            f"{path}: views.approved roc_auc {base:.4f} is not the reference the monitor used "
            f"({used:.4f}): give the monitored model's reference with --reference"
        )
    return metrics, approved


def _training_time(trained_at: str | None):
    """--trained-at, else the commit time of dvc.lock's last change: the pipeline's lock file
    changes when the model is retrained (and when other stages' outputs change, so this errs
    towards a younger model; give --trained-at for a model trained elsewhere)."""
    from modelops.cli.times import parse_time
    from modelops.errors import InputError
    from modelops.git import git_output

    if trained_at is not None:
        return parse_time(trained_at, "--trained-at")
    committed = (git_output(Path.cwd(), "log", "-1", "--format=%cI", "--", str(LOCK)) or "").strip()
    if not committed:
        raise InputError(
            f"the model's training time is unknown: no commit changed {LOCK} here "
            "(give --trained-at, or set retrain.max_model_age_days to null)"
        )
    return parse_time(committed, "git log")
