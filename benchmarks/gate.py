"""Measure the gate's same-row comparison: its time with main's model in the DVC cache and
with a rebuild of main's pipeline (empty cache, no remote), against a full `dvc repro` in
the same run, and how wide the paired interval is next to the stored metric's own noise.

Runs on the suite's sample project in a temporary folder:
python benchmarks/gate.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.repos import build_sample_project, run  # noqa: E402


def timed(*args: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=dict(os.environ, DO_NOT_TRACK="1"), capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        repo = build_sample_project(ROOT, Path(folder) / "repo")
        run("git", "checkout", "-q", "-b", "change", cwd=repo)
        params = (repo / "params.yaml").read_text()
        (repo / "params.yaml").write_text(params.replace("    C: 1.0", "    C: 0.5"))
        repro = timed("dvc", "repro", cwd=repo)
        cached = timed("modelops", "gate", "--baseline", "main", cwd=repo)
        verdict = json.loads((repo / "reports/gate.json").read_text())
        shutil.rmtree(repo / ".dvc" / "cache")
        rebuilt = timed("modelops", "gate", "--baseline", "main", cwd=repo)
        again = json.loads((repo / "reports/gate.json").read_text())

    main_ = verdict["baselines"][0]
    source = again["baselines"][0]["same_rows"]["note"].split(" from the ")[1].split(",")[0]
    drop = main_["same_rows"]["drops"]["roc_auc"]
    print(f"full dvc repro of the change         : {repro:6.1f} s")
    print(f"gate, main's model in the DVC cache  : {cached:6.1f} s   (target < 10 s)")
    print(f"gate, main's model rebuilt ({source:7}) : {rebuilt:6.1f} s")
    print(
        f"C 1.0 -> 0.5, ROC AUC drop on the same rows: {drop['point']:+.4f}, 90% interval "
        f"[{drop['low']:+.4f}, {drop['high']:+.4f}] (width {drop['high'] - drop['low']:.4f})"
    )
    print(f"verdicts with and without the cache agree: {verdict['rules'] == again['rules']}")


if __name__ == "__main__":
    main()
