"""Protects the package's layers (README, Layout): a module imports only from its own layer
or the layers below it, anywhere in the module (the commands import lazily, inside
functions), so each concept sits where a newcomer looks for it and no lower concern depends
on a higher one. The graph is read from the source, every module of src/modelops."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
# Top to bottom; the names are src/modelops's subpackages and top-level modules.
LAYERS = [
    {"__main__", "cli"},  # the command line
    {"score"},  # batch scoring (checks applications as the service does)
    {"serve"},  # the prediction service (its dashboard draws the monitor's page)
    {"retrain"},  # the retrain policy, over the monitor's report
    {"monitor"},  # drift, live and estimated performance, the page
    {"review"},  # baselines, the gate, the PR report
    {"registry"},  # GTO tags, promotion policy, bundles
    {"feedback"},  # the export and the kinds of decision outcomes come from
    {"equivalence"},  # the same model by its answers
    {"model"},  # the pipeline, training, evaluation, the card's facts
    {"explain"},  # reasons
    {"data"},  # ingest, the contract's rules, split
    {"render"},  # charts
    {"config"},  # the config files and the contract as models
    {"retrieve", "store"},  # files at a commit; the prediction store
    {"pipeline_state", "git", "files"},
    {"errors"},
]
LAYER = {name: depth for depth, names in enumerate(LAYERS) for name in names}


def part_of(module: str) -> str:
    """'modelops.monitor.run' -> 'monitor'; 'modelops.files' -> 'files'."""
    return module.split(".")[1]


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every modelops import in the file, relative ones made absolute."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """imports() of source, code of the package named (relative imports resolve against it)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("modelops.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "modelops":
                found += [(node.lineno, f"modelops.{a.name}") for a in node.names]
            elif target.startswith("modelops."):
                found.append((node.lineno, target))
    return found


MODULES = sorted((SRC / "modelops").rglob("*.py"))


def test_every_part_of_the_package_has_a_layer():
    parts = {part_of(module_name(p)) for p in MODULES if module_name(p) != "modelops"}
    assert parts == set(LAYER), (parts - set(LAYER), set(LAYER) - parts)


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_imports_go_down_the_layers(path):
    name = module_name(path)
    if name == "modelops":
        return  # the package's own __init__ imports nothing of its parts
    mine = part_of(name)
    upward = [
        f"{path.relative_to(SRC)}:{line} imports {target} ({part_of(target)} is above {mine})"
        for line, target in imports(path)
        if LAYER[part_of(target)] < LAYER[mine]
    ]
    assert not upward, upward


def test_the_rule_finds_an_upward_import():
    """The check itself: a lower module importing a higher one is found, relative or not,
    inside a function too (code of modelops.config)."""
    source = "def f():\n    from ..monitor import run\n    import modelops.serve.app\n"
    found = imports_in(source, "modelops.config")
    assert found == [(2, "modelops.monitor"), (3, "modelops.serve.app")]
    assert all(LAYER[part_of(t)] < LAYER["config"] for _, t in found)
