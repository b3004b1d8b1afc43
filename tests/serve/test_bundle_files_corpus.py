"""Protects loading a model to serve or score from a release bundle (or the workspace) whose
files are damaged: malformed YAML, a YAML list, bytes that are not UTF-8, a folder or a broken
link where a file should be, JSON of the wrong shape or nested past the parser's stack, a
truncated archive. Each is one line naming the file, exit 2, never a traceback (issue 22,
class 9); a file that is there but unreadable is never taken for "missing".
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from support.cli import console, in_process
from support.repos import SAMPLE_DIR, config_only

from modelops.config.params import TrainParams
from modelops.model.persistence import save_model
from modelops.model.pipeline import p_bad_of
from modelops.model.train import train_model

# (file, what is put there)
BROKEN = {
    # The example: a YAML ParserError escaped.
    "contract_malformed": ("contract.yaml", "columns: [unclosed\n"),
    "contract_a_list": ("contract.yaml", "- dataset\n- columns\n"),
    "contract_empty": ("contract.yaml", ""),
    "contract_not_utf8": ("contract.yaml", b"\xff\xfecolumns: {}\n"),
    "contract_a_folder": ("contract.yaml", "folder"),
    "contract_broken_link": ("contract.yaml", "link"),
    "contract_nested_deep": ("contract.yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "manifest_a_list": ("manifest.json", "[1, 2]"),
    "manifest_hashes_a_list": ("manifest.json", json.dumps({"dvc_hashes": ["models/x"]})),
    "manifest_not_utf8": ("manifest.json", b"\xff\xfe{}"),
    "manifest_a_folder": ("manifest.json", "folder"),
    "manifest_broken_link": ("manifest.json", "link"),
    "golden_an_object": ("golden.json", '{"application": {}}'),
    "golden_of_numbers": ("golden.json", "[1, 2]"),
    "golden_without_decision": ("golden.json", '[{"application": {}, "p_default": 0.1}]'),
    "golden_a_folder": ("golden.json", "folder"),
    "golden_nested_deep": ("golden.json", "[" * 100_000 + "]" * 100_000),
    "metrics_a_list": ("metrics.json", "[]"),
    "metrics_a_folder": ("metrics.json", "folder"),
    "reference_a_list": ("reference.json", "[]"),
    "reference_a_folder": ("reference.json", "folder"),
    "reference_broken_link": ("reference.json", "link"),
    "model_a_folder": ("model.skops", "folder"),
}
# Cases `modelops serve` reaches before it would listen, whatever the code: the rest are
# checked through `score` and `serve-check`, which load the same way and never listen.
SERVE_CASES = [name for name, (file, _) in BROKEN.items() if file in ("contract.yaml",)]
SERVE_CASES += ["manifest_a_list", "manifest_hashes_a_list"]
GOLDEN_CASES = [name for name, (file, _) in BROKEN.items() if file == "golden.json"]


@pytest.fixture(scope="module")
def project(tmp_path_factory, sample, features, target, business_params) -> Path:
    """A folder with the sample's config and a small model (300 rows), released as a bundle
    folder (bundle/) and as an archive of it (bundle.tar.gz), as the release writes them."""
    folder = config_only(tmp_path_factory.mktemp("bundle-files"))
    settings = TrainParams.model_validate(
        {"model": "logistic_regression", "seed": 1, "cv_folds": 3}
    )
    rows = sample.iloc[:300].reset_index(drop=True)
    model = train_model(rows, features, target, settings, business_params).classifier
    bundle = folder / "bundle"
    bundle.mkdir()
    save_model(model, bundle / "model.skops")
    md5 = hashlib.md5((bundle / "model.skops").read_bytes()).hexdigest()
    manifest = {"version": "v0.1.0", "commit": "0" * 40, "dvc_hashes": {"models/model.skops": md5}}
    (bundle / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    shutil.copy2(SAMPLE_DIR / "contract.yaml", bundle / "contract.yaml")
    p_bad = p_bad_of(model, rows[features].head(2))
    golden = [
        {
            "application": {f: _plain(row[f]) for f in features},
            "p_default": float(p),
            "decision": "approve",
        }
        for (_, row), p in zip(rows.head(2).iterrows(), p_bad, strict=True)
    ]
    (bundle / "golden.json").write_text(json.dumps(golden), encoding="utf-8")
    (bundle / "metrics.json").write_text("{}", encoding="utf-8")
    return folder


def _plain(value):
    return None if value != value else (value.item() if hasattr(value, "item") else value)


def broken_copy(project: Path, name: str) -> Path:
    """project's bundle copied to bundle-NAME with its one file broken as BROKEN says."""
    file, content = BROKEN[name]
    shutil.rmtree(project / f"bundle-{name}", ignore_errors=True)  # a fresh copy each time
    bundle = shutil.copytree(project / "bundle", project / f"bundle-{name}")
    path = bundle / file
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    if content == "folder":
        path.mkdir()
    elif content == "link":
        path.symlink_to(bundle / "nowhere")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return bundle


def score(project: Path, bundle: Path):
    """`modelops score` with the bundle: loading it is the first thing it does (the input
    does not exist: a bundle that loads is answered about the input)."""
    return in_process(
        project, "score", "--bundle", bundle, "--input", "none.parquet", "--output", "o.parquet"
    )


def test_the_intact_bundle_loads(project):
    result = score(project, project / "bundle")
    assert result.returncode == 2
    assert "none.parquet" in result.stderr and "bundle" not in result.stderr, result.stderr


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_bundle_file_is_one_line_naming_it(project, error_line, name):
    file, _ = BROKEN[name]
    result = score(project, broken_copy(project, name))
    assert result.returncode == 2, result.stdout + result.stderr
    line = error_line(result)
    assert file in line and "missing" not in line, line
    assert not (project / "o.parquet").exists()


@pytest.mark.parametrize("name", SERVE_CASES)
def test_serve_refuses_it_before_listening(project, error_line, tmp_path, name):
    store = f"sqlite:///{tmp_path / 'store.db'}"
    result = in_process(project, "serve", "--bundle", broken_copy(project, name), "--store", store)
    assert result.returncode == 2, result.stdout + result.stderr
    assert BROKEN[name][0] in error_line(result)
    assert "serving" not in result.stdout


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_serve_check_refuses_its_golden_answers_before_waiting(project, error_line, name):
    bundle = broken_copy(project, name)
    result = in_process(project, "serve-check", "--bundle", bundle, "--url", "http://127.0.0.1:9",
                        "--timeout", "0.1")  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    line = error_line(result)
    assert "golden.json" in line and "not ready" not in line, line


def test_an_archive_names_itself_not_its_unpacked_copy(project, error_line):
    bundle = broken_copy(project, "contract_malformed")
    archive = project / "broken.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(bundle, arcname="credit-risk-v0.1.0")
    line = error_line(score(project, archive))
    assert line.startswith(f"error: {archive}") and "contract.yaml: not valid YAML" in line, line


@pytest.mark.parametrize(
    ("report", "content"),
    [
        ("golden.json", "{"),
        ("golden.json", '{"not": "a list"}'),
        ("reference.json", "[]"),
        ("metrics.json", "[1]"),
        ("metrics.json", "folder"),
    ],
)
def test_the_workspaces_reports_are_read_the_same_way(
    project, tmp_path, error_line, report, content
):
    workspace = config_only(tmp_path)
    (workspace / "models").mkdir()
    shutil.copy2(project / "bundle" / "model.skops", workspace / "models" / "model.skops")
    (workspace / "reports").mkdir()
    if content == "folder":
        (workspace / "reports" / report).mkdir()
    else:
        (workspace / "reports" / report).write_text(content, encoding="utf-8")
    result = in_process(workspace, "score", "--input", "none.parquet", "--output", "o.parquet")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"reports/{report}" in error_line(result)


def test_the_console_script_answers_alike(project):
    bundle = broken_copy(project, "contract_malformed")
    args = ("serve", "--bundle", bundle, "--store", f"sqlite:///{project / 'c.db'}")
    by_script, in_this_process = console(project, *args), in_process(project, *args)
    assert by_script.returncode == in_this_process.returncode == 2
    assert by_script.stderr == in_this_process.stderr
    assert "Traceback" not in by_script.stderr
