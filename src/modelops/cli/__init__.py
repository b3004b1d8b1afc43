"""The `modelops` command line: the pipeline's stages (called by dvc.yaml), the data contract,
the gate and report, the registry and releases.

Exit codes: 0 success, 1 a check failed, 2 bad usage, configuration or input. Expected
failures are one line on stderr, with any password in a URL masked; never a traceback.
"""

from __future__ import annotations

import sys

import typer

from modelops.cli import app as app_module
from modelops.cli import (  # noqa: F401  (commands)
    contract,
    feedback,
    pipeline,
    registry,
    retrain,
    review,
    serve,
)
from modelops.cli.app import app
from modelops.errors import ModelopsError, ParamsError, redact

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: expected failures become one line on stderr and their exit code."""
    usage = _usage_errors()
    try:
        app(standalone_mode=False)
    except usage.NoArgsIsHelpError as err:
        err.show()  # the help text, as for --help
        sys.exit(err.exit_code)
    except usage.ClickException as err:  # an unknown option, a bad option value
        context = getattr(err, "ctx", None)
        hint = f" (see {context.command_path} --help)" if context is not None else ""
        _fail(f"{err.format_message()}{hint}", err.exit_code)
    except typer.Abort:
        _fail("aborted", 1)
    except ParamsError as err:
        from modelops.config.layout import file_of

        where = file_of(err.key.split(".")[0], app_module.params_file_in_use)
        _fail(f"{where}: {err}", err.exit_code)
    except ModelopsError as err:
        _fail(str(err), err.exit_code)
    except OSError as err:  # a file that cannot be read or written, a full disk
        where = f"{err.filename}: " if err.filename else ""
        _fail(f"{where}{err.strerror or err}", 2)


def _usage_errors():
    """The click exceptions typer raises (typer vendors click from 0.16 on)."""
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {redact(message)}", err=True)
    sys.exit(code)
