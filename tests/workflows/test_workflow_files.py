"""Protects the workflow files: valid for GitHub, clean under zizmor's security audit, and
calling only `modelops` commands that exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

WORKFLOWS = ".github/workflows"
# `modelops CMD` or `modelops GROUP CMD` as a step's script writes it (arguments left off);
# not inside a quoted name such as "modelops registry" (a git user).
COMMAND = re.compile(r"(?<![\w\"'.-])modelops((?: [a-z][a-z-]*(?=[\s\"']|$)){1,2})", re.MULTILINE)


def tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_workflows_match_githubs_schema(project_root):
    files = sorted(str(p) for p in (project_root / WORKFLOWS).glob("*.yml"))
    assert files
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_of_medium_or_higher_severity(project_root):
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--min-severity", "medium", WORKFLOWS],
        cwd=project_root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def called_commands(root: Path) -> set[str]:
    scripts = [*(root / WORKFLOWS).glob("*.yml"), *(root / "deploy").glob("*.sh")]
    text = "\n".join(
        line for path in scripts for line in path.read_text().splitlines()
        if not line.lstrip().startswith("#")
    )  # fmt: skip
    return {match.strip() for match in COMMAND.findall(text)}


@pytest.mark.parametrize("command", sorted(called_commands(Path(__file__).parents[2])))
def test_every_modelops_command_a_workflow_calls_exists(command):
    result = subprocess.run(
        [tool("modelops"), *command.split(), "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, f"modelops {command}: {result.stderr}"
