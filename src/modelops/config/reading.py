"""Reading a YAML config file into a strict model, every mistake one line.

The line names the file as given, the key path (`train.logistic_regression.C`), the value and
what is allowed; an unknown key also gets the nearest known one ("did you mean 'min'?").
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from modelops.errors import ConfigError, InputError, shown
from modelops.files import read_text

Model = TypeVar("Model", bound=BaseModel)


class Strict(BaseModel):
    """A config section: unknown keys refused, no silent coercion ("5" is not 5), read-only."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def read_yaml_mapping(path: str | Path, what: str) -> dict[str, Any]:
    """A YAML file holding a mapping; missing, unreadable or malformed is a ConfigError."""
    try:
        text = read_text(path, what)
    except InputError as err:
        raise ConfigError(str(err)) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(err, "problem", None) or "cannot be parsed"
        raise ConfigError(f"{path}: not valid YAML{line}: {problem}") from None
    except RecursionError:  # [[[[... deeper than the parser's stack: no config is
        raise ConfigError(f"{path}: not valid YAML: nested too deeply to read") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {what} must be a mapping of sections, got {shown(raw)}")
    return raw


def parse(model: type[Model], raw: dict[str, Any], path: str | Path) -> Model:
    """raw as model; the first problem becomes one ConfigError line naming path and key."""
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(describe(err, model, path)) from None


def first_problem(err: ValidationError) -> dict[str, Any]:
    """The problem to report: a misspelt key also leaves the key it stands for missing, so a
    misspelling comes first."""
    problems = err.errors(include_url=False)
    return next((p for p in problems if p["type"] == "extra_forbidden"), problems[0])


def describe(err: ValidationError, model: type[BaseModel], path: str | Path) -> str:
    problems = err.errors(include_url=False)
    first = first_problem(err)
    loc = tuple(first["loc"])
    key = dotted(loc)
    kind, message = first["type"], first["msg"]
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        allowed = f" (known keys: {', '.join(known)})" if known else ""
        text = f"unknown key '{key}'{hint}{allowed}"
    elif kind == "missing":
        text = f"'{key}' is missing"
    elif kind == "value_error":
        reason = message.removeprefix("Value error, ")
        text = f"'{key}': {reason}" if key else reason
    else:
        text = f"'{key}' {message[0].lower()}{message[1:]}, got {shown(first['input'])}"
        if kind == "literal_error":
            options = re.findall(r"'([^']*)'", str(first.get("ctx", {}).get("expected", "")))
            near = difflib.get_close_matches(str(first["input"]), options, n=1, cutoff=0.5)
            text += f"; did you mean '{near[0]}'?" if near else ""
        if kind == "string_type" and isinstance(first["input"], bool):
            text += " (YAML reads yes/no/on/off/true/false as booleans: quote it)"
    more = len(problems) - 1
    return f"{path}: {text}" + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


def dotted(loc: tuple) -> str:
    """('columns', 'Age', 'min') -> columns.Age.min; list positions as [i]."""
    text = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a mapping key that failed: the key is shown
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys the model accepts at loc (for suggestions); [] when it cannot tell."""
    annotation: Any = model
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model_class = _model_in(annotation)
    return list(model_class.model_fields) if model_class else []


def _step(annotation: Any, part: Any) -> Any:
    model_class = _model_in(annotation)
    if model_class is not None and isinstance(part, str):
        field = model_class.model_fields.get(part)
        return None if field is None else field.annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and isinstance(part, int):
        return args[0]
    if origin is dict:
        return args[1]
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class in annotation, also inside Optional[...] or Annotated[...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
