"""Writing a project's config from one mapping of sections, each into the file that owns it
(src/modelops/config/layout.py), so a test edits params as one dict and writes them back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from modelops.config.layout import FILES, SECTION_FILE, config_paths


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
