"""Which modules of the package a `modelops` command runs, found by reading the source.

The closure is conservative: a library module counts with every `modelops` import in it,
absolute or relative, at module level or inside a function (the commands import heavy
libraries lazily), and every package `__init__.py` on the way. For the command line itself
it counts the entry point, the shared options, the module defining the command and what that
command's own function imports, with the module's helper functions it calls (and theirs);
sibling commands' bodies are not part of it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "modelops"


def module_file(src: Path, module: str) -> Path | None:
    """src/modelops/a/b.py or src/modelops/a/b/__init__.py for 'modelops.a.b'."""
    base = src.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(node: ast.AST, src: Path, package: str) -> set[str]:
    """Package modules imported anywhere under node, which is code of `package` (relative
    imports resolve against it; `from modelops.x import y` may name a module y or a name in
    x: both are tried)."""
    found: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Import):
            found |= {a.name for a in child.names if a.name.split(".")[0] == PACKAGE}
        elif isinstance(child, ast.ImportFrom):
            base = _absolute(child, package)
            if base is None or base.split(".")[0] != PACKAGE:
                continue
            found.add(base)
            for alias in child.names:
                if module_file(src, f"{base}.{alias.name}"):
                    found.add(f"{base}.{alias.name}")
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str | None:
    """The module a `from ... import` reads from: `from . import x` in a.b is a.b."""
    if node.level == 0:
        return node.module
    parts = package.split(".")
    if node.level > len(parts):
        return None
    base = parts[: len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _package_of(src: Path, module: str) -> str:
    return module if module_file(src, module).name == "__init__.py" else module.rpartition(".")[0]


def _with_packages(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[: i + 1]) for i in range(len(parts))}


def closure(src: Path, roots: set[str], opaque: frozenset[str] = frozenset()) -> set[str]:
    """Every package module reachable from roots through imports (opaque ones not followed)."""
    seen: set[str] = set(opaque)
    todo = [m for root in roots for m in _with_packages(root)]
    while todo:
        module = todo.pop()
        if module in seen or module_file(src, module) is None:
            continue
        seen.add(module)
        tree = ast.parse(module_file(src, module).read_text(encoding="utf-8"))
        for name in _imported(tree, src, _package_of(src, module)):
            todo.extend(_with_packages(name))
    return seen


def _command_function(tree: ast.Module, command: str) -> ast.FunctionDef | None:
    """The function a `@app.command()` / `@group.command("name")` decorator registers."""
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if not (
                isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "command"
            ):
                continue
            named = decorator.args[0].value if decorator.args else node.name
            if named == command:
                return node
    return None


def _helpers_called(tree: ast.Module, function: ast.FunctionDef) -> list[ast.FunctionDef]:
    """The module's top-level functions that function calls by name, and those they call."""
    defined = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    found: dict[str, ast.FunctionDef] = {}
    todo = [function]
    while todo:
        for node in ast.walk(todo.pop()):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                helper = defined.get(node.func.id)
                if helper is not None and helper.name not in found and helper is not function:
                    found[helper.name] = helper
                    todo.append(helper)
    return list(found.values())


def command_closure(src: Path, command: str) -> set[str]:
    """The package modules `modelops COMMAND` runs (top-level commands only)."""
    cli = f"{PACKAGE}.cli"
    for path in sorted((src / PACKAGE / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        function = _command_function(tree, command)
        if function is None:
            continue
        module = f"{cli}.{path.stem}"
        top_level = ast.Module(
            body=[n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)],
            type_ignores=[],
        )
        roots = {f"{cli}.app"} | _imported(top_level, src, cli) | _imported(function, src, cli)
        for helper in _helpers_called(tree, function):
            roots |= _imported(helper, src, cli)
        # The cli package's __init__ imports every command module to register it: it counts,
        # but not what it imports (other commands' bodies never run).
        return closure(src, roots, opaque=frozenset({cli, module})) | {module}
    raise LookupError(f"no command '{command}' in {src / PACKAGE / 'cli'}")


def files_of(src: Path, modules: set[str]) -> set[Path]:
    return {module_file(src, m) for m in modules}
