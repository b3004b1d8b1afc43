"""Protects the config read at a git commit (a baseline's or a registered version's params):
a key written twice there is refused as in the work tree, naming the file, the key path, both
lines and the commit, never read as whichever came last.
"""

import pytest

from modelops.errors import InputError
from modelops.review.baselines import params_at
from modelops.review.verdicts import commit_verdict

# (file, its text at the commit, the key path, the lines)
CASES = [
    ("params.yaml", "train:\n  model: logistic_regression\n  model: random_forest\n",
     "train.model", (2, 3)),
    # A version that declared a new baseline, and then again that it did not.
    ("policy.yaml",
     "gate:\n  new_baseline: true\n  floors: {roc_auc: 0.8}\n  new_baseline: false\n",
     "gate.new_baseline", (2, 4)),
    ("business.yaml", "business:\n  margin: 0.15\nbusiness:\n  margin: 0.9\n", "business", (1, 3)),
    ("serve.yaml", "serve: {port: 8000, port: 9000}\n", "serve.port", None),
    ("data/sources.yaml", "ingest:\n  sources:\n  - {name: a, kind: csv, path: a.csv, path: b}\n",
     "ingest.sources[0].path", None),
]  # fmt: skip


def expected(file: str, key: str, lines: tuple[int, int] | None) -> str:
    where = "twice at line" if lines is None else f"at lines {lines[0]} and {lines[1]}"
    return f"{file}: duplicate key '{key}' {where}"


@pytest.mark.parametrize(("file", "text", "key", "lines"), CASES, ids=[c[2] for c in CASES])
def test_a_duplicate_key_at_a_commit_is_refused_naming_it(git_repo, file, text, key, lines):
    repo, commit = git_repo
    files = {"params.yaml": "train: {model: logistic_regression}\n", file: text}
    sha = commit(files)
    with pytest.raises(InputError) as refused:
        params_at(repo, sha)
    message = str(refused.value)
    assert message.startswith(expected(file, key, lines)) and f"(at {sha[:8]})" in message


def test_a_registered_versions_gate_is_refused_not_read_as_the_last_key(git_repo, sample_params):
    repo, commit = git_repo
    policy = "gate:\n  new_baseline: true\n  new_baseline: false\n"
    sha = commit({"params.yaml": "train: {}\n", "policy.yaml": policy,
                  "reports/metrics.json": {"roc_auc": 0.85}})  # fmt: skip
    with pytest.raises(InputError, match=r"policy.yaml: duplicate key 'gate.new_baseline'"):
        commit_verdict(repo, sha, sample_params, [])
