"""The `modelops` command line: the pipeline's stages (called by dvc.yaml), the data contract,
the gate and report, the registry and releases.

Exit codes: 0 success, 1 a check failed, 2 bad usage, configuration or input. Expected
failures are one line on stderr, with any password in a URL masked; never a traceback.
"""

from __future__ import annotations

import sys

import typer

from modelops.cli import app as app_module
from modelops.cli import contract, pipeline, registry, review  # noqa: F401  (register commands)
from modelops.cli.app import app
from modelops.errors import ModelopsError, ParamsError, redact

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: expected failures become one line on stderr and their exit code."""
    try:
        app()
    except ParamsError as err:
        _fail(f"{app_module.params_file_in_use}: {err}", err.exit_code)
    except ModelopsError as err:
        _fail(str(err), err.exit_code)
    except OSError as err:  # a file that cannot be read or written, a full disk
        where = f"{err.filename}: " if err.filename else ""
        _fail(f"{where}{err.strerror or err}", 2)


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {redact(message)}", err=True)
    sys.exit(code)
