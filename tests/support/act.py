"""Run the project's GitHub workflows with `act` on this machine, in throwaway repositories.

GitHub-hosted actions that cannot run here are replaced by the stand-ins in stand_ins/
(see its README); everything else in the workflow runs for real.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from support.repos import tool_env

STAND_INS = Path(__file__).resolve().parents[1] / "workflows" / "stand_ins"
ACTIONS = {
    "actions/setup-python@v5": STAND_INS / "setup-python",
    "iterative/setup-cml@v2": STAND_INS / "setup-cml",
    "actions/upload-artifact@v4": STAND_INS / "upload-artifact",
}


@dataclass(frozen=True)
class ActRun:
    exit_code: int
    log: str
    records: Path
    artifacts: Path
    gh_records: Path

    def gh_file(self, call: int, name: str) -> Path:
        """The copy the gh stand-in kept of a file given to call number `call`."""
        return self.gh_records / f"call-{call}" / "files" / name

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


def run_workflow(
    repo: Path, event_name: str, event: dict, job: str | None = None, workflow: str | None = None
) -> ActRun:
    """Run a workflow (or one job of it) with act, on the host, for an event."""
    work = repo.parent
    records, artifacts, gh_records = work / "cml-records", work / "artifacts", work / "gh-records"
    records.mkdir(exist_ok=True)
    gh_records.mkdir(exist_ok=True)
    event_file = work / "event.json"
    event_file.write_text(json.dumps(event))
    command = [
        "act", event_name, "-e", str(event_file),
        *(["-j", job] if job else []),
        *(["-W", f".github/workflows/{workflow}"] if workflow else []),
        "-P", "ubuntu-latest=-self-hosted",
        "--action-cache-path", str(work / "act-cache"),
        "--no-cache-server",
        "--env", f"CML_RECORD_DIR={records}",
        "--env", f"ARTIFACT_DIR={artifacts}",
        "--env", f"GH_RECORD_DIR={gh_records}",
        # Each job installs the project into a new venv: pip's byte-compiling of every module
        # of every package is most of that time; Python compiles what a job imports anyway.
        "--env", "PIP_COMPILE=0",
    ]  # fmt: skip
    for action, folder in ACTIONS.items():
        command += ["--local-repository", f"{action}={folder}"]
    env = tool_env()
    env["PATH"] = f"{STAND_INS / 'bin'}{os.pathsep}{env['PATH']}"  # the gh stand-in
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    return ActRun(result.returncode, result.stdout + result.stderr, records, artifacts, gh_records)


def run_concurrently(scenarios: dict[str, Callable[[], ActRun]]) -> dict[str, ActRun]:
    """Run scenarios two at a time (this machine's cores): most of a run waits on pip and git."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(scenario) for name, scenario in scenarios.items()}
        return {name: future.result() for name, future in futures.items()}


def tag_push_event(tag: str) -> dict:
    return {"ref": f"refs/tags/{tag}", "ref_name": tag}


def pull_request_event(number: int = 7) -> dict:
    return {"pull_request": {"number": number, "head": {"ref": "change"}, "base": {"ref": "main"}}}
