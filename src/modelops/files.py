"""Reading and writing the pipeline's files, all-or-nothing.

Every write goes to a temporary file that replaces the target only once complete, so a
failure never leaves a half-written output in place of the last good one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from modelops.errors import InputError


def _replace_atomically(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(data: Any, path: str | Path) -> None:
    text = json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n"
    _replace_atomically(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_text(text: str, path: str | Path) -> None:
    _replace_atomically(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_json(path: str | Path) -> Any:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path} not found") from None
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not valid JSON ({err})") from None


def write_table(df: pd.DataFrame, path: str | Path) -> None:
    _replace_atomically(Path(path), lambda tmp: df.to_parquet(tmp, index=False))


def read_table(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} not found (run the stage that writes it: dvc repro)")
    return pd.read_parquet(path)


def write_text_table(df: pd.DataFrame, path: str | Path) -> None:
    """CSV, for tables people open to read (the quarantine); keeps mixed-type values as-is."""
    _replace_atomically(Path(path), lambda tmp: df.to_csv(tmp, index=False))


def write_bytes(data: bytes, path: str | Path) -> None:
    _replace_atomically(Path(path), lambda tmp: tmp.write_bytes(data))
