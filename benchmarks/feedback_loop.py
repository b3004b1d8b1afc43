"""The whole feedback loop, run for real on this machine: a stream of loan applications over
periods in a world (--world: benchmarks/worlds/, e.g. a downturn from period 3), the prediction
service answering, outcomes coming back a period later for the loans made (and the explored
ones), the monitor and the retrain policy each period, and, in arm (b), retraining through the
real pipeline when the policy says so. Arm (a) never retrains: same stream, same truth. The
bound (a model fitted on each period's own full truth, in process) is the fast mode's
(loop_fast.py), so that the last line is the fast mode's for the same seed.

Outcomes are drawn afresh from the world's truth for every application (truth.py: the fair
truth model, a logistic regression on every original row, plus the world's change), never the
replayed real labels; the applicants are drawn from the original rows. Every application is
sent with all its contract columns (Age and Marital too). The service draws its own
prediction ids, so exploration's draws (fixed by the id) differ between the arms here; the
fast mode shares them.

Everything happens in a temporary clone of this repository's HEAD (commit what you want run),
set up as a fresh clone is: the pipeline's outputs restored from this repository's DVC cache
when it has them, else rebuilt with `dvc repro`; model v0 is registered and promoted to
prod, released as a bundle, and `modelops serve` serves the bundle (uvicorn on 127.0.0.1, a
SQLite store per arm). A retrain in (b) is what the scheduled workflow and the reviewer do:
`modelops feedback export`, the export made an ingest source, a commit on a retrain branch,
`dvc repro`, `modelops gate` against main and prod, merge, `modelops registry register` and
`promote --stage prod` (each checks the gate again), `modelops release bundle`, the bundle
unpacked where the service reads it and the service told to reload. A gate that fails leaves
the old model serving: that is an outcome like any other.

Live ROC AUC "all" is the oracle view: every application of the period scored against the
simulated truth, which no lender sees. "Labelled" is what the monitor sees: the window's
outcomes (loans made, and explored ones), a period late.

The clone's config is changed through the project's loader, each key in the file that owns it
(--set KEY=VALUE, any file). Prints progress to stderr and, at the end, the Markdown table
(stdout). Run with the venv active (make simulate):
  python benchmarks/feedback_loop.py [--periods 8] [--rows 1500] [--set KEY=VALUE]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
from clone_config import parse_setting, set_keys
from feedback_world import outcomes_due, value_per_application
from loop_project import SCHEDULED, SIMULATION_SETTINGS, Explorer, Project, fit_on
from loop_summary import SeedResult, header, report_lines
from sklearn.metrics import roc_auc_score
from truth import draw_period, fit_fair_truth
from worlds import WORLDS, load_world

from modelops.config import layout, paths
from modelops.config.contract import Contract, load_contract
from modelops.config.params import BusinessParams, Params, load_params
from modelops.feedback.export import feedback_features

ROOT = Path(__file__).resolve().parents[1]
ARTIFACT = "credit-risk"
BATCH = 500  # applications per request (serve.max_rows_per_request is 1000)
STARTUP_SECONDS = 120
IDENTITY = {
    "GIT_AUTHOR_NAME": "feedback simulation",
    "GIT_AUTHOR_EMAIL": "simulation@modelops.invalid",
    "GIT_COMMITTER_NAME": "feedback simulation",
    "GIT_COMMITTER_EMAIL": "simulation@modelops.invalid",
}
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


class Clone:
    """The temporary clone the loop runs in, and the commands run there (its own sources,
    this venv's tools)."""

    def __init__(self, folder: Path) -> None:
        self.repo = folder / "repo"
        self.env = dict(os.environ, **IDENTITY, DO_NOT_TRACK="1")
        self.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{self.env['PATH']}"
        self.env["PYTHONPATH"] = str(self.repo / "src")
        self.notes: list[str] = []

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            args, cwd=self.repo, env=self.env, capture_output=True, text=True, check=False
        )
        if check and result.returncode != 0:
            raise SystemExit(
                f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def modelops(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("modelops", *args, check=check)

    def config(self) -> Params:
        """The clone's config files as the project's loader reads them."""
        return load_params(self.repo / paths.PARAMS)

    def contract(self) -> Contract:
        return load_contract(self.repo / paths.CONTRACT)

    def commit(self, message: str) -> None:
        self.run("git", "add", "-A")
        self.run("git", "commit", "-q", "--allow-empty", "-m", message)

    def set_up(self, exploration: float | None, settings: list[str]) -> None:
        """Clone HEAD as a fresh clone is set up with git and Python alone, apply the
        simulation's settings, and have the pipeline's outputs (restored or rebuilt)."""
        self.clone_head()
        self.share_cache()
        # data/feedback is `dvc add`ed, not in git: the empty folder its .dvc file records,
        # as `make run` makes it.
        self.run("deploy/feedback_folder.sh")
        restored = self.run("dvc", "checkout", "--quiet", check=False).returncode == 0
        if not restored:  # a fresh clone: nothing in the cache, no remote to pull from
            progress("dvc checkout could not restore the outputs: they will be rebuilt")
        self.apply_settings(exploration, settings)
        self.commit("simulation settings")
        # A setting a stage reads (--set train.*) changes its outputs too.
        if not restored or self.run("dvc", "status", "--quiet", check=False).returncode != 0:
            progress("outputs missing or differing from dvc.lock: dvc repro")
            self.run("dvc", "repro")
            self.commit("pipeline outputs")

    def clone_head(self) -> None:
        """ROOT's HEAD as the clone's own main, and no origin: nothing reaches the project's
        branches."""
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()  # fmt: skip
        subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(self.repo)],
                       check=True)  # fmt: skip
        self.run("git", "checkout", "-q", "-B", "main", head)
        self.run("git", "remote", "remove", "origin")

    def share_cache(self) -> None:
        """Use ROOT's DVC cache when it has one, only to save rebuilding what it holds: the
        clone must work without it (a missing output is rebuilt)."""
        found = subprocess.run(["dvc", "cache", "dir"], cwd=ROOT, env=self.env,
                               capture_output=True, text=True, check=False)  # fmt: skip
        cache = Path(found.stdout.strip()) if found.returncode == 0 else None
        if cache is not None and cache.is_dir() and any(cache.iterdir()):
            self.run("dvc", "cache", "dir", "--local", str(cache))
            self.notes.append(f"DVC cache shared with {cache}")

    def apply_settings(self, exploration: float | None, settings: list[str]) -> None:
        """The simulation's settings and each --set KEY=VALUE, every one written into the
        config file that owns its section (clone_config.set_keys refuses an unknown key)."""
        changes = dict(SIMULATION_SETTINGS)
        if exploration is not None:
            changes["serve.exploration.rate"] = exploration
            if exploration > 0:  # uncapped (uniform exploration); --set budgets it
                changes["serve.exploration.max_per_day"] = 1_000_000_000
        changes |= dict(parse_setting(setting) for setting in settings)
        set_keys(self.repo / paths.PARAMS, changes)
        given = {parse_setting(setting)[0] for setting in settings}
        for key, value in changes.items():
            self.notes.append(f"{key}: {value}" + (" (--set)" if key in given else ""))

    def release(self, version: str, reviewed: bool = False) -> Path:
        """The release bundle of the version checked out; the bundle ships the gate's report,
        made here unless the retrain's review already made it (reviewed)."""
        if not reviewed:
            self.modelops("gate", "--baseline", "HEAD", check=False)
            self.modelops("report")
        self.modelops("release", "bundle", "--version", version)
        return self.repo / "dist" / f"{ARTIFACT}-{version}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Arm:
    """One arm: its service (serving a deployed bundle folder), its store, what it decided."""

    name: str
    retrains: bool
    folder: Path
    clone: Clone
    version: str = ""
    bundle: Path | None = None
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen | None = None
    decisions: list[pd.DataFrame] = field(default_factory=list)
    promoted: int = 0
    tried: int = 0
    events: list[str] = field(default_factory=list)

    @property
    def store(self) -> str:
        return f"sqlite:///{self.folder / 'predictions.db'}"

    @property
    def deployed(self) -> Path:
        return self.folder / "deployed"

    @property
    def reports(self) -> Path:
        return self.folder / "reports"

    def deploy(self, bundle: Path) -> None:
        """Unpack the bundle where the service reads it (a host's deploy does the same)."""
        shutil.rmtree(self.deployed, ignore_errors=True)
        shutil.copytree(bundle, self.deployed)
        self.bundle = bundle
        self.version = json.loads((bundle / "manifest.json").read_text())["version"]

    def start(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(self.clone.env, MODELOPS_ADMIN_TOKEN=self.token)
        log = (self.folder / "service.log").open("a")
        self.process = subprocess.Popen(
            ["modelops", "serve", "--bundle", str(self.deployed), "--host", "127.0.0.1",
             "--port", str(self.port), "--store", self.store],
            cwd=self.clone.repo, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        self.http = httpx.Client(base_url=self.url, timeout=120)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"arm {self.name}: modelops serve exited; see {log.name}")
            try:
                if self.http.get("/health/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"arm {self.name}: the service was not ready in {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def predict(self, applications: list[dict]) -> list[dict]:
        answers = []
        for start in range(0, len(applications), BATCH):
            body = {"applications": applications[start : start + BATCH]}
            response = self.http.post("/v1/predict", json=body)
            if response.status_code != 200:
                raise SystemExit(f"arm {self.name}: /v1/predict {response.status_code}: "
                                 f"{response.text[:500]}")  # fmt: skip
            answers += response.json()["predictions"]
        return answers

    def post_outcomes(self, due: pd.DataFrame, observed_at: datetime) -> None:
        for prediction_id, bad in zip(due["prediction_id"], due["truth_bad"], strict=True):
            body = {"prediction_id": prediction_id, "outcome": "bad" if bad else "good",
                    "observed_at": iso(observed_at)}  # fmt: skip
            response = self.http.post("/v1/outcomes", json=body)
            if response.status_code not in (200, 201):
                raise SystemExit(f"arm {self.name}: /v1/outcomes {response.status_code}: "
                                 f"{response.text[:500]}")  # fmt: skip

    def reload(self) -> str:
        response = self.http.post(
            "/v1/admin/reload", headers={"Authorization": f"Bearer {self.token}"}
        )
        if response.status_code != 200:
            raise SystemExit(f"arm {self.name}: reload {response.status_code}: {response.text}")
        return response.json()["version"]


def monitor_commands(arm: Arm, since: datetime, until: datetime) -> list[str]:
    return ["modelops", "monitor", "--store", arm.store, "--since", iso(since),
            "--until", iso(until), "--reports", str(arm.reports)]  # fmt: skip


def monitor_and_decide(arm: Arm, since: datetime, until: datetime) -> dict:
    """modelops monitor on the window, then the retrain policy on its report:
    {"retrain": bool, "reasons": [...], "monitoring": report}."""
    monitored = arm.clone.run(*monitor_commands(arm, since, until), check=False)
    if monitored.returncode not in (0, 1):  # 1 is an alert: a verdict, not a failure
        raise SystemExit(f"arm {arm.name}: modelops monitor failed:\n{monitored.stderr}")
    manifest = json.loads((arm.bundle / "manifest.json").read_text())
    decided = arm.clone.modelops(
        "retrain", "decide", "--monitoring", str(arm.reports / "monitoring.json"),
        "--reference", str(arm.bundle / "reference.json"),
        "--trained-at", manifest["committed_at"], "--store", arm.store, check=False,
    )  # fmt: skip
    if decided.returncode not in (0, 1):
        raise SystemExit(f"arm {arm.name}: retrain decide failed:\n{decided.stderr}")
    return {
        "retrain": decided.returncode == 1,
        "reasons": [line for line in decided.stdout.splitlines() if line.strip()],
        "monitoring": json.loads((arm.reports / "monitoring.json").read_text()),
    }


def add_feedback_source(clone: Clone) -> str:
    """The exported folder tracked by DVC, as the ingest source `data/feedback` reads it."""
    sources = clone.config().ingest.sources
    if not any(source.path == str(paths.FEEDBACK) for source in sources):
        where = layout.SECTION_FILE["ingest"]
        raise SystemExit(f"{where} has no ingest source with path {paths.FEEDBACK}")
    clone.run("dvc", "add", "--quiet", str(paths.FEEDBACK))
    return f"{paths.FEEDBACK} (dvc add)"


def retrain(arm: Arm, period: int) -> str:
    """The real pipeline in the clone; returns what happened, in one line."""
    clone, arm.tried = arm.clone, arm.tried + 1
    branch = f"retrain/period-{period:02d}"
    clone.run("git", "switch", "-q", "-c", branch, "main")
    exported = clone.modelops("feedback", "export", "--store", arm.store, "--output",
                              str(paths.FEEDBACK))  # fmt: skip
    rows = exported.stdout.strip().splitlines()[-1].split(" (")[0]  # "...: N rows in M files"
    how = add_feedback_source(clone)
    progress(f"  (b) {rows}; source: {how}; dvc repro")
    started = time.time()
    repro = clone.run("dvc", "repro", check=False)
    quality = data_quality(clone, started)
    progress(f"  (b) {quality}")
    if repro.returncode != 0:
        why = f"{rows}; {quality}; dvc repro failed: {_last_line(repro)}"
        return _abandon(clone, branch, why)
    return f"{rows}; {quality}; {review_and_promote(arm, period, branch)}"


def data_quality(clone: Clone, since: float) -> str:
    """What validation made of the rows, the exported feedback among them, in one line (from
    reports/data_quality.json, if this repro's validation wrote it)."""
    path = clone.repo / paths.DATA_QUALITY
    if not path.is_file() or path.stat().st_mtime < since:
        return "data quality: not checked (the pipeline stopped before validation)"
    report = json.loads(path.read_text(encoding="utf-8"))
    line = f"data quality: {report['rows_quarantined']} of {report['rows_in']} rows quarantined"
    if report["failed_rules"]:  # the quarantine is written only when validation passes
        line += f", failed: {', '.join(report['failed_rules'])}"
    elif report["rows_quarantined"] and (feedback := feedback_quarantined(clone)) is not None:
        line += f", {feedback} of them feedback"
    rules = ", ".join(f"{rule} {n}" for rule, n in report["quarantined_by_rule"].items())
    return line + (f" ({rules})" if rules else "")


def feedback_quarantined(clone: Clone) -> int | None:
    """How many quarantined rows came from the feedback source (ingest names each row's);
    None when the contract names no such source."""
    provenance = clone.contract().provenance
    if provenance is None:
        return None
    quarantine = pd.read_csv(clone.repo / paths.QUARANTINE, dtype=str)
    return int((quarantine[clone.config().data.source_column] == provenance.source).sum())


def review_and_promote(arm: Arm, period: int, branch: str) -> str:
    """The retrain branch's outputs committed, gated against main and prod; if the gate
    passes, merged, registered, promoted, released and served. Returns what happened."""
    clone = arm.clone
    clone.commit(f"Retrain at period {period}: feedback to {iso(utc_now())}")
    progress("  (b) committed on the retrain branch; modelops gate against main and prod")
    gate = clone.modelops("gate", "--baseline", "main", check=False)
    failed = [
        " ".join(line.split()) for line in gate.stdout.splitlines() if line.startswith("FAIL")
    ]
    against = same_rows_against_prod(clone)
    if gate.returncode != 0:
        why = "gate failed: " + ("; ".join(failed) or _last_line(gate)) + against
        return _abandon(clone, branch, why)
    clone.modelops("report")
    prod = clone.run("git", "rev-parse", "main").stdout.strip()
    clone.run("git", "switch", "-q", "main")
    clone.run("git", "merge", "-q", "--ff-only", branch)
    progress("  (b) gate passed: merged; modelops registry register, promote --stage prod")
    registered = clone.modelops("registry", "register", check=False)
    if registered.returncode != 0:
        return _restore(clone, prod, f"register refused: {_last_line(registered)}")
    version = registered.stdout.split("@")[-1].split()[0]
    promoted = clone.modelops("registry", "promote", version, "--stage", "prod", check=False)
    if promoted.returncode != 0:
        why = f"{version} registered, promote refused: {_last_line(promoted)}"
        return _restore(clone, prod, why)
    bundle = clone.release(version, reviewed=True)
    arm.deploy(bundle)
    served = arm.reload()
    arm.promoted += 1
    return f"gate passed{against}; {version} registered, promoted to prod, served ({served})"


def same_rows_against_prod(clone: Clone) -> str:
    """The challenger and the prod model on the same (new) test rows, from reports/gate.json."""
    path = clone.repo / "reports" / "gate.json"
    if not path.is_file():
        return ""
    rules = {r["rule"]: r for r in json.loads(path.read_text())["rules"]}
    shown = []
    for metric, name, digits in (("roc_auc", "ROC AUC", 3),
                                 ("business.value_per_application", "value", 1)):  # fmt: skip
        rule = rules.get(f"{metric} drop vs prod")
        if rule and rule["value"] is not None and rule["baseline"] is not None:
            shown.append(f"{name} {rule['value']:.{digits}f} vs prod {rule['baseline']:.{digits}f}")
    return f" (same test rows: {', '.join(shown)})" if shown else ""


def _last_line(result: subprocess.CompletedProcess) -> str:
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit {result.returncode}"


def _abandon(clone: Clone, branch: str, why: str) -> str:
    """The retrain branch left as it is; main (prod's commit) checked out again."""
    clone.run("git", "reset", "-q", "--hard")
    clone.run("git", "switch", "-q", "main")
    return _restore(clone, "main", why)


def _restore(clone: Clone, prod: str, why: str) -> str:
    """main back at prod's commit, its outputs in the workspace (prod's model keeps serving
    regardless: the service reads its deployed bundle)."""
    clone.run("git", "reset", "-q", "--hard", prod)
    clone.run("dvc", "checkout", "--quiet", "--force")
    return f"{why}; the prod model stays"


def sent_columns(config: Params, contract: Contract) -> list[str]:
    """Every contract column an application holds, as the feedback export writes them (the
    fast mode sends the same): without Age and Marital every exported row would miss contract
    columns and be quarantined. The service accepts them all: the model's features, and the
    protected attributes it does not read, stored to measure fairness."""
    return feedback_features(contract, config.data.source_column)


def as_requests(seen: pd.DataFrame, columns: list[str], id_column: str | None) -> list[dict]:
    """JSON applications: numbers as sent by a client (whole numbers as ints), missing null."""
    requests = []
    for record in seen[[*columns, "sim_id"]].to_dict("records"):
        application = {}
        for name in columns:
            value = record[name]
            if isinstance(value, float):
                value = None if np.isnan(value) else (int(value) if value.is_integer() else value)
            application[name] = value
        if id_column is not None:  # the contract may name no id column
            application[id_column] = record["sim_id"]
        requests.append(application)
    return requests


def auc(truth: np.ndarray, score: np.ndarray) -> float | None:
    return float(roc_auc_score(truth, score)) if len(set(truth.tolist())) == 2 else None


def labelled_auc(monitoring: dict) -> tuple[float | None, int]:
    live = monitoring.get("live")
    if not live:
        return None, 0
    return live["metrics"]["roc_auc"].get("value"), int(live.get("rows", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--rows", type=int, default=1500, help="applications per period")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--delay", type=int, default=1, help="periods until outcomes arrive")
    parser.add_argument("--world", default="downturn", choices=WORLDS)
    parser.add_argument(
        "--exploration",
        type=float,
        default=None,
        help="serve.exploration.rate in the clone (default: the project's)",
    )
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a config key for the clone, in whichever file owns it, e.g. "
                        "train.feedback_weighting=inverse_propensity or "
                        "retrain.min_labelled_rows=100 (repeatable)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    world = load_world(args.world)
    folder = Path(tempfile.mkdtemp(prefix="feedback-loop-"))
    clone = Clone(folder)
    arms = [
        Arm("a", False, folder / "arm-a", clone),
        Arm("b", True, folder / "arm-b", clone),
    ]
    try:
        rows = simulate(args, world, clone, arms)
    finally:
        for arm in arms:
            arm.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print_results(args, world, clone, arms, rows, folder)


def serve_period(
    arms: list[Arm],
    period: int,
    requests: list[dict],
    truth: np.ndarray,
    amounts: np.ndarray,
    business: BusinessParams,
    delay: int,
) -> dict[str, dict]:
    """Every arm's service answers the period's applications; then the outcomes due arrive
    (the loans of `delay` periods ago): {arm: the period's figures}."""
    margin, loss = business.margin, business.loss_given_default

    def serve(arm: Arm) -> dict:
        answers = pd.DataFrame(arm.predict(requests))
        lent = (answers["decision"] == "approve").to_numpy()
        # The answer does not flag exploration: an approval at or over the threshold is one.
        explored = lent & (answers["p_default"] >= answers["threshold"]).to_numpy()
        arm.decisions.append(
            pd.DataFrame({"period": period, "prediction_id": answers["prediction_id"],
                          "lent": lent, "truth_bad": truth})
        )  # fmt: skip
        return {
            "auc": auc(truth, answers["p_default"].to_numpy()),
            "value": value_per_application(truth, lent, amounts, margin, loss),
            # What exploration's loans added (or cost): the rest is the model's decisions.
            "exploration_value": value_per_application(truth, explored, amounts, margin, loss),
            "approval": float(lent.mean()),
            "explored": int(explored.sum()),
            # Outcomes come back for loans only (explored ones are loans too).
            "coverage": float(lent.mean()),
            "version": arm.version,
        }

    figures = dict(zip([arm.name for arm in arms], both(serve, arms), strict=True))
    observed_at = utc_now()

    def post(arm: Arm) -> None:
        everything = pd.concat(arm.decisions, ignore_index=True)
        due = everything[outcomes_due(everything["period"], everything["lent"], period, delay)]
        arm.post_outcomes(due, observed_at)
        figures[arm.name]["outcomes_posted"] = len(due)

    both(post, arms)
    return figures


def simulate(args, world, clone: Clone, arms: list[Arm]) -> list[dict]:
    progress(f"cloning {ROOT} at HEAD into {clone.repo}")
    clone.set_up(args.exploration, args.set)
    for note in clone.notes:
        progress(f"clone's config: {note}")
    clone.modelops("registry", "register")
    clone.modelops("registry", "promote", "v0.1.0", "--stage", "prod")
    bundle = clone.release("v0.1.0")
    progress("v0.1.0 registered, promoted to prod, released; starting both services")
    config, contract = clone.config(), clone.contract()
    columns = sent_columns(config, contract)
    id_column = contract.dataset.id_column
    business = config.business
    # The original rows as v0's pipeline validated them (no feedback yet): the applicants are
    # drawn from them and the fair truth is fitted on them, as in the fast mode.
    originals = pd.read_parquet(clone.repo / paths.VALIDATED)
    target, positive = contract.target.column, contract.target.positive
    labels = (positive, next(v for v in contract.columns[target].allowed if v != positive))
    features = list(config.data.features)
    truth = fit_fair_truth(originals, features, target, positive)
    project = Project(clone.repo, config, contract, clone.repo.parent)
    explorer = Explorer(project)  # the bound's decisions (in process, as in the fast mode)
    for arm in arms:
        arm.folder.mkdir(parents=True)
        arm.deploy(bundle)
        arm.start()
    names = [arm.name for arm in arms]
    starts: list[datetime] = []
    rows: list[dict] = []
    for period in range(1, args.periods + 1):
        drawn = draw_period(world, truth, originals, args.rows, args.seed, period, target, labels)
        seen = drawn.seen
        requests = as_requests(seen, columns, id_column)
        amounts = seen[business.amount_column].to_numpy(dtype=float)
        starts.append(utc_now())
        row = {"period": period, "changed": period >= world.CHANGE_PERIOD}
        row |= serve_period(arms, period, requests, drawn.is_bad, amounts, business, args.delay)
        at = [starts[-1]] * len(drawn.ids)
        bound = explorer.take(fit_on(project, seen), seen, drawn.ids, at)
        row["bound"] = value_per_application(
            drawn.is_bad, bound.lent, amounts, business.margin, business.loss_given_default
        )
        until = utc_now()
        since = starts[max(0, period - 1 - args.delay)]
        decided = dict(zip(names, both(partial(monitor_and_decide, since=since, until=until),
                                       arms), strict=True))  # fmt: skip
        for arm in arms:
            verdict = decided[arm.name]
            row[arm.name]["labelled_auc"], row[arm.name]["labelled"] = labelled_auc(
                verdict["monitoring"]
            )
            row[arm.name]["verdict"] = verdict["monitoring"].get("verdict")
            row[arm.name]["decision"] = "retrain" if verdict["retrain"] else "keep"
            row[arm.name]["reasons"] = verdict["reasons"]
        b = next(arm for arm in arms if arm.retrains)
        line = "; ".join(
            f"({arm.name}) {arm.version} AUC {_f(row[arm.name]['auc'])} value "
            f"{row[arm.name]['value']:.1f} approval {row[arm.name]['approval']:.0%} "
            f"({row[arm.name]['explored']} explored) "
            f"monitor {row[arm.name]['verdict']}, policy {row[arm.name]['decision']}"
            for arm in arms
        )
        progress(f"period {period}: {line}; bound {row['bound']:.1f}")
        if decided[b.name]["retrain"] and period < args.periods:
            progress(f"  (b) retrain: {' | '.join(decided[b.name]['reasons'])}")
            outcome = retrain(b, period)
            b.events.append(
                f"period {period}: {'; '.join(decided[b.name]['reasons'])} -> {outcome}"
            )
            progress(f"  (b) {outcome}")
            row[b.name]["retrain_outcome"] = outcome
        row[b.name]["promoted"], row[b.name]["tried"] = b.promoted, b.tried
        rows.append(row)
    return rows


def both(task, arms: list[Arm]) -> list:
    """task(arm) for every arm at once (each arm has its own service, store and reports)."""
    with ThreadPoolExecutor(len(arms)) as pool:
        return list(pool.map(task, arms))


def _f(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def seed_result(args, rows: list[dict], b: Arm) -> SeedResult:
    """The run as the fast mode's summary reads it (loop_summary.SeedResult)."""
    result = SeedResult(args.seed, {"never": [r["a"]["value"] for r in rows],
                                    "policy": [r["b"]["value"] for r in rows],
                                    "bound": [r["bound"] for r in rows]})  # fmt: skip
    for r in rows:
        fired = [] if r["b"]["decision"] != "retrain" else [
            line.removeprefix("retrain: ") for line in r["b"]["reasons"]
            if line.startswith("retrain: ")
        ]  # fmt: skip
        scheduled = [line for line in fired if line.startswith(SCHEDULED) or "schedule" in line]
        result.alarms[r["period"]] = [line for line in fired if line not in scheduled]
        result.scheduled[r["period"]] = scheduled
    result.tried, result.adopted = b.tried, b.promoted
    return result


def print_results(args, world, clone, arms, rows, folder) -> None:
    wall = time.monotonic() - STARTED
    print("\n".join(header(ROOT, world.describe(), [args.seed], f"{args.periods} periods x "
                           f"{args.rows} applications; outcomes {args.delay} period(s) later, "
                           "for loans only; full mode (service, store, export, dvc repro, gate, "
                           "registry)")))  # fmt: skip
    print("Clone's config: " + "; ".join(clone.notes) + ".")
    print()
    print("Each cell: (a) never retrains / (b) retrains when the policy says so.\n")
    print("| period | changed | ROC AUC, all (oracle) | ROC AUC, labelled (monitor) | value per "
          "application | of which exploration | approval | label coverage | policy | model (b) "
          "| retrains so far (b) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        a, b = row["a"], row["b"]
        print(
            f"| {row['period']} | {'yes' if row['changed'] else 'no'} | "
            f"{_f(a['auc'])} / {_f(b['auc'])} | "
            f"{_f(a['labelled_auc'])} / {_f(b['labelled_auc'])} | {a['value']:.1f} / "
            f"{b['value']:.1f} | {a['exploration_value']:.1f} / {b['exploration_value']:.1f} | "
            f"{a['approval']:.0%} / {b['approval']:.0%} | "
            f"{a['coverage']:.0%} / {b['coverage']:.0%} | {a['decision']} / {b['decision']} | "
            f"{b['version']} | {b['promoted']} ({b['tried']} tried) |"
        )
    explored = {name: sum(row[name]["explored"] for row in rows) for name in ("a", "b")}
    print(f"\nApprovals by exploration (approved at or over the threshold), all periods: "
          f"(a) {explored['a']}, (b) {explored['b']}; they are loans: in the approval rate, "
          "the value and the label coverage.")  # fmt: skip
    for name in ("a", "b"):
        values = [row[name]["value"] for row in rows]
        during = values[world.CHANGE_PERIOD - 1 :]
        print(f"\n({name}) mean value per application over all periods: {np.mean(values):.1f}; "
              "from the change on: "
              + (f"{np.mean(during):.1f}" if during else "no period"))  # fmt: skip
    b = next(arm for arm in arms if arm.retrains)
    print("\nRetrain decisions in (b), with the policy's reasons and what followed:")
    for event in b.events or ["none"]:
        print(f"- {event}")
    said = [row["period"] for row in rows if row["a"]["decision"] == "retrain"]
    print(f"\n(a) never retrains; the policy said retrain at periods {said or 'none'}.")
    print(f"\nWall time: {wall:.0f} s" + (f" (kept: {folder})" if args.keep else ""))
    print()
    b = next(arm for arm in arms if arm.retrains)
    print("\n".join(report_lines([seed_result(args, rows, b)], world.CHANGE_PERIOD, args.periods)))


if __name__ == "__main__":
    main()
