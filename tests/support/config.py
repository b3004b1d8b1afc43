"""Writing a project's config from one mapping of sections, each into the file that owns it
(src/modelops/config/layout.py), so a test edits params as one dict and writes them back."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from modelops.config.layout import FILES, SECTION_FILE, config_paths, file_of


def write_config(params_file: Path, sections: dict[str, Any]) -> Path:
    """sections into params_file and the files beside it, by owner; an unknown section goes
    into params.yaml (where the loader then refuses it). Every config file is written, an
    owner without sections here as an empty mapping of its sections."""
    where = config_paths(params_file)
    by_file: dict[Path, dict[str, Any]] = {name: {} for name in FILES}
    for section, value in sections.items():
        by_file[SECTION_FILE.get(section, Path("params.yaml"))][section] = value
    for name, content in by_file.items():
        where[name].parent.mkdir(parents=True, exist_ok=True)
        where[name].write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return params_file


def file_named(case_params: Any, params_file: str) -> str:
    """The file a corpus case's one error line must name: the owner's file of the section its
    first edit is in (params_file itself for its own sections, an unknown section or a text)."""
    if not isinstance(case_params, dict):
        return params_file
    section = re.split(r"[.\[]", next(iter(case_params)))[0]
    return str(file_of(section, params_file))
