"""The `modelops` command line: one command per pipeline stage, called by dvc.yaml.

Heavy libraries are imported inside the commands so that `modelops --help` stays fast.
Exit codes: 0 success, 1 a check failed, 2 bad usage, configuration or input.
"""

from __future__ import annotations

import sys

import typer

from modelops.cli import pipeline, registry, review  # noqa: F401  (they register the commands)
from modelops.cli.app import app
from modelops.errors import ModelopsError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: expected failures become one line on stderr and their exit code."""
    try:
        app()
    except ModelopsError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
