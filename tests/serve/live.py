"""Real parts for the serving tests: `modelops serve` processes on 127.0.0.1 and a free port,
and a PostgreSQL server of its own in a temporary folder."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from support.cli import MODELOPS
from support.repos import tool_env

STARTUP_SECONDS = 90  # importing sklearn and loading the model on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class LiveServer:
    """One `modelops serve` process, run as a user runs it, its output in a log file."""

    def __init__(
        self,
        project: Path,
        store_url: str,
        log: Path,
        bundle: Path | None = None,
        env: dict[str, str] | None = None,
        store_flag: bool = True,
        params: Path | None = None,
    ) -> None:
        self.project, self.store_url, self.log, self.bundle = project, store_url, log, bundle
        self.params = params  # another params file than the project's
        self.env = {**tool_env(), **(env or {})}
        self.store_flag = store_flag
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        args = [MODELOPS, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.store_flag:
            args += ["--store", self.store_url]
        if self.bundle is not None:
            args += ["--bundle", str(self.bundle)]
        if self.params is not None:
            args += ["--params", str(self.params)]
        return args

    def start(self) -> LiveServer:
        """Start and wait until /health/live answers; fail with the log if it exits first."""
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                self.command(), cwd=self.project, env=self.env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"modelops serve exited {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/health/live", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"modelops serve not live after {STARTUP_SECONDS} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def signal(self, number: int) -> None:
        assert self.process is not None and self.process.poll() is None, self.output()
        self.process.send_signal(number)

    def kill9(self) -> None:
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


# PostgreSQL: the server binaries from PATH, else Debian's folder (.ci/run installs them).
def postgres_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found

    def major(path: str) -> int:
        version = Path(path).parents[1].name
        return int(version) if version.isdigit() else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major)
    if not candidates:
        pytest.fail(
            f"PostgreSQL's {name} is neither on PATH nor under /usr/lib/postgresql/*/bin: "
            "install Debian's postgresql (.ci/run does)"
        )
    return candidates[-1]


class Postgres:
    """A PostgreSQL server of its own in a temporary folder, on 127.0.0.1 and a free port.

    initdb refuses root: as root, the server runs as the `postgres` user that Debian's
    package creates; otherwise as the current user.
    """

    def __init__(self) -> None:
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user is not None:
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                pytest.fail("running as root, PostgreSQL needs the `postgres` user (apt-get "
                            "install postgresql creates it)")  # fmt: skip
        self.folder = Path(tempfile.mkdtemp(prefix="modelops-pg-"))
        self.data, self.log = self.folder / "data", self.folder / "server.log"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        if self.user is not None:
            shutil.chown(self.folder, self.user, self.user)

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            args, user=self.user, cwd=self.folder, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            pytest.fail(f"{' '.join(args)} exited {result.returncode}:\n{result.stderr}\n{log}")

    def create(self) -> None:
        self._run(postgres_binary("initdb"), "-D", str(self.data), "-A", "trust", "-U",
                  "postgres", "-E", "UTF8", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run(postgres_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        self._run(postgres_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def app_in_process(project: Path, store_url: str, admin_token: str = "") -> Iterator:
    """The app `modelops serve` builds for the project's workspace, run in this process by
    FastAPI's TestClient (a server error is answered, as uvicorn would, not raised), with
    that admin token ("": admin calls off)."""
    from fastapi.testclient import TestClient

    from modelops.config.params import load_params
    from modelops.serve.main import ServeConfig, build_app

    settings = load_params(project / "params.yaml").serve.model_dump()
    before = os.environ.get("MODELOPS_ADMIN_TOKEN")
    os.environ["MODELOPS_ADMIN_TOKEN"] = admin_token  # read once, when the app is built
    try:
        app = build_app(ServeConfig(str(project), None, store_url, settings))
    finally:
        if before is None:
            os.environ.pop("MODELOPS_ADMIN_TOKEN")
        else:
            os.environ["MODELOPS_ADMIN_TOKEN"] = before
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
