"""Every call the simulation's fast mode makes into the project, in one module: the config as
the project's loader reads it (with --set applied through clone_config, in the files that own
each key), the pipeline's stages as dvc.yaml runs them (ingest, validate, split, train with its
candidate and refit, evaluate), the gate's rules against the champion, the service's decision
(exploration included) into a real PredictionStore, the feedback export, the monitor and the
retrain policy. Nothing here decides anything itself: when the project's API changes, this
module changes, the loop does not.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from clone_config import parse_setting, set_keys

from modelops.config import paths
from modelops.config.contract import Contract, load_contract
from modelops.config.layout import config_paths
from modelops.config.params import Params, load_params
from modelops.data.ingest import ingest
from modelops.data.split import reference_part, split_dataset
from modelops.data.validation import validate_against_contract
from modelops.feedback.export import export_feedback, feedback_features, final_outcomes_cutoff
from modelops.files import json_text
from modelops.model.evaluate import score_rows, segments_of
from modelops.model.fairness import fairness_report
from modelops.model.pipeline import model_features, p_bad_of
from modelops.model.refit import fit_candidate_and_refit
from modelops.model.train import Target, train_model
from modelops.monitor.reference import Reference, build_reference
from modelops.monitor.run import monitor_window
from modelops.retrain.policy import decide, model_age_days, new_labelled_outcomes, window_end
from modelops.review.baselines import Baseline
from modelops.review.champion import challenger_of, scored_against
from modelops.review.gate import evaluate_gate
from modelops.serve import exploration
from modelops.store import Decision, PredictionStore

# What a simulation changes in the config before any --set, as the full mode's clone does:
# outcomes in a simulation are final the moment they arrive (90 days by default).
SIMULATION_SETTINGS = {"feedback.min_outcome_age_days": 0}
SCHEDULED = ("model age", "schedule")  # reasons of the policy that are no alarm


@dataclass
class Project:
    """The project's config (loaded and validated), its contract, where its files are."""

    root: Path
    params: Params
    contract: Contract
    workdir: Path
    notes: list[str] = field(default_factory=list)

    @property
    def target(self) -> Target:
        return Target(self.contract.target.column, self.contract.target.positive)

    @property
    def labels(self) -> tuple[str, str]:
        """(bad, good): the target's positive value and the other one."""
        values = [str(v) for v in self.contract.columns[self.contract.target.column].allowed]
        good = next(v for v in values if v != self.contract.target.positive)
        return self.contract.target.positive, good

    @property
    def features(self) -> list[str]:
        return list(self.params.data.features)

    @property
    def sent_columns(self) -> list[str]:
        """Every contract column an application holds (Age and Marital too), as the feedback
        export writes them: what a client sends, besides the id."""
        return feedback_features(self.contract, self.params.data.source_column)

    @property
    def exploration_rate(self) -> float:
        """The share of eligible rejections approved at random (serve.exploration.rate)."""
        return float(self.params.serve.exploration.rate)


def load_project(root: Path, settings: list[str], workdir: Path) -> Project:
    """The config files copied into workdir, the simulation's settings and each --set written
    into the file owning its key (clone_config.set_keys: an unknown key or a value the config
    refuses is one line, exit 2), and read back by the project's loader with the contract."""
    config = workdir / "config"
    for name, path in config_paths(root / paths.PARAMS).items():
        (config / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, config / name)
    changes = dict(SIMULATION_SETTINGS)
    given = dict(parse_setting(setting) for setting in settings)
    changes |= given
    set_keys(config / paths.PARAMS, changes)
    contract = load_contract(root / paths.CONTRACT)
    params = load_params(config / paths.PARAMS, contract, root / paths.CONTRACT)
    notes = [f"{k}: {v}" + (" (--set)" if k in given else "") for k, v in changes.items()]
    return Project(root, params, contract, workdir, notes)


# --- the pipeline (dvc.yaml's stages, in process) -------------------------------------------


@dataclass
class Model:
    """A model as the registry would hold it: its version, its classifier, the reference the
    monitor judges it against, its reports (the gate reads a baseline's), when it was trained."""

    version: str
    classifier: object
    reference: Reference
    reports: dict
    trained_at: datetime
    train_rows: int

    @property
    def threshold(self) -> float:
        return float(self.classifier.threshold)


@dataclass
class Built:
    """One run of the pipeline: the model and its reports, or why validation stopped it."""

    model: Model | None
    test: pd.DataFrame | None
    candidate: object | None
    failed: str = ""
    feedback_rows: int = 0


def _sources(project: Project, feedback: Path):
    """ingest.sources with their paths under the project's root, the feedback folder here."""
    sources = []
    for source in project.params.ingest.sources:
        if source.kind == "sql":
            sources.append(source)
        elif source.path == str(paths.FEEDBACK):
            sources.append(source.model_copy(update={"path": str(feedback)}))
        else:
            sources.append(source.model_copy(update={"path": str(project.root / source.path)}))
    if not any(s.path == str(feedback) for s in sources):
        raise SystemExit(f"error: no ingest source reads {paths.FEEDBACK}: feedback cannot return")
    return tuple(sources)


def validated_rows(project: Project, feedback: Path):
    """ingest then validate (the first two stages): the validation result."""
    column = project.params.data.source_column
    raw = ingest(_sources(project, feedback), column)
    return validate_against_contract(raw, project.contract, column)


def run_pipeline(project: Project, feedback: Path, version: str, trained_at: datetime) -> Built:
    """ingest, validate, split, train (candidate and refit), evaluate, as dvc repro runs them
    (no plots, card or permutation importance: nothing the gate or the monitor reads)."""
    params, contract, target = project.params, project.contract, project.target
    checked = validated_rows(project, feedback)
    feedback_rows = int(
        (checked.validated[params.data.source_column] != params.ingest.sources[0].name).sum()
    )
    if not checked.passed:
        failed = ", ".join(checked.report["failed_rules"])
        return Built(None, None, None, f"validation failed: {failed}", feedback_rows)
    split = params.split
    train, test = split_dataset(
        checked.validated, target.column, split.test_size, split.seed,
        contract.dataset.id_column, split.recent_test_share,
    )  # fmt: skip
    rule = params.fairness.no_negative_factor
    fitted = fit_candidate_and_refit(
        train, test, project.features, target, params.train, params.business,
        decreasing=[] if rule is None else [rule.attribute],
    )  # fmt: skip
    classifier, answers = fitted.model.classifier, fitted.answers
    reference_test = reference_part(test)
    scored = score_rows(classifier, reference_test, target, params.business)
    approved = scored.predicted != target.positive
    reference = build_reference(
        train, project.features, contract, scored.p_bad, scored.is_bad,
        scored.predicted == target.positive, classifier.threshold, scored.metrics,
        reference_test[params.business.amount_column].to_numpy(dtype=float), params.business,
        params.monitor,
    )  # fmt: skip
    reports = {
        "metrics": scored.metrics,
        "segments": segments_of(scored, reference_test, params.business, params.evaluate),
        "data_quality": checked.report,
        "training": {
            "model": params.train.model,
            "features": project.features,
            "n_train": answers.refit_rows,
            "refit": answers.refit,
        },
        "fairness": fairness_report(
            classifier, reference_test, scored.is_bad, scored.p_bad, approved, params.fairness
        ),
        "candidate": answers.model_dump(),
    }
    reports = json.loads(json_text(reports))  # as the gate reads them: from JSON files
    reference = Reference(json.loads(json_text(reference)), f"{version} (in process)")
    model = Model(version, classifier, reference, reports, trained_at, answers.refit_rows)
    return Built(model, test, answers, "", feedback_rows)


def gate(project: Project, built: Built, champion: Model) -> tuple[bool, list[str]]:
    """modelops gate against prod (the champion; main holds the same model in the loop):
    (passed, the failing rules' summaries)."""
    params = project.params
    challenger = challenger_of(
        built.model.classifier, built.test, project.target, params, built.candidate
    )
    origin = f"{champion.version} (prod, in process)"
    same = scored_against(champion.classifier, challenger, params, origin)
    baseline = Baseline(
        "prod", f"{params.gate.artifact}@{champion.version} (prod)", "in-process",
        champion.reports, "", same,
    )  # fmt: skip
    verdict = evaluate_gate(
        built.model.reports, [baseline], params.gate, params.evaluate.segments,
        fairness=params.fairness,
    )  # fmt: skip
    return verdict.passed, [rule.summary() for rule in verdict.failed]


def fit_on(project: Project, rows: pd.DataFrame):
    """train_model on rows alone (the bound's model), with the project's train params."""
    params = project.params
    rule = params.fairness.no_negative_factor
    return train_model(
        rows, project.features, project.target, params.train, params.business,
        decreasing=[] if rule is None else [rule.attribute],
    ).classifier  # fmt: skip


# --- the service, the store, the export, the monitor, the policy -----------------------------


def open_store(folder: Path, project: Project) -> PredictionStore:
    store = PredictionStore(f"sqlite:///{folder / 'predictions.db'}",
                            project.params.serve.sqlite_synchronous)  # fmt: skip
    store.create_schema()
    return store


def received(seen: pd.DataFrame, columns: list[str], id_column: str | None) -> list[dict]:
    """The applications as a client sends them (JSON: whole numbers as ints, missing null)."""
    sent = []
    for record in seen[[*columns, "sim_id"]].to_dict("records"):
        application = {}
        for name in columns:
            value = record[name]
            if isinstance(value, float):
                value = None if np.isnan(value) else (int(value) if value.is_integer() else value)
            application[name] = value
        if id_column is not None:
            application[id_column] = record.pop("sim_id")
        sent.append(application)
    return sent


@dataclass(frozen=True)
class Answers:
    p_default: np.ndarray
    lent: np.ndarray  # approved (by the model or by exploration)
    explored: np.ndarray
    propensity: np.ndarray


class Explorer:
    """One service's decisions (serve/app.py decide): the model's p_default against its
    threshold, then serve.exploration's decision function on each prediction id, with the
    service's daily budget when the project has one (one worker; days on the simulated
    clock). One per arm: each arm is its own service with its own budget."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.budget = None

    def take(self, classifier, seen: pd.DataFrame, ids: list[str], at: list[datetime]) -> Answers:
        p = p_bad_of(classifier, seen[model_features(classifier)])
        threshold = float(classifier.threshold)
        taken = [self._take(pid, float(pi), threshold, row, when)
                 for pid, pi, row, when in zip(ids, p, seen.to_dict("records"), at,
                                               strict=True)]  # fmt: skip
        return Answers(
            np.asarray(p, float),
            np.array([t.decision == "approve" for t in taken]),
            np.array([t.explored for t in taken]),
            np.array([t.propensity for t in taken]),
        )

    def _take(self, prediction_id: str, p: float, threshold: float, row: dict, now: datetime):
        """The service's decision (serve/exploration.py), on the simulated clock."""
        business = self.project.params.business
        amount = row.get(business.amount_column)
        return exploration.explored_decision(
            prediction_id, p, threshold, row, float("nan") if amount is None else float(amount),
            self.project.params.serve.exploration, business, self._budget, now,
        )  # fmt: skip

    def _budget(self, now: datetime) -> exploration.DailyBudget:
        if self.budget is None:
            explore = self.project.params.serve.exploration
            self.budget = exploration.DailyBudget(
                explore.max_per_day, explore.max_expected_loss_per_day, 1, now.date()
            )
        return self.budget


def record(
    store: PredictionStore, model: Model, sent: list[dict], ids: list[str], answers: Answers,
    at: list[datetime],
) -> None:  # fmt: skip
    """The decisions stored as the service stores them (one batch)."""
    store.record([
        Decision(pid, when, model.version, application, float(p),
                 "approve" if lent else "reject", model.threshold, float(prop), bool(explored))
        for pid, when, application, p, lent, prop, explored in zip(
            ids, at, sent, answers.p_default, answers.lent, answers.propensity,
            answers.explored, strict=True)
    ])  # fmt: skip


def record_outcomes(store: PredictionStore, due: list[tuple[str, bool]], observed_at, labels):
    """POST /v1/outcomes for each (prediction id, defaulted)."""
    for pid, bad in due:
        store.record_outcome(pid, labels[0] if bad else labels[1], observed_at)


def export(project: Project, store: PredictionStore, folder: Path, as_of: datetime) -> int:
    """modelops feedback export into folder (rewritten whole): the rows written."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    params = project.params
    exported = export_feedback(
        store, folder, project.contract, params.data.source_column,
        final_outcomes_cutoff(as_of, params.feedback.min_outcome_age_days),
        timedelta(seconds=params.serve.outcome_clock_skew_seconds),
    )  # fmt: skip
    return sum(exported.rows_by_month.values())


def monitor(project: Project, store: PredictionStore, model: Model, since, until) -> dict:
    """modelops monitor on the window for the served version: monitoring.json's content."""
    found = monitor_window(store, model.reference, project.contract, project.params, since,
                           until, model.version)  # fmt: skip
    return json.loads(json_text(found))


@dataclass(frozen=True)
class PolicyDecision:
    retrain: bool
    reasons: list[str]
    alarms: list[str]  # the degradation rules that fired
    scheduled: list[str]  # the scheduled reasons (no alarm)


def policy(project: Project, report: dict, model: Model, store: PredictionStore) -> PolicyDecision:
    """modelops retrain decide on the report, against the model's reference (all rows and its
    approved view), with the store's new outcomes when the policy has a schedule."""
    settings = project.params.retrain
    age = new = None
    if settings.max_model_age_days is not None:
        age = model_age_days(report, model.trained_at)
    if settings.schedule_min_outcomes is not None:
        new = new_labelled_outcomes(
            store,
            model.trained_at,
            window_end(report),
            project.params.feedback.min_outcome_age_days,
        )
    approved = model.reference.approved() if report.get("live") else None
    found = decide(report, _reference_metrics(model), approved, age, settings, new)
    return PolicyDecision(found.retrain, found.reasons, found.alarms, found.scheduled)


def _reference_metrics(model: Model) -> dict:
    """The metrics of the model's reference (what `retrain decide --reference` reads)."""
    return dict(model.reference.metrics)
