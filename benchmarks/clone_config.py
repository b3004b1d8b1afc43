"""The simulation clone's config, changed as its owners would change it: each key written into
the file that owns its section (modelops.config.layout), the other files left untouched
(comments and all), and the result checked by the project's own loader, so a key the config
does not know is refused before anything runs on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from modelops.config.layout import SECTION_FILE, config_paths
from modelops.config.params import Params, load_params
from modelops.config.reading import read_yaml_mapping
from modelops.errors import ConfigError


class SettingError(SystemExit):
    """A --set the config refuses: one line naming the setting and why."""

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}")


def parse_setting(setting: str) -> tuple[str, Any]:
    """KEY=VALUE as (dotted key, the value read as YAML: 0.05 a number, null None)."""
    key, equals, text = setting.partition("=")
    if not equals or not key.strip():
        raise SettingError(f"--set {setting}: write KEY=VALUE, e.g. serve.exploration.rate=0.05")
    return key.strip(), yaml.safe_load(text)


def set_keys(params_file: Path, changes: dict[str, Any]) -> Params:
    """Set each dotted key (section.key...) in its section's owner file, rewrite only the
    files changed, and return the whole config as the loader reads it; an unknown section or
    key, or a value the config refuses, is a SettingError naming it."""
    where = config_paths(params_file)
    edited: dict[Path, dict[str, Any]] = {}
    for key, value in changes.items():
        name = owner_file(key)
        if name not in edited:
            edited[name] = read_yaml_mapping(where[name], f"{name.stem} file")
        _assign(edited[name], key, value)
    before = {name: where[name].read_text(encoding="utf-8") for name in edited}
    for name, content in edited.items():
        text = yaml.safe_dump(content, sort_keys=False, width=100, allow_unicode=True)
        where[name].write_text(text, encoding="utf-8")
    try:
        return load_params(params_file)
    except ConfigError as err:  # an unknown key, a value out of range: the loader's own line
        for name, text in before.items():  # refused: the files as they were
            where[name].write_text(text, encoding="utf-8")
        shown = ", ".join(f"{key}={value!r}" for key, value in changes.items())
        raise SettingError(f"--set {shown}: {err}") from None


def owner_file(key: str) -> Path:
    """The config file (as named in layout.FILES) that holds key's section."""
    section, dot, _ = key.partition(".")
    if section not in SECTION_FILE:
        known = ", ".join(SECTION_FILE)
        raise SettingError(f"--set {key}: no config section '{section}' (sections: {known})")
    if not dot:
        raise SettingError(f"--set {key}: name a key inside the section, e.g. {section}.<key>")
    return SECTION_FILE[section]


def _assign(content: dict[str, Any], key: str, value: Any) -> None:
    """content[a][b][c] = value for key a.b.c; a missing level becomes a mapping, which the
    loader then accepts only if the config knows it."""
    *parents, last = key.split(".")
    node = content
    for depth, name in enumerate(parents):
        node = node.setdefault(name, {})
        if not isinstance(node, dict):
            above = ".".join(parents[: depth + 1])
            raise SettingError(f"--set {key}: {above} is {node!r}, not a mapping of keys")
    node[last] = value
