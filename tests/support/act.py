"""Run the project's GitHub workflows with `act` on this machine, in throwaway repositories.

GitHub-hosted actions that cannot run here are replaced by the stand-ins in stand_ins/
(see its README); everything else in the workflow runs for real.
"""

from __future__ import annotations

import json
import subprocess
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

    @property
    def comment(self) -> str:
        """The body the job asked cml to post ('' when it posted nothing)."""
        body = self.records / "body.md"
        return body.read_text() if body.exists() else ""

    @property
    def cml_args(self) -> list[str]:
        args = self.records / "args"
        return args.read_text().splitlines() if args.exists() else []


def run_workflow(repo: Path, event_name: str, event: dict, job: str) -> ActRun:
    """Run one job of the repository's workflows with act, on the host, for an event."""
    work = repo.parent
    records, artifacts = work / "cml-records", work / "artifacts"
    records.mkdir(exist_ok=True)
    event_file = work / "event.json"
    event_file.write_text(json.dumps(event))
    command = [
        "act", event_name, "-e", str(event_file), "-j", job,
        "-P", "ubuntu-latest=-self-hosted",
        "--action-cache-path", str(work / "act-cache"),
        "--no-cache-server",
        "--env", f"CML_RECORD_DIR={records}",
        "--env", f"ARTIFACT_DIR={artifacts}",
    ]  # fmt: skip
    for action, folder in ACTIONS.items():
        command += ["--local-repository", f"{action}={folder}"]
    result = subprocess.run(command, cwd=repo, env=tool_env(), capture_output=True, text=True)
    return ActRun(result.returncode, result.stdout + result.stderr, records, artifacts)


def pull_request_event(number: int = 7) -> dict:
    return {"pull_request": {"number": number, "head": {"ref": "change"}, "base": {"ref": "main"}}}
