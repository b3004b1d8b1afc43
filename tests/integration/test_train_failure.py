"""Protects README's recovery command: after `dvc repro` fails in train (a params value the
model refuses), DVC has removed the stage's outputs, the DVC-cached model and the git-kept
reports/training.json alike; the command README gives brings back every output of every stage
byte for byte (issue 22, class 10: `dvc checkout` alone left training.json missing)."""

from __future__ import annotations

import re
import subprocess

from support.repos import run, tool_env

from modelops.config import paths

KEPT = ("models", "reports", "data/processed", "data/validated")


def recovery_command(readme: str) -> str:
    """The command in the code block after "To go back to the last good state"."""
    after = readme[readme.index("To go back to the last good state") :]
    return re.search(r"```bash\n(.+?)\n```", after, flags=re.S).group(1).strip()


def outputs(repo) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for folder in KEPT
        for p in sorted((repo / folder).rglob("*"))
        if p.is_file()
    }


def test_readmes_command_restores_every_output_after_train_fails(sample_repo, project_root):
    repo = sample_repo
    before = outputs(repo)
    params = (repo / "params.yaml").read_text(encoding="utf-8")
    changed = re.sub(r"(logistic_regression:\n\s+C:) [^\s#]+", r"\1 -1", params, count=1)
    assert changed != params
    (repo / "params.yaml").write_text(changed, encoding="utf-8")

    result = run("dvc", "repro", cwd=repo, check=False)
    assert result.returncode != 0
    assert "train.logistic_regression.C" in result.stdout + result.stderr
    assert not (repo / paths.MODEL).exists() and not (repo / paths.TRAINING).exists()

    command = recovery_command((project_root / "README.md").read_text(encoding="utf-8"))
    restored = subprocess.run(
        ["bash", "-c", command], cwd=repo, env=tool_env(), capture_output=True, text=True
    )
    assert restored.returncode == 0, restored.stderr
    assert outputs(repo) == before
