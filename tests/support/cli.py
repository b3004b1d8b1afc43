"""The `modelops` command line as tests run it.

`console` starts the installed console script in a new process, exactly as a user does.
`in_process` calls the same entry point (`modelops.cli:main`) in the test's own process, so
that corpora of many bad inputs cost milliseconds a case rather than a Python start-up (1-2 s
here) each; every corpus also checks cases through `console` to show the two answer alike.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

MODELOPS = str(Path(sys.executable).with_name("modelops"))


def console(cwd: Path, *args) -> subprocess.CompletedProcess:
    """The installed `modelops` script run in cwd: exit code, stdout, stderr."""
    return subprocess.run(
        [MODELOPS, *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False
    )


def in_process(cwd: Path, *args) -> subprocess.CompletedProcess:
    """The script's entry point run in this process, in cwd (not thread-safe: it changes the
    working folder): exit code, stdout and stderr; an escaping exception is printed as Python
    would print it, with exit 1, so that "no traceback" can still be checked."""
    from modelops.cli import main

    out, err, code = io.StringIO(), io.StringIO(), 0
    argv, here = sys.argv, os.getcwd()
    try:
        os.chdir(cwd)
        sys.argv = ["modelops", *map(str, args)]
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main()
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else int(done.code is not None)
            except Exception:
                traceback.print_exc(file=err)
                code = 1
    finally:
        os.chdir(here)
        sys.argv = argv
    return subprocess.CompletedProcess(["modelops", *args], code, out.getvalue(), err.getvalue())


def one_error_line(result: subprocess.CompletedProcess, *words: str, code: int | None = 2) -> str:
    """A refused command's answer, checked: that exit code (None: the caller checks it), no
    traceback, and on stderr one `error: ...` line holding every word; returns the line."""
    if code is not None:
        assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.match(r"^error: \S", lines[0]), lines[0]
    assert all(word in lines[0] for word in words), lines[0]
    return lines[0]
