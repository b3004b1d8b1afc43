"""Protects `dvc status` from going stale: every stage that runs `modelops <command>` depends
on every module of the package that command imports, directly or not, so a change to any of
them re-runs the stage; and no src/ dependency names a file that does not exist."""

import shlex
from pathlib import Path

import pytest
import yaml
from support.imports import command_closure, files_of

ROOT = Path(__file__).resolve().parents[2]
STAGES = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
COMMAND_STAGES = {
    name: shlex.split(stage["cmd"])[1]
    for name, stage in STAGES.items()
    if shlex.split(stage["cmd"])[0] == "modelops"
}


def uncovered(files: set[Path], deps: list[str], root: Path) -> list[str]:
    """The files that neither a dep nor a dep's folder covers, relative to root."""
    listed = [root / dep for dep in deps]
    return sorted(
        str(f.relative_to(root)) for f in files if not any(f == d or d in f.parents for d in listed)
    )


def test_the_pipeline_runs_modelops_commands():
    assert set(COMMAND_STAGES.values()) >= {"ingest", "validate", "split", "train", "evaluate"}


@pytest.mark.parametrize(("stage", "command"), COMMAND_STAGES.items())
def test_stage_depends_on_every_module_its_command_imports(stage, command):
    src = ROOT / "src"
    files = files_of(src, command_closure(src, command))
    assert uncovered(files, STAGES[stage]["deps"], ROOT) == []


@pytest.mark.parametrize("stage", STAGES)
def test_every_listed_src_dependency_exists(stage):
    deps = [d for d in STAGES[stage].get("deps", []) if d.startswith("src/")]
    assert [d for d in deps if not (ROOT / d).exists()] == []


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_the_closure_finds_imports_inside_functions_and_relative_ones(tmp_path):
    write(tmp_path, {
        "src/modelops/__init__.py": "",
        "src/modelops/cli/__init__.py": "from modelops.cli import stages, other\n",
        "src/modelops/cli/app.py": "import typer\napp = typer.Typer()\n",
        "src/modelops/cli/stages.py": (
            "from modelops.cli.app import app\n\n@app.command()\ndef fit():\n"
            "    from modelops.model.hidden import train\n    _measure()\n\n"
            "def _measure():\n    from modelops.model.measure import score\n"),
        "src/modelops/model/measure.py": "",
        "src/modelops/cli/other.py": (
            "from modelops.cli.app import app\n\n@app.command()\ndef serve():\n"
            "    import modelops.serving\n"),
        "src/modelops/model/__init__.py": "",
        "src/modelops/model/hidden.py": "def train():\n    from . import helpers\n",
        "src/modelops/model/helpers.py": "from ..errors import Failed\n",
        "src/modelops/errors.py": "class Failed(Exception): ...\n",
        "src/modelops/serving.py": "",
    })  # fmt: skip
    modules = command_closure(tmp_path / "src", "fit")
    assert {"modelops.model.hidden", "modelops.model.helpers", "modelops.errors"} <= modules
    assert "modelops.model.measure" in modules  # imported by a helper the command calls
    assert "modelops.serving" not in modules  # another command's body does not count
    files = files_of(tmp_path / "src", modules)
    deps = ["src/modelops/cli", "src/modelops/__init__.py", "src/modelops/errors.py",
            "src/modelops/model/__init__.py", "src/modelops/model/helpers.py",
            "src/modelops/model/measure.py"]  # fmt: skip
    assert uncovered(files, deps, tmp_path) == ["src/modelops/model/hidden.py"]
