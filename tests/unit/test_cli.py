"""Protects the command line surface: the exact commands `--help` lists, help for each, the
pipeline stages' --params and --contract options, and unknown commands as usage errors."""

import re

import pytest

COMMANDS = {
    "": ["ingest", "validate", "split", "train", "evaluate", "card", "summary", "same-model",
         "gate", "report", "serve", "serve-check", "score", "monitor", "contract", "feedback",
         "registry", "release", "retrain"],
    "contract": ["draft"],
    "feedback": ["export"],
    "registry": ["show", "audit", "register", "promote", "rollback", "verify"],
    "release": ["bundle"],
    "retrain": ["decide"],
}  # fmt: skip
LEAVES = [f"{group} {c}".strip() for group, names in COMMANDS.items() for c in names
          if c not in COMMANDS]  # fmt: skip


def listed_commands(help_text: str) -> list[str]:
    """The names in the help's Commands box (continuation lines are indented further)."""
    box = help_text.split("─ Commands ─", 1)[1].split("╰", 1)[0]
    return re.findall(r"^│ (\S+) ", box, flags=re.MULTILINE)


@pytest.mark.parametrize("group", COMMANDS)
def test_help_lists_exactly_the_commands(cli, tmp_path, group):
    result = cli(tmp_path, *group.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert listed_commands(result.stdout) == COMMANDS[group]


@pytest.mark.parametrize("command", LEAVES)
def test_each_command_has_help(cli, tmp_path, command):
    result = cli(tmp_path, *command.split(), "--help")
    assert result.returncode == 0, result.stderr
    # (in this process click names the program after pytest: `... modelops ingest [OPTIONS]`)
    assert re.search(rf"Usage: .*modelops {command} \[OPTIONS\]", result.stdout), result.stdout


@pytest.mark.parametrize("command", ["validate", "split", "train", "evaluate", "card"])
def test_stages_that_read_the_contract_take_params_and_contract(cli, tmp_path, command):
    options = re.findall(r"--[\w-]+", cli(tmp_path, command, "--help").stdout)
    assert {"--params", "--contract"} <= set(options)


def test_the_console_script_lists_the_same_commands(console, tmp_path):
    result = console(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert listed_commands(result.stdout) == COMMANDS[""]


def test_unknown_command_is_a_usage_error(console, tmp_path):
    result = console(tmp_path, "deploy")
    assert result.returncode == 2
    assert "No such command 'deploy'" in result.stderr
    assert "Traceback" not in result.stderr
