"""Real git repositories and tools for tests: copies of the project, commands run for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modelops.config.layout import FILES

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "modelops tests",
    "GIT_AUTHOR_EMAIL": "tests@modelops.invalid",
    "GIT_COMMITTER_NAME": "modelops tests",
    "GIT_COMMITTER_EMAIL": "tests@modelops.invalid",
}


def tool_env() -> dict[str, str]:
    """The environment for git, dvc and modelops: this venv's tools first, no telemetry."""
    env = dict(os.environ, **GIT_IDENTITY, DO_NOT_TRACK="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def run(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run a command in cwd; on an unexpected exit code, fail with its output."""
    result = subprocess.run(args, cwd=cwd, env=tool_env(), capture_output=True, text=True)
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


SAMPLE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "sample"
CONFIG_FILES = tuple(FILES)  # the sample keeps them at the project's relative paths
# The project's own results: a sample project starts without them (they describe other data).
PROJECT_RESULTS = ("dvc.lock", "reports")
FEEDBACK = Path("data") / "feedback"  # tracked by `dvc add`: not in git


def copy_project(source: Path, target: Path) -> Path:
    """Copy the files git would commit (tracked or not ignored) into a new repo, committed,
    with the data tracked by `dvc add` (data/feedback) as the source has it."""
    _copy_files(source, target)
    for added in (FEEDBACK,):
        if (source / added).is_dir():
            shutil.copytree(source / added, target / added)
    return _commit_new_repo(target, "project copy")


def config_only(target: Path) -> Path:
    """A folder holding the sample's config files and contract at their project paths, and
    nothing else (no model, no data): where a command must refuse its options before it
    reads anything more."""
    for name in CONFIG_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SAMPLE_DIR / name, target / name)
    shutil.copy2(SAMPLE_DIR / "contract.yaml", target / "data" / "contract.yaml")
    return target


def sample_project(source: Path, target: Path) -> Path:
    """The project's code, pipeline and workflows with the suite's sample (tests/fixtures/sample)
    as its data, params and contract, in a new repository, committed, never run."""
    _copy_files(source, target)
    shutil.rmtree(target / "data" / "external", ignore_errors=True)
    (target / "data" / "external").mkdir(parents=True)
    shutil.copy2(SAMPLE_DIR / "credit.csv", target / "data" / "external" / "credit.csv")
    for name in CONFIG_FILES:  # params.yaml and the files beside it, by owner
        shutil.copy2(SAMPLE_DIR / name, target / name)
    shutil.copy2(SAMPLE_DIR / "contract.yaml", target / "data" / "contract.yaml")
    # The sample has no production feedback yet: an empty folder, recorded by `dvc add`.
    shutil.rmtree(target / FEEDBACK, ignore_errors=True)
    (target / FEEDBACK).mkdir()
    for name in PROJECT_RESULTS:
        path = target / name
        if path.is_dir():
            shutil.rmtree(path)
        path.unlink(missing_ok=True)
    run("git", "init", "-q", "-b", "main", cwd=target)
    run("dvc", "add", "-q", str(FEEDBACK), cwd=target)
    return _commit_new_repo(target, "sample project")


def build_sample_project(source: Path, target: Path) -> Path:
    """A sample project after `dvc repro`, its results committed (DVC cache filled)."""
    sample_project(source, target)
    run("dvc", "repro", cwd=target)
    run("git", "add", "-A", cwd=target)
    run("git", "commit", "-q", "-m", "pipeline run", cwd=target)
    return target


# The stages `dvc repro` runs before the card.
STAGES_TO_EVALUATE = ("ingest", "validate", "split", "train", "evaluate")


def served_sample_project(source: Path, target: Path) -> Path:
    """A sample project whose stages up to evaluate ran in this process, each with its command
    from dvc.yaml, committed to git: the workspace `modelops serve` serves, in seconds and with
    no `dvc repro` (no DVC cache, no dvc.lock: for what does not judge the pipeline)."""
    import shlex

    import yaml

    from support.cli import in_process

    sample_project(source, target)
    stages = yaml.safe_load((target / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    for stage in STAGES_TO_EVALUATE:
        program, *args = shlex.split(stages[stage]["cmd"])
        assert program == "modelops", stages[stage]["cmd"]
        done = in_process(target, *args)
        assert done.returncode == 0, f"{stage}: {done.stderr}"
    run("git", "add", "-A", cwd=target)
    run("git", "commit", "-q", "-m", "stages run in process", cwd=target)
    return target


def tag_version(repo: Path, version: str, artifact: str = "credit-risk") -> None:
    """Register HEAD as artifact@version the way GTO writes it (an annotated tag), without the
    gate: fixtures that release the built sample need a registered version to bundle."""
    message = f"Registration of {artifact} at HEAD; gate: not run (test fixture)"
    run("git", "tag", "-a", f"{artifact}@{version}", "-m", message, cwd=repo)


def remote_tags(repo: Path) -> set[str]:
    """The tags on the repository's origin."""
    listed = run("git", "ls-remote", "--tags", "origin", cwd=repo).stdout.splitlines()
    return {line.split("refs/tags/")[1].removesuffix("^{}") for line in listed}


def remote_branches(repo: Path) -> dict[str, str]:
    """The branches on the repository's origin, each with its commit."""
    listed = run("git", "ls-remote", "--heads", "origin", cwd=repo).stdout.splitlines()
    return {ref.removeprefix("refs/heads/"): sha for sha, ref in map(str.split, listed)}


def clone_folder(template: Path, target: Path) -> Path:
    """A copy of a prepared repository (git history, DVC cache and all) to change freely."""
    shutil.copytree(template, target, symlinks=True)
    return target


def _copy_files(source: Path, target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        if (source / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)


def _commit_new_repo(target: Path, message: str) -> Path:
    run("git", "init", "-q", "-b", "main", cwd=target)
    run("git", "add", "-A", cwd=target)
    # dvclive fails in a repository without commits: commit before the first repro.
    run("git", "commit", "-q", "-m", message, cwd=target)
    return target
