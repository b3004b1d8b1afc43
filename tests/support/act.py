"""Run the project's GitHub workflows with `act` on this machine, in throwaway repositories.

GitHub-hosted actions that cannot run here are replaced by the stand-ins in stand_ins/
(see its README); everything else in the workflow runs for real.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from support.repos import run, tool_env

STAND_INS = Path(__file__).resolve().parents[1] / "workflows" / "stand_ins"
ACTIONS = {
    "actions/setup-python@v5": STAND_INS / "setup-python",
    "iterative/setup-cml@v2": STAND_INS / "setup-cml",
    "actions/upload-artifact@v4": STAND_INS / "upload-artifact",
    "docker/login-action@v3": STAND_INS / "docker-login",
    "docker/build-push-action@v6": STAND_INS / "docker-build-push",
}
# act names the repository (github.repository) after a remote's URL; the clones' origin is a
# local folder, so a second remote gives them a GitHub name.
REPOSITORY = "acme/credit-risk"
NAMING_REMOTE = "github"
ACTOR = "modelops-tests"  # github.actor
# What the job gets as secrets.GITHUB_TOKEN: a test can tell it was never recorded.
TOKEN = "act-test-token-not-a-secret"


@dataclass(frozen=True)
class ActRun:
    exit_code: int
    log: str
    records: Path
    artifacts: Path
    gh_records: Path
    docker_records: Path

    def gh_file(self, call: int, name: str) -> Path:
        """The copy the gh stand-in kept of a file given to call number `call`."""
        return self.gh_records / f"call-{call}" / "files" / name

    def gh_token(self, call: int) -> str:
        """The GH_TOKEN call number `call` of the gh stand-in was given."""
        return (self.gh_records / f"call-{call}" / "token").read_text()

    @property
    def gh_calls(self) -> list[tuple[list[str], list[str]]]:
        """Each call to the gh stand-in: its arguments and the names of the files it got."""
        calls = sorted(self.gh_records.glob("call-*"), key=lambda p: int(p.name.split("-")[1]))
        return [
            ((c / "args").read_text().splitlines(), sorted(f.name for f in (c / "files").iterdir()))
            for c in calls
        ]

    @property
    def comment(self) -> str:
        """The body the job asked cml to post ('' when it posted nothing)."""
        body = self.records / "body.md"
        return body.read_text() if body.exists() else ""

    @property
    def cml_args(self) -> list[str]:
        args = self.records / "args"
        return args.read_text().splitlines() if args.exists() else []

    @property
    def docker_login(self) -> dict | None:
        """What the login stand-in was given (registry, username), None if it never ran."""
        return _json_or_none(self.docker_records / "login.json")

    @property
    def image_build(self) -> dict | None:
        """What the build-push stand-in was given and found (context, file, tags, build_args,
        push, problems), None if it never ran."""
        return _json_or_none(self.docker_records / "build-push.json")

    @property
    def output(self) -> list[str]:
        """The lines the job's steps printed, in order (act's own lines left out)."""
        return [line.split("  | ", 1)[1] for line in self.log.splitlines() if "  | " in line]


def _json_or_none(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_workflow(
    repo: Path,
    event_name: str,
    event: dict,
    job: str | None = None,
    workflow: str | None = None,
    secrets: dict[str, str] | None = None,
) -> ActRun:
    """Run a workflow (or one job of it) with act, on the host, for an event, with
    GITHUB_TOKEN and any other secrets given."""
    work = repo.parent
    records, artifacts, gh_records = work / "cml-records", work / "artifacts", work / "gh-records"
    docker_records = work / "docker-records"
    for folder in (records, gh_records, docker_records):
        folder.mkdir(exist_ok=True)
    if run("git", "remote", "get-url", NAMING_REMOTE, cwd=repo, check=False).returncode != 0:
        run("git", "remote", "add", NAMING_REMOTE, f"https://github.com/{REPOSITORY}.git", cwd=repo)
    event_file = work / "event.json"
    event_file.write_text(json.dumps(event))
    command = [
        "act", event_name, "-e", str(event_file),
        *(["-j", job] if job else []),
        *(["-W", f".github/workflows/{workflow}"] if workflow else []),
        "-P", "ubuntu-latest=-self-hosted",
        "--action-cache-path", str(work / "act-cache"),
        "--no-cache-server",
        "--remote-name", NAMING_REMOTE,
        "--actor", ACTOR,
        "--secret", f"GITHUB_TOKEN={TOKEN}",
        "--env", f"CML_RECORD_DIR={records}",
        "--env", f"ARTIFACT_DIR={artifacts}",
        "--env", f"GH_RECORD_DIR={gh_records}",
        "--env", f"DOCKER_RECORD_DIR={docker_records}",
        # deploy/smoke.sh serves on this port: scenarios run side by side, each on its own.
        "--env", f"SMOKE_PORT={free_port()}",
        # Each job installs the project into a new venv: pip's byte-compiling of every module
        # of every package is most of that time; Python compiles what a job imports anyway.
        "--env", "PIP_COMPILE=0",
    ]  # fmt: skip
    for name, value in (secrets or {}).items():
        command += ["--secret", f"{name}={value}"]
    for action, folder in ACTIONS.items():
        command += ["--local-repository", f"{action}={folder}"]
    env = tool_env()
    env["PATH"] = f"{STAND_INS / 'bin'}{os.pathsep}{env['PATH']}"  # the gh stand-in
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    return ActRun(
        result.returncode,
        result.stdout + result.stderr,
        records,
        artifacts,
        gh_records,
        docker_records,
    )


def run_concurrently(scenarios: dict[str, Callable[[], ActRun]]) -> dict[str, ActRun]:
    """Run scenarios two at a time (this machine's cores): most of a run waits on pip and git."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(scenario) for name, scenario in scenarios.items()}
        return {name: future.result() for name, future in futures.items()}


def tag_push_event(tag: str) -> dict:
    return {"ref": f"refs/tags/{tag}", "ref_name": tag}


def pull_request_event(number: int = 7) -> dict:
    return {"pull_request": {"number": number, "head": {"ref": "change"}, "base": {"ref": "main"}}}
