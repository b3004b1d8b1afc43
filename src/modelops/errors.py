"""Domain errors, each carrying the exit code the command line turns it into.

Exit codes: 0 success, 1 a check or gate failed, 2 bad usage, configuration or input.
"""


class ModelopsError(Exception):
    """An expected failure: reported as one line and an exit code, never a traceback."""

    exit_code = 2


class ConfigError(ModelopsError):
    """params.yaml (or another config file) names something that cannot work."""

    exit_code = 2


class InputError(ModelopsError):
    """An input file is missing, unreadable or not of the expected shape."""

    exit_code = 2


class CheckFailed(ModelopsError):
    """A data, metric or gate check ran and failed."""

    exit_code = 1
