"""Reading a YAML config file into a strict model, every mistake one line.

The line names the file as given, the key path (`train.logistic_regression.C`), the value and
what is allowed; an unknown key also gets the nearest known one ("did you mean 'min'?").
Every config file is parsed by `load_yaml`: YAML's safe subset, with a key written twice in
one mapping refused (plain YAML keeps the last one, so a second `floors: {}` would switch
every floor off), and every number in a config model finite.
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
    """A config section: unknown keys refused, no silent coercion ("5" is not 5), read-only,
    and no number NaN or infinite (`.nan` compares false with everything, so a rule holding
    one is off; `.inf` is a limit nothing reaches)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class DuplicateKey(yaml.MarkedYAMLError):
    """A key written twice in one mapping of a YAML file."""

    def __init__(self, path: str, first: yaml.Mark, second: yaml.Mark, spelt: str = "") -> None:
        super().__init__(problem=f"duplicate key '{path}'", problem_mark=second)
        lines = (
            f"twice at line {first.line + 1}"
            if first.line == second.line
            else f"at lines {first.line + 1} and {second.line + 1}"
        )
        also = f" (first written {spelt!r}, the same key to YAML)" if spelt else ""
        self.text = (
            f"duplicate key '{path}' {lines}{also}: write it once (YAML keeps only the last)"
        )


class StrictLoader(yaml.SafeLoader):
    """yaml.SafeLoader (no Python tags, nothing executed) that refuses a duplicate key."""

    def construct_document(self, node: yaml.Node) -> Any:
        refuse_duplicate_keys(node, self)
        return super().construct_document(node)


def refuse_duplicate_keys(root: yaml.Node, loader: yaml.SafeLoader) -> None:
    """DuplicateKey for the first mapping (in document order) that holds a key twice, named
    by its dotted path. Iterative, and each node once: an alias shares its anchor's node, so
    a YAML bomb costs one visit per distinct node, not one per expansion."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        children: list[tuple[yaml.Node, tuple]] = []
        if isinstance(node, yaml.MappingNode):
            first_at: dict[Any, yaml.ScalarNode] = {}
            for key_node, value_node in node.value:
                if key_node.tag == MERGE_TAG:  # `<<: *base`: keys written beside it override
                    children.append((value_node, path))
                    continue
                key, written = _key_of(key_node, loader), _written(key_node)
                if key in first_at:
                    first = first_at[key]
                    spelt = "" if first.value == key_node.value else first.value
                    where = dotted((*path, written))
                    raise DuplicateKey(where, first.start_mark, key_node.start_mark, spelt)
                if key is not _UNHASHABLE:
                    first_at[key] = key_node
                children.append((value_node, (*path, written)))
        elif isinstance(node, yaml.SequenceNode):
            children = [(item, (*path, i)) for i, item in enumerate(node.value)]
        stack.extend(reversed(children))  # depth first, in document order


_UNHASHABLE = object()
MERGE_TAG = "tag:yaml.org,2002:merge"


def _key_of(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    """The key as YAML reads it: `1` and `0x1`, `true` and `yes`, even `1` and `true` are one
    key of the mapping it makes."""
    if not isinstance(node, yaml.ScalarNode):
        return _UNHASHABLE  # a mapping or list as a key: SafeLoader refuses it itself
    value = loader.construct_object(node)
    try:
        hash(value)
    except TypeError:
        return _UNHASHABLE
    return value


def _written(node: yaml.Node) -> str:
    """A key as the file spells it, for a key path."""
    return node.value if isinstance(node, yaml.ScalarNode) else "?"


def load_yaml(text: str, source: str | Path) -> Any:
    """text parsed as a config file: a malformed text or a duplicate key is a ConfigError
    naming source (the file, or the file at a commit) and the line."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # a SafeLoader: no tag runs code
    except DuplicateKey as err:
        raise ConfigError(f"{source}: {err.text}") from None
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(err, "problem", None) or "cannot be parsed"
        raise ConfigError(f"{source}: not valid YAML{line}: {problem}") from None
    except RecursionError:  # [[[[... deeper than the parser's stack: no config is
        raise ConfigError(f"{source}: not valid YAML: nested too deeply to read") from None


def read_yaml_mapping(path: str | Path, what: str) -> dict[str, Any]:
    """A YAML file holding a mapping; missing, unreadable or malformed is a ConfigError."""
    try:
        text = read_text(path, what)
    except InputError as err:
        raise ConfigError(str(err)) from None
    raw = load_yaml(text, path)
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


def read_artifact(model: type[Model], data: object, source: str, what: str) -> Model:
    """data (a report another command wrote) as model; anything else is one InputError line
    naming the file, what it should be and the first field that is not."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        raise InputError(
            f"{source}: not {what}: '{dotted(tuple(first['loc']))}' {first['msg'].lower()}"
        ) from None


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
