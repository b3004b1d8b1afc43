"""A pipeline output exactly as it was at a commit: its bytes, checked against the hash that
commit's dvc.lock records, and where they came from.

Tried in order: the working tree (when it holds that very file), the DVC cache, the DVC
remote, a release bundle (for a registered version), and finally a rebuild of the pipeline
at that commit in a temporary git worktree, with that commit's own code (the pipeline is
deterministic on one machine). What no way yields is `Unavailable`, with each way's reason: a
caller that needs the output fails, it never falls back to something else.

Bytes are reproducible on one machine only. Given a `judge` (modelops.equivalence), a model
that no way gives byte for byte is looked for by behaviour: the working tree's file when it is
a rebuild of that commit's (same stage inputs in both dvc.locks), then a rebuild, each
accepted only when the judge finds it equivalent to what the commit recorded.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelops.errors import ModelopsError, shown_text
from modelops.pipeline_state import output_hashes


class Unavailable(ModelopsError):
    """No way gave the output with the recorded hash; the message lists why, way by way."""

    exit_code = 1


class NotRecorded(Unavailable):
    """The commit's dvc.lock records no such output: it predates it."""


@dataclass(frozen=True)
class Retrieved:
    path: Path  # a file holding the output's bytes (read it; do not change it)
    source: str  # working tree | DVC cache | DVC remote | release bundle | rebuild
    md5: str
    # None: the bytes dvc.lock records. Else the equivalence.Behaviour that proved other bytes
    # (a rebuild on another machine) to be the recorded model.
    behaviour: Any = None

    def origin(self, out: str) -> str:
        """Where the output came from, in a line: `models/model.skops from the DVC cache,
        md5 ... as in dvc.lock`, or, for other bytes, how they were judged."""
        if self.behaviour is None:
            return f"{out} from the {self.source}, md5 {self.md5} as in dvc.lock"
        return (
            f"{out} from the {self.source}, rebuilt on this machine with md5 {self.md5}, not "
            f"dvc.lock's: {self.behaviour.summary()}"
        )


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def retrieve_output(
    repo: Path,
    commit: str,
    out: str,
    bundles: Iterable[Path] = (),
    rebuild: bool = True,
    judge: Callable[[Path], Any] | None = None,
) -> Retrieved:
    """The output `out` (e.g. models/model.skops) as committed at commit: its bytes, or, with
    a judge, a file that behaves as it (see the module's text)."""
    expected = output_hashes(repo, commit).get(out)
    if expected is None:
        raise NotRecorded(f"dvc.lock at {commit[:8]} records no {out}")
    reasons: list[str] = []
    ways = [
        ("working tree", lambda: repo / out),
        ("DVC cache", lambda: _in_cache(repo, expected)),
        ("DVC remote", lambda: _from_remote(repo, expected)),
        *[("release bundle", lambda b=b: b) for b in bundles],
    ]
    if rebuild:
        ways.append(("rebuild", lambda: _rebuilt(repo, commit, out)))
    for source, find in ways:
        if source == "rebuild" and judge is not None and _rebuilt_here(repo, commit, out):
            # Before rebuilding: after `dvc repro` on another machine the working tree holds
            # this very rebuild, and judging it costs no second pipeline run.
            found = _judged("working tree", repo / out, judge, reasons)
            if found:
                return found
        try:
            path = find()
        except Unavailable as why:
            reasons.append(f"{source}: {why}")
            continue
        if path is None or not path.is_file():
            reasons.append(f"{source}: not there")
            continue
        md5 = file_md5(path)
        if md5 == expected:
            return Retrieved(path, source, md5)
        if source == "rebuild" and judge is not None:
            found = _judged(source, path, judge, reasons)
            if found:
                return found
        else:
            reasons.append(f"{source}: hash {md5} is not dvc.lock's {expected}")
    raise Unavailable(f"{out} at {commit[:8]}: " + "; ".join(reasons))


def _judged(source: str, path: Path, judge, reasons: list[str]) -> Retrieved | None:
    """Other bytes as the recorded output when the judge finds them equivalent; else None,
    with the measured difference (or why it could not be judged) among the reasons."""
    md5 = file_md5(path)
    try:
        behaviour = judge(path)
    except ModelopsError as why:
        reasons.append(f"{source}: hash {md5} differs and cannot be judged by behaviour: {why}")
        return None
    if behaviour.equivalent:
        return Retrieved(path, source, md5, behaviour)
    reasons.append(f"{source}: hash {md5} differs; by behaviour {behaviour.summary()}")
    return None


def _rebuilt_here(repo: Path, commit: str, out: str) -> bool:
    """Whether the working tree's out is a rebuild of commit's: the working tree's dvc.lock
    records it (its md5) as made by the same command from the same dependencies and params
    as commit's dvc.lock does. A changed model (a pull request's) is not."""
    import yaml

    from modelops.git import file_at

    committed = file_at(repo, commit, "dvc.lock")
    if committed is None or not (repo / "dvc.lock").is_file() or not (repo / out).is_file():
        return False

    def stage_writing(text: str) -> tuple[dict | None, str | None]:
        for stage in ((yaml.safe_load(text) or {}).get("stages") or {}).values():
            for written in stage.get("outs") or []:
                if written.get("path") == out:
                    return stage, written.get("md5")
        return None, None

    here, md5 = stage_writing((repo / "dvc.lock").read_text(encoding="utf-8"))
    there, _ = stage_writing(committed)
    if here is None or there is None or md5 != file_md5(repo / out):
        return False
    return all(here.get(key) == there.get(key) for key in ("cmd", "deps", "params"))


def _cache(repo: Path):
    from dvc.repo import Repo

    with Repo(str(repo)) as dvc_repo:
        return dvc_repo.cache.local


def _in_cache(repo: Path, md5: str) -> Path:
    return Path(_cache(repo).oid_to_path(md5))


def _from_remote(repo: Path, md5: str) -> Path:
    """The object with this hash from the default remote as the repository configures it now
    (with .dvc/config.local). Fetching at the commit instead would read that commit's config,
    where DVC resolves a relative remote (the project's own) against the wrong folder."""
    from dvc.exceptions import DvcException
    from dvc.repo import Repo
    from dvc_data.hashfile.hash_info import HashInfo

    with Repo(str(repo)) as dvc_repo:
        if not dvc_repo.config.get("core", {}).get("remote"):
            raise Unavailable("no default remote configured")
        # DVC logs what it could not fetch to stderr, beside the command's one line of its
        # own; a file that did not come is reported as not there by the caller.
        dvc_logger = logging.getLogger("dvc")
        level = dvc_logger.level
        dvc_logger.setLevel(logging.ERROR)
        try:
            dvc_repo.cloud.pull([HashInfo("md5", md5)])
        except DvcException as err:
            raise Unavailable(shown_text(str(err).splitlines()[0], 200)) from None
        finally:
            dvc_logger.setLevel(level)
        return Path(dvc_repo.cache.local.oid_to_path(md5))


def _rebuilt(repo: Path, commit: str, out: str) -> Path:
    """Run the pipeline up to out at commit, in a worktree, with that commit's code; the
    result also goes into this repository's DVC cache, so the next time it is found there."""
    stage = _stage_writing(repo, commit, out)
    cache = Path(_cache(repo).path).parent.parent  # .dvc/cache (files/md5 is below it)
    with tempfile.TemporaryDirectory(prefix="modelops-rebuild-") as folder:
        tree = Path(folder) / "tree"
        _run(repo, "git", "worktree", "add", "--detach", str(tree), commit)
        try:
            _run(tree, "dvc", "config", "--local", "cache.dir", str(cache))
            _restore_added_data(tree)
            env = {"PYTHONPATH": str(tree / "src")}  # the commit's own package, not this one
            # --no-run-cache: really run, never restore an output from a (possibly bad) cache.
            _run(tree, "dvc", "repro", "--no-run-cache", stage, env=env)
            built = tree / out
            if not built.is_file():
                raise Unavailable(f"the rebuild wrote no {out}")
            kept = Path(tempfile.mkdtemp(prefix="modelops-rebuilt-")) / Path(out).name
            atexit.register(shutil.rmtree, kept.parent, True)
            shutil.copyfile(built, kept)  # the rebuilt bytes: the caller checks them
            return kept
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=repo, capture_output=True
            )


def _restore_added_data(tree: Path) -> None:
    """Put back the data tracked with `dvc add` (data/feedback), which git does not hold: an
    empty folder is made from its .dvc file alone (there is nothing to fetch), anything else is
    checked out of the DVC cache."""
    import yaml

    listed = subprocess.run(
        ["git", "ls-files", "-z", "*.dvc"], cwd=tree, capture_output=True, check=True
    ).stdout.decode()
    to_check_out = []
    for name in filter(None, listed.split("\0")):
        spec = yaml.safe_load((tree / name).read_text(encoding="utf-8")) or {}
        for out in spec.get("outs", []):
            if out.get("nfiles") == 0 and str(out.get("md5", "")).endswith(".dir"):
                (tree / name).parent.joinpath(out["path"]).mkdir(parents=True, exist_ok=True)
            elif name not in to_check_out:
                to_check_out.append(name)
    if to_check_out:
        _run(tree, "dvc", "checkout", *to_check_out)


def _stage_writing(repo: Path, commit: str, out: str) -> str:
    from modelops.pipeline_state import stage_outputs

    for stage, outs in stage_outputs(repo, commit).items():
        if out in outs:
            return stage
    raise Unavailable(f"no stage of dvc.yaml at {commit[:8]} writes {out}")


def _run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> None:
    environment = dict(os.environ, DO_NOT_TRACK="1", **(env or {}))
    # The tools of this environment (dvc, modelops) come first, as in the pipeline's own runs.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    if env and "PYTHONPATH" in env and os.environ.get("PYTHONPATH"):
        environment["PYTHONPATH"] = f"{env['PYTHONPATH']}{os.pathsep}{os.environ['PYTHONPATH']}"
    result = subprocess.run(args, cwd=cwd, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        raise Unavailable(f"`{' '.join(args[:2])}` failed: {shown_text(lines[-1], 200)}")
