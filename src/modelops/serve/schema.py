"""The request schema, generated from the data contract: one source of truth for the rows a
model trains on and the applications it is asked about.

Each field is a feature the served model reads, typed, bounded and (for categories) limited
to the allowed values and their synonyms as the contract says; a value outside the contract is
an error naming the field, the rule (`Age.range`, as in the quarantine) and the value.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
)
from pydantic_core import PydanticCustomError

from modelops.config.contract import ColumnRule, Contract, normalize_category
from modelops.errors import shown

# pydantic's error types, as the contract's rule suffixes.
RULE_OF_ERROR = {
    "greater_than_equal": "range",
    "less_than_equal": "range",
    "float_type": "type",
    "float_parsing": "type",
    "finite_number": "finite",  # NaN, Infinity, 1e400 (read as inf): as validate names it
    "int_type": "type",
    "string_type": "type",
    "missing": "not_null",
    "extra_forbidden": "unknown_field",
}


class Application(BaseModel):
    """Base of the generated model: unknown fields are refused, like unknown columns."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def application_model(
    contract: Contract,
    features: list[str],
    id_column: str | None = None,
    recorded: tuple[str, ...] = (),
) -> type[Application]:
    """The pydantic model of one application: the model's features, per the contract; and
    `recorded` columns (protected attributes kept only to measure fairness), optional, checked
    by the contract, stored with the application and never given to the model."""
    fields: dict[str, Any] = {}
    for name in [*features, *recorded]:
        rule = contract.columns[name]
        kind = _numeric(name, rule) if rule.numeric else _category(name, rule, contract)
        if rule.max_missing > 0 or name in recorded:
            fields[name] = (kind | None, Field(None, description=_describe(rule)))
        else:
            fields[name] = (kind, Field(description=_describe(rule)))
    if id_column is not None:
        fields[id_column] = (str | None, Field(None, max_length=128, description="your id"))
    return create_model("Application", __base__=Application, **fields)


def _numeric(name: str, rule: ColumnRule):
    bounds = {}
    if rule.min is not None:
        bounds["ge"] = rule.min
    if rule.max is not None:
        bounds["le"] = rule.max
    # A non-finite number is `finite`, not `range`, whatever the bounds (as in validate).
    if rule.type == "integer":
        return Annotated[float, Field(**bounds, allow_inf_nan=False), AfterValidator(_whole(name))]
    return Annotated[float, Field(**bounds, allow_inf_nan=False)]


def _whole(name: str):
    def check(value: float) -> float:
        if not float(value).is_integer():
            raise PydanticCustomError(
                "integer",
                "{rule}: {value} is not a whole number",
                {"rule": f"{name}.integer", "value": value},
            )
        return value

    return check


def _category(name: str, rule: ColumnRule, contract: Contract):
    normalize = contract.corrections.normalize_categories
    synonyms, allowed = rule.synonyms, rule.allowed

    def check(value: str) -> str:
        text = normalize_category(value) if normalize else value
        text = synonyms.get(text, text)
        if allowed is not None and text not in allowed:
            raise PydanticCustomError(
                "allowed",
                "{rule}: {value} is not one of {allowed}",
                {"rule": f"{name}.allowed", "value": shown(value), "allowed": ", ".join(allowed)},
            )
        return text

    return Annotated[str, Field(max_length=200), AfterValidator(check)]


def _describe(rule: ColumnRule) -> str:
    parts = [rule.type]
    if rule.min is not None or rule.max is not None:
        parts.append(
            f"from {rule.min:g} to {rule.max:g}"
            if rule.min is not None and rule.max is not None
            else ""
        )
    if rule.allowed:
        parts.append("one of " + ", ".join(rule.allowed))
    if rule.max_missing > 0:
        parts.append("may be missing (null)")
    return "; ".join(p for p in parts if p)


def problems(err: ValidationError, prefix: str = "") -> list[dict]:
    """Each error as {field, rule, value, message}: what the 422 answer lists."""
    found = []
    for error in err.errors(include_url=False):
        loc = [field_path([p]) for p in error["loc"]]
        field = ".".join(loc) if loc else "application"
        column = loc[-1] if loc else ""
        ctx = error.get("ctx") or {}
        rule = ctx.get("rule") or f"{column}.{RULE_OF_ERROR.get(error['type'], error['type'])}"
        if error["type"] in ("float_type", "string_type") and error.get("input") is None:
            rule = f"{column}.not_null"
        value = error.get("input") if error["type"] != "missing" else None
        found.append(
            {
                "field": f"{prefix}{field}",
                "rule": rule,
                "value": shown_value(value),
                "message": f"{prefix}{field}: {error['msg']}",
            }
        )
    return found


def field_path(loc) -> str:
    """A field's place as a dotted path; a name that is empty (`{"": 1}`) shown as `""`."""
    return ".".join(str(part) if str(part) else '""' for part in loc)


def shown_value(value: object) -> object:
    """A refused value as an answer quotes it: itself when JSON can hold it as it is, else
    its repr cut short ('inf', 'nan', a long text, a list, a text that is not UTF-8)."""
    return value if _plain(value) else shown(value)


def _plain(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= 60 and _utf8(value)
    return value is None or isinstance(value, int)  # bool too; any int JSON can write


def _utf8(text: str) -> bool:
    """False for a lone surrogate ("\\ud800" in JSON): no UTF-8 answer can hold it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
