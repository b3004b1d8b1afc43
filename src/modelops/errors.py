"""Domain errors, each carrying the exit code the command line turns it into, and the helpers
that keep their messages short and free of secrets.

Exit codes: 0 success, 1 a check or gate failed, 2 bad usage, configuration or input.
"""

from __future__ import annotations

import re

# A value quoted in a message or a report is cut here: a 200 MB cell must not become a
# 200 MB error message or a report that git tracks.
SHOWN_CHARACTERS = 60
SHOWN_EXAMPLES = 5


class ModelopsError(Exception):
    """An expected failure: reported as one line and an exit code, never a traceback."""

    exit_code = 2


class ConfigError(ModelopsError):
    """params.yaml, the contract (or another config file) names something that cannot work."""

    exit_code = 2


class InputError(ModelopsError):
    """An input file is missing, unreadable or not of the expected shape."""

    exit_code = 2


class StoreUnavailable(ModelopsError):
    """The prediction store cannot be read or written now: a command exits 2 naming the
    store; the service answers 503 with Retry-After and the reason only (not the store)."""

    exit_code = 2

    def __init__(self, store: str, reason: str) -> None:
        super().__init__(f"store {store}: {reason}")
        self.store, self.reason = store, reason


class CheckFailed(ModelopsError):
    """A data, metric or gate check ran and failed."""

    exit_code = 1


def shown(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """repr(value), cut to limit characters with what was left out counted."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...(+{len(text) - limit} chars)"


def shown_text(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """text itself (no quotes), cut like shown()."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...(+{len(text) - limit} chars)"


# Greedy to the last "@" of the URL: a password may itself hold an unencoded "@".
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*):\S*@")


def redact(text: str) -> str:
    """URLs with their password masked: postgresql://user:***@host/db."""
    return _URL_PASSWORD.sub(r"\g<scheme>:***@", text)


class ParamsError(ConfigError):
    """A params.yaml value that only the data shows to be unworkable (cv_folds, test_size).

    Raised by pure code that does not know the file's name; the command line adds it.
    """

    def __init__(self, key: str, value: object, reason: str) -> None:
        super().__init__(f"'{key}' {shown(value)} {reason}")
        self.key = key
