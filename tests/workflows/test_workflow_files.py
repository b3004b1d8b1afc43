"""The workflow files are valid for GitHub and pass zizmor's security audit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WORKFLOWS = ".github/workflows"


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
