"""Protects the command line surface: every command has help, unknown ones are usage errors."""

import pytest

COMMANDS = ["ingest", "split", "train", "evaluate", "summary"]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(cli, tmp_path, command):
    result = cli(tmp_path, command, "--help")
    assert result.returncode == 0, result.stderr
    assert f"Usage: modelops {command}" in result.stdout


def test_top_level_help_lists_every_command(cli, tmp_path):
    result = cli(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    for command in COMMANDS:
        assert command in result.stdout


def test_unknown_command_is_a_usage_error(cli, tmp_path):
    result = cli(tmp_path, "deploy")
    assert result.returncode == 2
    assert "No such command 'deploy'" in result.stderr
    assert "Traceback" not in result.stderr
