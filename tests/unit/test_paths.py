"""Protects one set of paths: the defaults in modelops.config.paths (the command line's defaults)
agree with the paths dvc.yaml's stages pass and declare, so running a command by hand writes
where the pipeline does."""

import shlex
from pathlib import Path

import pytest
import typer
import yaml

from modelops.cli import app
from modelops.config import paths

ROOT = Path(__file__).resolve().parents[2]
DVC = yaml.safe_load((ROOT / paths.DVC_YAML).read_text(encoding="utf-8"))
STAGES = DVC["stages"]
PATHS = {str(v) for v in vars(paths).values() if isinstance(v, Path)}


def options(cmd: str) -> tuple[str, dict[str, str]]:
    """'modelops train --train a --model b' -> ('train', {'--train': 'a', '--model': 'b'})."""
    words = shlex.split(cmd)
    assert words[0] == "modelops" and len(words) % 2 == 0, cmd
    return words[1], dict(zip(words[2::2], words[3::2], strict=True))


def cli_defaults(command: str) -> dict[str, object]:
    click_command = typer.main.get_command(app).commands[command]
    return {opt: p.default for p in click_command.params for opt in p.opts}


@pytest.mark.parametrize("stage", STAGES)
def test_stage_command_passes_the_default_paths(stage):
    command, given = options(STAGES[stage]["cmd"])
    defaults = cli_defaults(command)
    for option, value in given.items():
        # (validate writes nothing unless told where: no default, but still a default path)
        if defaults[option] is not None:
            assert value == str(defaults[option]), (option, value)
        assert value in PATHS, (option, value)


def declared(stage: dict) -> set[str]:
    entries = [*stage.get("outs", []), *stage.get("metrics", [])]
    return {e if isinstance(e, str) else next(iter(e)) for e in entries}


@pytest.mark.parametrize("stage", STAGES)
def test_stage_outputs_are_default_paths(stage):
    assert declared(STAGES[stage]) <= PATHS


def test_evaluate_declares_the_reports_it_writes():
    expected = {
        paths.METRICS,
        paths.SEGMENTS,
        paths.IMPORTANCE,
        paths.GOLDEN,
        paths.REFERENCE,
        paths.FAIRNESS,
        paths.LIVE,
    }
    assert declared(STAGES["evaluate"]) == {str(p) for p in expected}


def test_the_artifact_and_the_plots_use_the_default_paths():
    assert DVC["artifacts"]["credit-risk"]["path"] == str(paths.MODEL)
    plotted = {file for plot in DVC["plots"] if isinstance(plot, dict)
               for spec in plot.values() for file in spec.get("y", {})}  # fmt: skip
    assert str(paths.ROC_POINTS) in plotted
    assert all(Path(file).is_relative_to(paths.REPORTS) for file in plotted)
