"""Measure the pipeline: `modelops --help`, a full `dvc repro` from an empty cache, a no-op
repro, the same work as plain in-process calls, and peak memory. Prints figures only.

Run from the project root with the venv active:  python benchmarks/pipeline.py
It clones the committed project into a temporary folder, so commit what you want measured.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ["data/raw", "data/processed", "models", "reports"]


def env() -> dict[str, str]:
    return dict(
        os.environ,
        DO_NOT_TRACK="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    )


def timed(*args: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env(), check=True, capture_output=True)
    return time.perf_counter() - start


def in_process(repo: Path) -> float:
    """ingest -> validate -> split -> train -> evaluate as function calls, no DVC, no subprocess."""
    from modelops.config.contract import load_contract
    from modelops.config.params import load_params
    from modelops.data.ingest import ingest
    from modelops.data.split import split_dataset
    from modelops.data.validation import validate_against_contract
    from modelops.model.evaluate import evaluate_model
    from modelops.model.train import Target, train_model

    start = time.perf_counter()
    os.chdir(repo)  # source paths in params.yaml are relative to the project
    params, contract = load_params("params.yaml"), load_contract("data/contract.yaml")
    table = ingest(tuple(params.ingest.sources), params.data.source_column)
    validated = validate_against_contract(table, contract, params.data.source_column).validated
    target = Target(contract.target.column, contract.target.positive)
    train, test = split_dataset(
        validated, target.column, params.split.test_size, params.split.seed,
        contract.dataset.id_column,
    )  # fmt: skip
    trained = train_model(train, params.data.features, target, params.train, params.business)
    evaluate_model(trained.classifier, test, target, params.business, params.evaluate)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
        for output in OUTPUTS:
            shutil.rmtree(repo / output, ignore_errors=True)
        shutil.rmtree(repo / ".dvc" / "cache", ignore_errors=True)

        cli_help = min(timed("modelops", "--help", cwd=repo) for _ in range(5))
        full = timed("dvc", "repro", cwd=repo)
        noop = min(timed("dvc", "repro", cwd=repo) for _ in range(3))
        dvc_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        calls = in_process(repo)
        self_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"modelops --help (best of 5) : {cli_help:6.2f} s   (target < 0.5 s)")
    print(f"full dvc repro, empty cache : {full:6.2f} s   (target <= 15 s)")
    print(f"no-op dvc repro (best of 3) : {noop:6.2f} s   (target <= 1 s)")
    print(f"same work as in-process calls: {calls:6.2f} s")
    print(f"peak memory, largest stage process : {dvc_peak_mb:6.0f} MB")
    print(f"peak memory, in-process run        : {self_peak_mb:6.0f} MB")


if __name__ == "__main__":
    main()
