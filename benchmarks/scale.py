"""Measure the real pipeline on many applications: every stage's seconds and peak memory.

For each row count the committed project is cloned into a temporary folder, its source is
replaced by that many applications drawn from the sample (resampled with noise and a little
dirt as benchmarks/validation.py does, so the label relation holds and ids are unique), and
`dvc repro -s <stage>` runs each stage in pipeline order. A stage's peak memory is the largest
resident set of the `dvc repro -s` process and its stage command (os.wait4 of that child).
Then ingest alone reads the largest table from CSV, Parquet and a PostgreSQL server started
here (needs Debian's postgresql), to compare what a SQL source costs in memory.

Targets on a 2-core machine: the whole repro on 1M rows <= 120 s, every stage <= 3 GB, each
stage near-linear in rows. Prints figures only. Commit what you want measured, then:
    python benchmarks/scale.py [--rows 100000,300000,1000000] [--no-sql | --sql-only]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml
from serving import temporary_postgres
from validation import noisy_resample

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ["data/raw", "data/validated", "data/quarantine", "data/processed", "models", "reports"]
SOURCE = "data/external/credit.csv"  # the project's one file source, replaced in the clone
SECONDS_TARGET, MB_TARGET = 120.0, 3072.0


def env() -> dict[str, str]:
    return dict(
        os.environ,
        DO_NOT_TRACK="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    )


def measured(*args: str, cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident MB of one command together
    with the processes it waited for (wait4's rusage of the child covers its reaped
    descendants). CPU seconds hardly change with other work on the machine; wall does."""
    start = time.perf_counter()
    with open(cwd.parent / "log.txt", "ab") as log:
        child = subprocess.Popen(args, cwd=cwd, env=env(), stdout=log, stderr=log)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = (cwd.parent / "log.txt").read_text(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{tail}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def applications(rows: int) -> pd.DataFrame:
    sample = pd.read_csv(ROOT / SOURCE)
    return noisy_resample(sample, rows).drop(columns="source")  # ingest tags the source itself


def clone(tmp: Path) -> Path:
    repo = tmp / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
    for output in OUTPUTS:
        shutil.rmtree(repo / output, ignore_errors=True)
    subprocess.run(["bash", "deploy/feedback_folder.sh"], cwd=repo, check=True)
    return repo


def stages(repo: Path) -> list[str]:
    return list(yaml.safe_load((repo / "dvc.yaml").read_text())["stages"])


def pipeline_at(rows: int) -> dict[str, tuple[float, float, float]]:
    """Each stage's (seconds, peak MB) on `rows` applications, in pipeline order."""
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        repo = clone(Path(tmp))
        applications(rows).to_csv(repo / SOURCE, index=False)
        return {stage: measured("dvc", "repro", "-s", stage, cwd=repo) for stage in stages(repo)}


def with_sources(repo: Path, sources: list[dict]) -> None:
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["ingest"]["sources"] = sources
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def load_postgres(url: str, table: pd.DataFrame, csv: Path) -> None:
    """The table into PostgreSQL through COPY (to_sql's INSERTs take minutes at 1M rows)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    table.head(0).to_sql("applications", engine, index=False, if_exists="replace")
    raw = engine.raw_connection()
    try:
        copying = "COPY applications FROM STDIN (FORMAT csv, HEADER)"
        with raw.cursor() as cursor, open(csv, "rb") as f, cursor.copy(copying) as copy:
            while block := f.read(1 << 20):
                copy.write(block)
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def ingest_by_source(rows: int) -> dict[str, tuple[float, float, float]]:
    """`modelops ingest` of the same rows from CSV, Parquet and PostgreSQL."""
    result = {}
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        repo = clone(Path(tmp))
        table = applications(rows)
        csv, parquet = repo / SOURCE, repo / "data/external/credit.parquet"
        table.to_csv(csv, index=False)
        table.to_parquet(parquet, index=False)
        ingest = ("modelops", "ingest", "--output", str(Path(tmp) / "raw.parquet"))
        for kind, path in (("csv", csv), ("parquet", parquet)):
            with_sources(repo, [{"name": "modeldata", "kind": kind, "path": str(path)}])
            result[kind] = measured(*ingest, cwd=repo)
        with temporary_postgres() as url:
            load_postgres(url, table, csv)
            query = "SELECT * FROM applications"
            with_sources(repo, [{"name": "modeldata", "kind": "sql", "url": url, "query": query}])
            result["sql (PostgreSQL)"] = measured(*ingest, cwd=repo)
    return result


def load_average() -> str:
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def print_table(results: dict[int, dict[str, tuple[float, float, float]]]) -> None:
    counts = list(results)
    print("stage".ljust(10) + "".join(f"{n:>11,} rows: wall s  cpu s     MB" for n in counts))
    for stage in results[counts[0]]:
        print(stage.ljust(10) + "".join(_cells(*results[n][stage]) for n in counts))
    totals = [
        _cells(*(sum(m[i] for m in results[n].values()) for i in (0, 1)), _peak(results[n]))
        for n in counts
    ]
    print("repro".ljust(10) + "".join(totals) + "   (sum of stages; largest peak)")
    if len(counts) > 1:
        first, last = counts[0], counts[-1]
        print(f"\ngrowth from {first:,} to {last:,} rows ({last / first:.0f}x the rows):")
        for stage in results[first]:
            (_, c0, m0), (_, c1, m1) = results[first][stage], results[last][stage]
            print(f"  {stage:<10} cpu x{c1 / c0:5.1f}   memory x{m1 / m0:5.1f}")
    biggest = results[counts[-1]]
    wall = sum(m[0] for m in biggest.values())
    cpu = sum(m[1] for m in biggest.values())
    print(
        f"\n{counts[-1]:,} rows: whole repro {wall:.1f} s wall, {cpu:.1f} s CPU (target <= "
        f"{SECONDS_TARGET:.0f} s), largest stage {_peak(biggest):.0f} MB "
        f"(target <= {MB_TARGET:.0f})"
    )


def _cells(wall: float, cpu: float, mb: float) -> str:
    return f"{wall:>24.1f} {cpu:>6.1f} {mb:>6.0f}"


def _peak(stages: dict[str, tuple[float, float, float]]) -> float:
    return max(mb for _, _, mb in stages.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,300000,1000000", help="comma-separated counts")
    parser.add_argument("--no-sql", action="store_true", help="skip the ingest comparison")
    parser.add_argument("--sql-only", action="store_true", help="only the ingest comparison")
    args = parser.parse_args()
    counts = [int(n) for n in args.rows.split(",")]
    print(f"load average before: {load_average()} on {os.cpu_count()} cores")
    results = {}
    for rows in [] if args.sql_only else counts:
        results[rows] = pipeline_at(rows)
        done = ", ".join(
            f"{st} {w:.1f}/{c:.1f} s {mb:.0f} MB" for st, (w, c, mb) in results[rows].items()
        )
        print(f"  {rows:,} rows (wall/CPU, peak): {done}", flush=True)
    if results:
        print_table(results)
    if not args.no_sql:
        print(f"\ningest alone, {counts[-1]:,} rows, by source kind:")
        for kind, (wall, cpu, mb) in ingest_by_source(counts[-1]).items():
            print(f"  {kind:<18} {wall:6.1f} s wall {cpu:6.1f} s CPU {mb:6.0f} MB")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
