"""docs/model_card.yaml as a strict model: the model card's sections people write.

The product manager owns this file. A section that is missing or misspelt makes the file
invalid (ConfigError, exit 2); a section that is there but left empty is a failed check
(CheckFailed, exit 1, naming it): the card is not published while it says nothing there.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from modelops.config.reading import Strict, parse, read_yaml_mapping
from modelops.errors import ConfigError


class Owner(Strict):
    """Who answers for the model in one role, and how to reach them."""

    role: str | None
    name: str | None
    contact: str | None


class CardText(Strict):
    """The written sections, in the order the card shows them. Empty values are allowed here
    (a blank YAML key reads as null) so that `empty_sections` can name each one."""

    intended_use: str | None
    intended_users: list[str] | None
    out_of_scope_uses: list[str] | None
    owners: list[Owner] | None
    known_limitations: list[str] | None
    # Optional: a sentence on how to report a problem with a decision (support's address).
    feedback: str | None = Field(default=None)


REQUIRED = ("intended_use", "intended_users", "out_of_scope_uses", "owners", "known_limitations")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def empty_sections(text: CardText) -> list[str]:
    """The required sections (and owner fields, as owners[0].contact) left empty, in order."""
    empty: list[str] = []
    for section in REQUIRED:
        value = getattr(text, section)
        if _blank(value) or (isinstance(value, list) and not value):
            empty.append(section)
        elif section == "owners":
            empty += [
                f"owners[{i}].{key}"
                for i, owner in enumerate(value)
                for key in Owner.model_fields
                if _blank(getattr(owner, key))
            ]
        elif isinstance(value, list):
            empty += [f"{section}[{i}]" for i, item in enumerate(value) if _blank(item)]
    return empty


def load_card_text(path: str | Path) -> CardText:
    """The written sections, checked: a ConfigError (exit 2) for a file that cannot be read,
    does not fit the model, lacks a key (an owner without `contact:`) or leaves a required
    section empty (`contact:` with nothing after it): the text is the product manager's
    config, and a key left out or left blank are the same mistake, with the same exit code."""
    text = parse(CardText, read_yaml_mapping(path, "model card text"), path)
    empty = empty_sections(text)
    if empty:
        more = f" (also empty: {', '.join(empty[1:])})" if len(empty) > 1 else ""
        raise ConfigError(
            f"{path}: the model card's section '{empty[0]}' is empty: the product manager "
            f"writes it before the card can be published{more}"
        )
    return text
