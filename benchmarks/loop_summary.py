"""What a loop simulation prints at its end, the fast and the full mode alike: the machine and
the run, a table per seed, intervals over seeds, the retrains, and the final line

    policy vs never: +X per application after the change (worst seed +Y); bound +Z; alarms
    before the change: K of N

X: the mean over seeds of the policy arm's value per application minus never's, over the
periods from the world's change on; Y: the worst seed's; Z: the bound's (refit on each
period's full truth) gain the same way; K: seed-periods before the change in which a
degradation rule of the policy fired (a scheduled retrain is no alarm: counted on its own
line), N: the seed-periods before the change.
"""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ARMS = ("never", "policy", "bound")


@dataclass
class SeedResult:
    """One seed's run: each arm's value per application by period, and the policy arm's
    decisions (period -> alarms fired / scheduled reasons), retrains tried and adopted."""

    seed: int
    values: dict[str, list[float]]
    alarms: dict[int, list[str]] = field(default_factory=dict)
    scheduled: dict[int, list[str]] = field(default_factory=dict)
    tried: int = 0
    adopted: int = 0
    events: list[str] = field(default_factory=list)
    segment: dict[str, list[float]] = field(default_factory=dict)  # arm -> approval by period
    exploration: dict[str, list[float]] = field(default_factory=dict)  # arm -> value of explored
    served: dict[str, list[str]] = field(default_factory=dict)  # arm -> digest of ids by period
    outcomes: dict[int, int] = field(default_factory=dict)  # period -> outcomes posted (policy)

    def after(self, arm: str, change: int) -> float:
        return float(np.mean(self.values[arm][change - 1 :]))

    def gain(self, arm: str, change: int) -> float:
        return self.after(arm, change) - self.after("never", change)

    def alarms_before(self, change: int) -> int:
        return sum(1 for period, fired in self.alarms.items() if period < change and fired)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def commit(root: Path) -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else "?"

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short=12", "HEAD") + (" (uncommitted changes)" if dirty else "")


def header(root: Path, world: str, seeds: list[int], extra: str) -> list[str]:
    return [
        f"Machine: {machine()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit(root)}",
        f"World: {world}; seeds {', '.join(map(str, seeds))}; {extra}",
    ]


def t_interval(values: list[float], confidence: float = 0.9) -> tuple[float, float] | None:
    """The t-interval of the mean over seeds (None for one seed)."""
    from scipy import stats

    if len(values) < 2:
        return None
    mean, sem = float(np.mean(values)), float(np.std(values, ddof=1) / np.sqrt(len(values)))
    half = float(stats.t.ppf(0.5 + confidence / 2, len(values) - 1)) * sem
    return mean - half, mean + half


def report_lines(results: list[SeedResult], change: int, periods: int) -> list[str]:
    """The per-seed table, the intervals, the retrains line and, last, the final line; a run
    that ends before the change has no figure after it, and its last line says so."""
    if periods < change:
        alarms = sum(r.alarms_before(change) for r in results)
        return [
            f"policy vs never: not measured: the run ends at period {periods}, before the "
            f"change in period {change}; alarms before the change: {alarms} of "
            f"{len(results) * periods}"
        ]
    lines = [
        f"Value per application from period {change} on (periods {change}-{periods}):",
        "",
        "| seed | never | policy | bound | policy - never | bound - never | retrains tried / "
        "adopted | alarms before the change |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.seed} | {r.after('never', change):.2f} | {r.after('policy', change):.2f} | "
            f"{r.after('bound', change):.2f} | {r.gain('policy', change):+.2f} | "
            f"{r.gain('bound', change):+.2f} | {r.tried} / {r.adopted} | "
            f"{r.alarms_before(change)} of {change - 1} |"
        )
    gains = [r.gain("policy", change) for r in results]
    bounds = [r.gain("bound", change) for r in results]
    lines.append("")
    for name, found in (("policy - never", gains), ("bound - never", bounds)):
        interval = t_interval(found)
        shown = "one seed: no interval" if interval is None else (
            f"90% t-interval over seeds [{interval[0]:+.2f}, {interval[1]:+.2f}]")  # fmt: skip
        lines.append(f"{name}: mean {np.mean(found):+.2f}; {shown}")
    share = np.mean(gains) / np.mean(bounds) if np.mean(bounds) > 0 else float("nan")
    lines.append(f"policy's gain as a share of the bound's: {share:.0%}")
    by_period = [
        " / ".join(f"{np.mean([r.values[arm][p] for r in results]):.1f}" for arm in ARMS)
        for p in range(periods)
    ]
    lines.append("mean value by period (never / policy / bound): " + "; ".join(
        f"{p + 1}: {v}" for p, v in enumerate(by_period)))  # fmt: skip
    alarms = sum(r.alarms_before(change) for r in results)
    after = sum(1 for r in results for p, a in r.alarms.items() if p >= change and a)
    every = sum(1 for r in results for a in r.alarms.values() if a)
    scheduled = sum(1 for r in results for p, s in r.scheduled.items() if s and not r.alarms.get(p))
    seed_periods = len(results) * periods
    lines.append(
        f"retrains: {sum(r.tried for r in results)} tried, {sum(r.adopted for r in results)} "
        f"adopted; the policy fired a degradation rule in {every} of {seed_periods} "
        f"seed-periods ({after} from the change on); scheduled retrains (no degradation rule "
        f"fired): {scheduled}"
    )
    lines.append(
        f"policy vs never: {np.mean(gains):+.2f} per application after the change (worst seed "
        f"{min(gains):+.2f}); bound {np.mean(bounds):+.2f}; alarms before the change: {alarms} "
        f"of {len(results) * (change - 1)}"
    )
    return lines
