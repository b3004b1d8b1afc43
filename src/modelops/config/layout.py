"""Which config file holds which section: each file belongs to the role that reviews it.

params.yaml names the project's folder; the other files sit beside it at fixed relative paths.
`read_sections` merges them into one mapping of sections (what `Params` validates), refusing a
missing file, an unknown section and a section in a file that is not its owner's, so a change
to a rule is always reviewed by the role that owns it (.github/CODEOWNERS).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from modelops.config import paths
from modelops.config.reading import load_yaml, read_yaml_mapping
from modelops.errors import ConfigError

# file (relative to params.yaml's folder) -> (its owners, the sections it holds)
FILES: dict[Path, tuple[str, tuple[str, ...]]] = {
    paths.PARAMS: ("data science", ("data", "split", "train", "evaluate", "card")),
    paths.POLICY: (
        "compliance and the data science manager",
        ("gate", "fairness", "reasons", "monitor", "retrain"),
    ),
    paths.BUSINESS: ("the business stakeholder", ("business",)),
    paths.SERVE: ("support", ("serve",)),
    paths.SOURCES: ("data engineering", ("ingest", "feedback")),
}
SECTION_FILE: dict[str, Path] = {
    section: file for file, (_, sections) in FILES.items() for section in sections
}


def config_paths(params_file: str | Path) -> dict[Path, Path]:
    """Each config file's name (as in FILES) -> where it is, beside params_file."""
    params_file = Path(params_file)
    folder = params_file.parent
    return {name: params_file if name == paths.PARAMS else folder / name for name in FILES}


def file_of(section: str, params_file: str | Path) -> Path:
    """Where the file that holds section is, for params_file's project (params.yaml when the
    section is unknown: the error then names the file the caller read)."""
    return config_paths(params_file)[SECTION_FILE.get(section, paths.PARAMS)]


def read_sections(params_file: str | Path) -> dict[str, Any]:
    """Every config file's sections, merged; a ConfigError names the file and the section."""
    merged: dict[str, Any] = {}
    for name, path in config_paths(params_file).items():
        raw = read_yaml_mapping(path, f"{name.stem} file")  # "params file", "policy file"
        for section, value in raw.items():
            _check_placed(str(section), name, path, params_file)
            merged[str(section)] = value
    return merged


def _check_placed(section: str, name: Path, path: Path, params_file: str | Path) -> None:
    """section is a known one, in the file that owns it."""
    owner = SECTION_FILE.get(section)
    if owner is None:
        known = list(SECTION_FILE)
        near = difflib.get_close_matches(section, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise ConfigError(
            f"{path}: unknown section '{section}'{hint} (sections: {', '.join(known)})"
        )
    if owner != name:
        raise ConfigError(
            f"{path}: '{section}' belongs in {file_of(section, params_file)} "
            f"(owned by {FILES[owner][0]}): move it there"
        )


def sections_at(read_file, params_file: str | Path = paths.PARAMS) -> dict[str, Any] | None:
    """The merged sections of the config files as read_file(path) -> text or None returns them
    (the files at a git commit). Not strict: an older commit kept every section in params.yaml.
    None when there is no params.yaml; a file that is not a mapping counts as empty."""
    merged: dict[str, Any] = {}
    for name, path in config_paths(params_file).items():
        text = read_file(path)
        if text is None:
            if name == paths.PARAMS:
                return None
            continue
        value = load_yaml(text, path)
        if isinstance(value, dict):
            merged.update(value)
    return merged
