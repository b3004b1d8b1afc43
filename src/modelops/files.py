"""Reading and writing the pipeline's files, all-or-nothing.

Every write goes to a temporary file that replaces its target only once complete; a command
with several outputs stages them all and replaces them together (`output_set`), so a failure
never leaves a half-written output, or a mix of new and old outputs, in place of the last
good set.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelops.errors import InputError

if TYPE_CHECKING:  # pandas is imported where a table is read or written: it costs 0.7 s
    import pandas as pd

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutputSet:
    """Outputs staged beside their targets, then moved into place together."""

    def __init__(self) -> None:
        self._staged: dict[Path, Path] = {}

    def stage(self, target: str | Path) -> Path:
        """The temporary path to write target's new content to (a file or a folder)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        _remove(temporary)
        self._staged[target] = temporary
        return temporary

    def commit(self) -> None:
        """Replace every target; if one replacement fails, put the earlier ones back."""
        replaced: list[tuple[Path, Path | None]] = []
        try:
            for target, temporary in self._staged.items():
                backup = None
                if target.exists():
                    backup = target.with_name(f".{target.name}.old")
                    _remove(backup)
                    os.replace(target, backup)
                replaced.append((target, backup))
                os.replace(temporary, target)
        except BaseException:
            for target, backup in reversed(replaced):
                _remove(target)
                if backup is not None:
                    os.replace(backup, target)
            raise
        finally:
            self.discard()
        for _, backup in replaced:
            if backup is not None:
                _remove(backup)

    def discard(self) -> None:
        for temporary in self._staged.values():
            _remove(temporary)
        self._staged.clear()


@contextmanager
def output_set() -> Iterator[OutputSet]:
    """Stage outputs inside the block; all of them replace their targets when it ends well."""
    outputs = OutputSet()
    try:
        yield outputs
    except BaseException:
        outputs.discard()
        raise
    outputs.commit()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _write_one(path: str | Path, write: Callable[[Path], None]) -> None:
    with output_set() as outputs:
        write(outputs.stage(path))


def json_safe(value: Any) -> Any:
    """value with every NaN and infinity (in dicts, lists and tuples) as None: JSON has no
    such numbers, and Python's NaN/Infinity extensions are not JSON other readers accept."""
    if isinstance(value, float):  # numpy's float64 too
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def json_text(data: Any) -> str:
    """data as the project's JSON files hold it: non-finite numbers written as null
    (json_safe), and allow_nan=False so that none can slip through another way."""
    return json.dumps(json_safe(data), indent=2, sort_keys=False, allow_nan=False) + "\n"


def write_json(data: Any, path: str | Path) -> None:
    text = json_text(data)
    _write_one(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_text(text: str, path: str | Path) -> None:
    _write_one(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes(data: bytes, path: str | Path) -> None:
    _write_one(path, lambda tmp: tmp.write_bytes(data))


def write_table(df: pd.DataFrame, path: str | Path) -> None:
    _write_one(path, lambda tmp: df.to_parquet(tmp, index=False))


def spreadsheet_csv(df: pd.DataFrame, path: str | Path) -> None:
    """df as CSV for a spreadsheet: formula cells neutralised (spreadsheet_safe), and lines
    ending in CRLF (RFC 4180), so that a cell holding a carriage return is quoted, not cut."""
    spreadsheet_safe(df).to_csv(path, index=False, lineterminator="\r\n")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with a quote."""
    import pandas as pd

    safe = df.copy()
    safe.columns = [
        f"'{c}" if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in safe.columns
    ]
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        cells = values.to_numpy(dtype=object)
        risky = [isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in cells]
        if any(risky):
            safe[column] = [f"'{v}" if r else v for v, r in zip(cells, risky, strict=True)]
    return safe


def read_text(path: str | Path, what: str = "file") -> str:
    """A text file's content; missing, a folder or not UTF-8 is an InputError naming it."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: {what} is a folder, not a file") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: {what} is not UTF-8 text (byte offset {err.start})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read the {what}: {err.strerror}") from None


def read_json(path: str | Path, what: str = "JSON file") -> Any:
    text = read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: {what} is not valid JSON ({err})") from None
    except RecursionError:  # [[[[... deeper than the parser's stack: not a file we wrote
        raise InputError(f"{path}: {what} is nested too deeply to read") from None


def read_table(path: str | Path) -> pd.DataFrame:
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} not found (run the stage that writes it: dvc repro)")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(f"{path}: not a readable Parquet table ({reason})") from None
