"""Measure the prediction service: 1-row requests at 16 concurrent connections (requests/s,
p50, p99) with the contract's validation and the store's logging on, against a naive endpoint
(one predict_proba and one commit per request) with the same number of worker processes, the
same model, the same store and the same load generator (wrk, in its own process) in the same
run; the sequential latency of one request (wrk with one connection) against a bare
predict_proba plus one commit, in process.

With --before SRC (the package sources of an earlier commit, e.g. `git archive REF src | tar
-x -C /tmp/before`), the same micro-batching service from those sources runs in the same run,
so a change's cost is measured on equal terms (SRC's params are this params.yaml without the
sections it does not know). The application sent is a rejection: each answer carries reasons.

Needs the workspace model (make run) and wrk (apt-get install wrk). Prints figures only:
python benchmarks/serving.py [--seconds 10] [--store-url URL | --postgres] [--before SRC]
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPLICATION = {
    "Seniority": 9, "Time": 60, "Age": 30, "Expenses": 73, "Income": 129, "Assets": 0,
    "Debt": 0, "Amount": 800, "Price": 846, "Home": "rent", "Marital": "married",
    "Records": "no", "Job": "freelance",
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str) -> bytes:
    request = urllib.request.Request(
        f"{url}/v1/predict", json.dumps(APPLICATION).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read()


def start(
    kind: str, workers: int, store_url: str, before: Path | None = None
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    src = ROOT / "src" if kind != "before" else before
    env = dict(os.environ, DO_NOT_TRACK="1", PYTHONPATH=f"{src}{os.pathsep}{ROOT}")
    if kind in ("micro-batching", "before"):
        args = ["modelops", "serve", "--port", str(port), "--store", store_url,
                "--workers", str(workers)]  # fmt: skip
        if kind == "before":
            args += ["--params", str(params_without(BEFORE_UNKNOWN))]
    else:
        from modelops.config.params import load_params
        from modelops.serve.main import CONFIG_ENV, ServeConfig

        settings = load_params(ROOT / "params.yaml").serve.model_dump()
        env[CONFIG_ENV] = json.dumps(ServeConfig(str(ROOT), None, store_url, settings).__dict__)
        args = [sys.executable, "-m", "uvicorn", "benchmarks.naive_service:app_from_environment",
                "--factory", "--port", str(port), "--workers", str(workers), "--loop", "uvloop",
                "--http", "httptools", "--no-access-log", "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            post(url)
            return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{kind} did not start")


# Sections of params.yaml that sources from before them refuse as unknown keys.
BEFORE_UNKNOWN = ("reasons",)


def params_without(sections: tuple[str, ...]) -> Path:
    import yaml

    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    path = Path(tempfile.mkdtemp()) / "params-before.yaml"
    path.write_text(yaml.safe_dump({k: v for k, v in params.items() if k not in sections}))
    return path


def wrk(url: str, connections: int, seconds: int) -> dict:
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(APPLICATION))}\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         f"{url}/v1/predict"], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "load_cpu": cpu / seconds,
    }


def bare_ms(store_url: str, requests: int = 300) -> float:
    """predict_proba of one row plus one committed store row, in process: the floor."""
    import pandas as pd

    from modelops.config.params import load_params
    from modelops.serve.app import Row, Service
    from modelops.serve.main import ServeConfig

    settings = load_params(ROOT / "params.yaml").serve
    config = ServeConfig(str(ROOT), None, store_url, settings.model_dump())
    service = Service(config.load, config.store(), settings, None, config.params())
    service.store.create_schema()
    row = Row({k: float(v) if isinstance(v, int) else v for k, v in APPLICATION.items()},
              APPLICATION)  # fmt: skip
    pd.DataFrame([row.values])
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        service.decide([row])
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


@contextlib.contextmanager
def temporary_postgres():
    """A PostgreSQL server of its own in a temporary folder (as `postgres` when root, since
    initdb refuses root); yields its URL."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    where = Path(shutil.which("initdb") or f"{binaries[-1]}/initdb").parent if binaries else None
    if where is None or not (where / "initdb").exists():
        raise SystemExit("PostgreSQL's initdb not found: apt-get install postgresql")
    user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="serving-bench-pg-"))
    if user:
        shutil.chown(folder, user, user)
    port = free_port()

    def run(*command: str) -> None:
        subprocess.run(command, user=user, cwd=folder, check=True, capture_output=True)

    run(str(where / "initdb"), "-D", f"{folder}/data", "-A", "trust", "-U", "postgres")
    run(str(where / "pg_ctl"), "-D", f"{folder}/data", "-l", f"{folder}/log", "-w", "-o",
        f"-p {port} -c listen_addresses=127.0.0.1 -k {folder}", "start")  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(where / "pg_ctl"), "-D", f"{folder}/data", "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--store-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--postgres", action="store_true", help="start a PostgreSQL to use")
    parser.add_argument("--before", type=Path, default=None, help="earlier package sources")
    args = parser.parse_args()
    if args.postgres:
        with temporary_postgres() as url:
            args.store_url = url
            measure(args)
    else:
        measure(args)


def measure(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="serving-bench-"))

    def store(name: str) -> str:
        return args.store_url or f"sqlite:///{folder / name}.db"

    print(f"store: {store('x').split('://')[0]}, {args.connections} connections, "
          f"{args.seconds} s each, load generator wrk -t1 (its own process)")  # fmt: skip
    print(f"bare predict_proba + one commit, 1 row   : p50 {bare_ms(store('bare')):6.2f} ms")
    for workers in (1, 2):
        results = {}
        kinds = ("naive", "micro-batching") + (("before",) if args.before else ())
        for kind in kinds:
            process, url = start(kind, workers, store(f"{kind}-{workers}"), args.before)
            try:
                wrk(url, args.connections, 2)  # warm up: first calls import and allocate
                seq = wrk(url, 1, args.seconds)["p50"]
                results[kind] = wrk(url, args.connections, args.seconds)
            finally:
                process.terminate()
                process.wait(timeout=30)
            r = results[kind]
            print(
                f"{kind:15} workers {workers}: {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f} ms  "
                f"p99 {r['p99']:6.1f} ms  errors {r['errors']}  sequential p50 {seq:5.2f} ms  "
                f"load generator {r['load_cpu']:.0%} of a core"
            )
        ratio = results["micro-batching"]["rps"] / results["naive"]["rps"]
        print(f"  micro-batching / naive with {workers} worker(s): {ratio:.1f}x")
        if args.before:
            kept = results["micro-batching"]["rps"] / results["before"]["rps"]
            print(f"  micro-batching / before with {workers} worker(s): {kept:.2f}x")


if __name__ == "__main__":
    main()
