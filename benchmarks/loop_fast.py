"""The feedback loop's fast mode: the project's own functions in one process (loop_project.py
holds every call into it), many seeds, three arms on the same applications and the same
truth:

- never: model v0 (the pipeline on the original sources) serves every period;
- policy: after each period the monitor and the retrain policy judge the window; on retrain,
  the store's feedback is exported, the pipeline runs (ingest, validate, split, train with
  its candidate and refit, evaluate) and the gate decides against the champion; a model that
  passes serves from the next period;
- bound: each period served by a model fitted on that period's own full truth (no lag, no
  selection): what a perfect loop could reach.

Outcomes return `--delay` periods late, for loans only (explored approvals are loans);
predictions and outcomes are stored in a real SQLite PredictionStore per seed, on a simulated
clock of one week a period (in the past, as outcomes must be). Every draw is seeded by (seed,
period, application): each arm sees the same applications, outcomes and exploration draws
(the prediction id fixes the draw).

    python benchmarks/loop_fast.py [--world downturn] [--seeds 7 11 13 17 19] [--periods 8]
        [--rows 1500] [--delay 1] [--set KEY=VALUE ...] [--output results.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import loop_project as project_api
import numpy as np
from feedback_world import outcomes_due, value_per_application
from loop_summary import ARMS, SeedResult, header, report_lines
from truth import draw_period, fit_fair_truth
from worlds import WORLDS, load_world

ROOT = Path(__file__).resolve().parents[1]
PERIOD = timedelta(days=7)
SEGMENT = ("Job", "partime")  # the approval rate reported by period (the rejected region)
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--world", default="downturn", choices=WORLDS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 13, 17, 19])
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--rows", type=int, default=1500, help="applications per period")
    parser.add_argument("--delay", type=int, default=1, help="periods until outcomes arrive")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a config key, in whichever file owns it, e.g. "
                        "train.original_weight=0.5 (repeatable)")  # fmt: skip
    parser.add_argument("--output", type=Path, help="write every seed's figures as JSON")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the stores and exports here (default: a temporary folder)",
    )
    args = parser.parse_args(argv)
    for name in ("periods", "rows"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.delay < 0:
        parser.error("--delay must be at least 0")
    change = load_world(args.world).CHANGE_PERIOD
    if args.periods < change:
        # "after the change" would be no period at all: a mean of nothing, not a result
        parser.error(f"--periods {args.periods}: the {args.world} world changes in period "
                     f"{change}; run at least {change} periods")  # fmt: skip
    return args


def original_rows(project):
    """The original sources as the pipeline validates them (no feedback)."""
    empty = project.workdir / "no-feedback"
    empty.mkdir(exist_ok=True)
    checked = project_api.validated_rows(project, empty)
    if not checked.passed:
        raise SystemExit("error: the original sources fail their contract: run modelops validate")
    return checked.validated


def run_seed(project, world, truth, originals, v0, seed: int, args, folder: Path) -> SeedResult:
    """One seed's periods for the three arms; the policy arm's store under folder."""
    business = project.params.business
    margin, loss = business.margin, business.loss_given_default
    labels, target = project.labels, project.target.column
    start0 = v0.trained_at
    folder.mkdir(parents=True)
    store = project_api.open_store(folder, project)
    champion = v0
    result = SeedResult(seed, {arm: [] for arm in ARMS})
    result.segment = {arm: [] for arm in ARMS}
    result.exploration = {arm: [] for arm in ARMS}
    history = []  # the policy arm's loans: (period, ids, lent, is_bad)
    explorers = {arm: project_api.Explorer(project) for arm in ARMS}  # a service each
    id_column = project.contract.dataset.id_column
    for period in range(1, args.periods + 1):
        drawn = draw_period(world, truth, originals, args.rows, seed, period, target, labels)
        seen, ids, amount = (
            drawn.seen,
            drawn.ids,
            drawn.seen[business.amount_column].to_numpy(float),
        )
        start = start0 + (period - 1) * PERIOD
        at = [start + i * (PERIOD / args.rows) for i in range(args.rows)]
        bound = project_api.fit_on(project, seen)
        models = {"never": v0.classifier, "policy": champion.classifier, "bound": bound}
        answers = {arm: explorers[arm].take(m, seen, ids, at) for arm, m in models.items()}
        for arm in ARMS:  # which applications each arm answered (the same, in the same order)
            result.served.setdefault(arm, []).append(digest(ids))
        in_segment = (seen[SEGMENT[0]] == SEGMENT[1]).to_numpy()
        for arm, a in answers.items():
            result.values[arm].append(
                value_per_application(drawn.is_bad, a.lent, amount, margin, loss)
            )
            result.exploration[arm].append(
                value_per_application(drawn.is_bad, a.explored, amount, margin, loss)
            )
            # The model's own approvals in the segment (exploration's are not learnt).
            own = a.lent & ~a.explored
            result.segment[arm].append(
                float(own[in_segment].mean()) if in_segment.any() else float("nan")
            )
        sent = project_api.received(seen, project.sent_columns, id_column)
        project_api.record(store, champion, sent, ids, answers["policy"], at)
        history.append((period, ids, answers["policy"].lent, drawn.is_bad))
        end = start + PERIOD
        due = [
            (pid, bool(bad))
            for p, pids, lent, is_bad in history
            for pid, bad, is_due in zip(
                pids,
                is_bad,
                outcomes_due(np.full(len(pids), p), lent, period, args.delay),
                strict=True,
            )
            if is_due
        ]
        project_api.record_outcomes(store, due, end - timedelta(seconds=1), labels)
        result.outcomes[period] = len(due)
        since = start0 + (max(1, period - args.delay) - 1) * PERIOD
        report = project_api.monitor(project, store, champion, since, end)
        decided = project_api.policy(project, report, champion, store)
        result.alarms[period], result.scheduled[period] = decided.alarms, decided.scheduled
        line = (
            f"seed {seed} period {period}: value never {result.values['never'][-1]:.1f}, "
            f"policy {result.values['policy'][-1]:.1f} ({champion.version}), bound "
            f"{result.values['bound'][-1]:.1f}; {len(due)} outcomes; monitor {report['verdict']}; "
            f"policy {'retrain' if decided.retrain else 'keep'}"
        )
        if report["verdict"] != "ok" and not decided.retrain:  # why an alert does not retrain
            line += f" ({decided.reasons[0]})"
        progress(line)
        if decided.retrain and period < args.periods:
            result.tried += 1
            why = "; ".join(decided.alarms + decided.scheduled)
            exported = project_api.export(project, store, folder / "feedback", end)
            version = f"v0.{result.tried}.{seed}"
            built = project_api.run_pipeline(project, folder / "feedback", version, end)
            if built.failed:
                outcome = f"{exported} rows exported; {built.failed}; the champion stays"
            else:
                passed, failed = project_api.gate(project, built, champion)
                if passed:
                    champion, result.adopted = built.model, result.adopted + 1
                    outcome = f"{exported} rows exported; gate passed: {version} serves"
                else:
                    outcome = f"{exported} rows exported; gate failed: {'; '.join(failed)}"
            result.events.append(f"period {period}: {why} -> {outcome}")
            progress(f"  retrain: {why} -> {outcome}")
    store.dispose()
    return result


def digest(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


def main(argv=None) -> None:
    args = parse_args(argv)
    world = load_world(args.world)
    with tempfile.TemporaryDirectory(prefix="loop-fast-") as temp:
        folder = Path(temp) if args.workdir is None else args.workdir
        project = project_api.load_project(ROOT, args.set, folder)
        originals = original_rows(project)
        target = project.target.column
        columns = list(dict.fromkeys([*project.features, *getattr(world, "TRUTH_COLUMNS", ())]))
        truth = fit_fair_truth(originals, columns, target, project.contract.target.positive)
        # v0: the pipeline on the original sources, trained well before period 1.
        trained_at = datetime.now(UTC).replace(microsecond=0) - PERIOD * (args.periods + 2)
        v0 = project_api.run_pipeline(project, folder / "no-feedback", "v0.1.0", trained_at).model
        progress(f"v0: threshold {v0.threshold:.3f}, ROC AUC {v0.reports['metrics']['roc_auc']:.3f}"
                 f" on the reference rows; {len(originals)} original rows")  # fmt: skip
        results = [
            run_seed(project, world, truth, originals, v0, seed, args, folder / f"seed-{seed}")
            for seed in args.seeds
        ]
    change = world.CHANGE_PERIOD
    extra = (
        f"{args.periods} periods x {args.rows} applications, outcomes {args.delay} period(s) "
        f"late; config: {'; '.join(project.notes)}; exploration rate "
        f"{project.exploration_rate:g}; wall time {time.monotonic() - STARTED:.0f} s"
    )
    print("\n".join(header(ROOT, world.describe(), args.seeds, extra)))
    print()
    for r in results:
        for event in r.events:
            print(f"seed {r.seed} {event}")
    print()
    print(f"{SEGMENT[0]} == {SEGMENT[1]!r}: the model's own approvals (not exploration's) by "
          "period (never, policy): "
          + "; ".join(
              f"{p + 1}: {np.nanmean([r.segment['never'][p] for r in results]):.0%} / "
              f"{np.nanmean([r.segment['policy'][p] for r in results]):.0%}"
              for p in range(args.periods)))  # fmt: skip
    explored = np.mean([np.mean(r.exploration["policy"]) for r in results])
    print(f"value of explored loans per application (policy arm, mean of periods): {explored:+.2f}")
    print()
    print("\n".join(report_lines(results, change, args.periods)))
    if args.output:
        args.output.write_text(json.dumps([vars(r) for r in results], indent=1, default=str))


if __name__ == "__main__":
    main()
