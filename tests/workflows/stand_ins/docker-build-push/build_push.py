"""docker/build-push-action stand-in: records the inputs in $DOCKER_RECORD_DIR/build-push.json
and checks, without a Docker engine, what would make the real build fail or ship the wrong model:
the Dockerfile exists; every file it copies exists in the context and is not left out by
.dockerignore; the BUNDLE build-arg is a bundle folder in the work tree whose model.skops has
the md5 its manifest records. Exit 1 naming each problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import sys
from pathlib import Path

MODEL = "models/model.skops"  # the manifest's key for the model's DVC hash


def listed(text: str) -> list[str]:
    """An action's list input: one item a line, or comma-separated."""
    return [item.strip() for item in re.split(r"[\n,]", text) if item.strip()]


def build_args(text: str) -> dict[str, str]:
    return dict(line.strip().split("=", 1) for line in text.splitlines() if "=" in line)


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore leaves path out: the last pattern matching it or a parent wins."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        regex = _regex(pattern.removeprefix("!").strip("/"))
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            excluded = not negated
    return excluded


def _regex(pattern: str) -> re.Pattern:
    out = ""
    for token in re.split(r"(\*\*|\*|\?)", pattern):
        out += {"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token))
    return re.compile(out)


def copied_sources(dockerfile: str, args: dict[str, str]) -> tuple[list[str], list[str]]:
    """The context paths the Dockerfile's COPY/ADD lines read, with ARGs filled in, and the
    ARGs they use that have no value."""
    text = re.sub(r"\\\n", " ", dockerfile)
    defaults: dict[str, str] = {}
    sources, unset = [], []
    for line in text.splitlines():
        instruction = (line.split() or [""])[0].upper()
        if instruction not in {"ARG", "COPY", "ADD"}:
            continue
        words = shlex.split(line)
        if instruction == "ARG":
            name, _, default = words[1].partition("=")
            defaults[name] = default
        elif instruction in {"COPY", "ADD"} and not any(w.startswith("--from") for w in words):
            for source in [w for w in words[1:] if not w.startswith("--")][:-1]:

                def value(match: re.Match) -> str:
                    name = match.group(1) or match.group(2)
                    filled = args.get(name, defaults.get(name, ""))
                    if not filled:
                        unset.append(name)
                    return filled

                sources.append(re.sub(r"\$\{(\w+)\}|\$(\w+)", value, source))
    return sources, unset


def bundle_problems(context: Path, bundle: str | None) -> list[str]:
    if not bundle:
        return ["no BUNDLE build-arg: the image would hold no model"]
    folder = context / bundle
    if not folder.is_dir():
        return [f"BUNDLE {bundle} is not a folder in the work tree"]
    model, manifest = folder / "model.skops", folder / "manifest.json"
    if not (model.is_file() and manifest.is_file()):
        return [f"BUNDLE {bundle} holds no model.skops and manifest.json"]
    recorded = json.loads(manifest.read_text()).get("dvc_hashes", {}).get(MODEL)
    md5 = hashlib.md5(model.read_bytes()).hexdigest()
    if md5 != recorded:
        return [f"BUNDLE {bundle}: model.skops md5 {md5}, its manifest records {recorded}"]
    return []


def main() -> int:
    context = Path(os.environ["CONTEXT"] or ".")
    dockerfile = Path(os.environ["FILE"]) if os.environ["FILE"] else context / "Dockerfile"
    args = build_args(os.environ["BUILD_ARGS"])
    tags = listed(os.environ["TAGS"])
    push = os.environ["PUSH"] == "true"
    problems = []
    if not dockerfile.is_file():
        problems.append(f"{dockerfile} not found")
    else:
        ignore_file = context / ".dockerignore"
        patterns = [
            line.strip()
            for line in (ignore_file.read_text().splitlines() if ignore_file.is_file() else [])
            if line.strip() and not line.startswith("#")
        ]
        sources, unset = copied_sources(dockerfile.read_text(), args)
        problems += [f"{dockerfile} copies ${name}, which has no value" for name in unset]
        for source in sources:
            if not (context / source).exists():
                problems.append(f"{dockerfile} copies {source}, not in the context")
            elif ignored(source, patterns):
                problems.append(f"{dockerfile} copies {source}, which .dockerignore leaves out")
    problems += bundle_problems(context, args.get("BUNDLE"))
    if push and not tags:
        problems.append("push without a tag")
    record = {
        "context": str(context),
        "file": str(dockerfile),
        "tags": tags,
        "build_args": args,
        "push": push,
        "problems": problems,
    }
    Path(os.environ["DOCKER_RECORD_DIR"], "build-push.json").write_text(json.dumps(record))
    for problem in problems:
        print(f"::error::docker build: {problem}")
    if problems:
        return 1
    arguments = " ".join(f"{name}={value}" for name, value in args.items())
    print(
        f"docker build-push stand-in: {dockerfile} checked with {arguments}; would "
        f"{'push ' + ', '.join(tags) if push else 'build without pushing'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
