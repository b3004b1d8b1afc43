"""Command-line options that stand in for a config key, checked by the key's own model.

`modelops serve --port 99999` must be refused exactly as serve.yaml's `port: 99999` is: the
option's value replaces the key's and the section is validated again, so no option can switch
off a check its key gets. The one error line names the option and its value first (that is
what the user typed), then the key it stands for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from modelops.config.layout import file_of
from modelops.config.reading import first_problem
from modelops.errors import ConfigError, shown

Section = TypeVar("Section", bound=BaseModel)


def with_options(
    settings: Section, section: str, options: dict[str, tuple[str, Any]], params_file: str | Path
) -> Section:
    """settings with each option given (key -> (option name, value or None when not given))
    in place of its key, validated by settings' model; a refused value is a ConfigError."""
    given = {key: value for key, (_, value) in options.items() if value is not None}
    if not given:
        return settings
    try:
        return type(settings).model_validate({**settings.model_dump(by_alias=True), **given})
    except ValidationError as err:
        raise ConfigError(_describe(err, section, options, given, params_file)) from None


def _describe(
    err: ValidationError,
    section: str,
    options: dict[str, tuple[str, Any]],
    given: dict[str, Any],
    params_file: str | Path,
) -> str:
    problem = first_problem(err)
    loc = problem["loc"]
    reason = problem["msg"].removeprefix("Value error, ")
    reason = reason[0].lower() + reason[1:]
    where = file_of(section, params_file)
    if loc and loc[0] in given:
        key = str(loc[0])
        option = options[key][0]
        return f"{option} {shown(given[key])}: {reason} (as {section}.{key} in {where})"
    # A rule across keys (a model_validator): every option given may be part of it.
    named = ", ".join(f"{options[k][0]} {shown(v)}" for k, v in given.items())
    return f"{named}: {reason} (with {section} in {where})"
