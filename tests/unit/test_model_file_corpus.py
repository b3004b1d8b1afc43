"""Protects against files that are not a modelops model: `modelops evaluate --model` and
load_model refuse each with exit 2 and "not a modelops model: <why>", never run a pickle's
payload, and leave the last reports as they were.
"""

import io
import operator
import pickle
import random
import shutil
import zipfile
from types import SimpleNamespace

import pytest
import skops.io
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import FixedThresholdClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from modelops.model.persistence import NotAModel, load_model

MARKER = "payload-ran"  # the file the pickle's payload creates when it is unpickled


class CreateFile:
    """Unpickling this opens (creates) the file: what a hostile pickle could do instead."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def zip_without_schema(kit) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model.pkl", pickle.dumps({"weights": [1, 2]}))
    return buffer.getvalue()


def untrusted(kit) -> bytes:
    steps = make_pipeline(FunctionTransformer(operator.neg), LogisticRegression())
    return skops.io.dumps(FixedThresholdClassifier(steps, pos_label="bad").fit(kit.X, kit.y))


UNFITTED = Pipeline([("classify", LogisticRegression())])
# name -> (build(kit: the real model's bytes, the case's folder, X, y), what the message says)
CASES = {
    "random_bytes": (lambda kit: random.Random(0).randbytes(4096), "not a skops archive"),
    "pickle": (lambda kit: pickle.dumps(CreateFile(kit.folder / MARKER)), "not a skops archive"),
    "empty": (lambda kit: b"", "the file is empty"),
    "truncated": (lambda kit: kit.real[: len(kit.real) // 2], "not a skops archive"),
    "no_schema": (zip_without_schema, "no schema.json"),
    "unfitted_classifier": (lambda kit: skops.io.dumps(FixedThresholdClassifier(UNFITTED)),
                            "the classifier was never fitted"),
    "unfitted_pipeline": (lambda kit: skops.io.dumps(UNFITTED), "holds a Pipeline, not a"),
    "dict": (lambda kit: skops.io.dumps({"model": "yes"}), "holds a dict, not a classifier"),
    "untrusted_type": (untrusted, "untrusted types: _operator.neg"),
}  # fmt: skip
EACH = pytest.mark.parametrize("name", CASES)


def build(name, folder, stage_run, sample) -> str:
    """Write the case's file into folder; its name."""
    real = (stage_run / "model.skops").read_bytes()
    kit = SimpleNamespace(real=real, folder=folder, X=sample[["Age", "Seniority"]], y=sample.Status)
    (folder / f"{name}.skops").write_bytes(CASES[name][0](kit))
    return f"{name}.skops"


def evaluate(run, folder, model, stage_run, contract_file):
    return run(folder, "evaluate", "--model", model, "--test", stage_run / "test.parquet",
               "--train", stage_run / "train.parquet", "--reports", "reports",
               "--contract", contract_file, "--params", "params.yaml")  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory, cli, cli_params, stage_run, contract_file, sample):
    """name -> (result, folder) of `modelops evaluate --model <name>.skops` over last reports."""
    runs = {}
    for name in CASES:
        folder = tmp_path_factory.mktemp(name)
        shutil.copytree(stage_run / "reports", folder / "reports")
        cli_params(folder)
        model = build(name, folder, stage_run, sample)
        runs[name] = (evaluate(cli, folder, model, stage_run, contract_file), folder)
    return runs


@EACH
def test_evaluate_says_why_it_is_not_a_model(runs, name, one_line_error):
    one_line_error(runs[name][0], f"{name}.skops: not a modelops model: ", CASES[name][1])


@EACH
def test_last_reports_stay_as_they_were(runs, name, stage_run, snapshot):
    assert snapshot(runs[name][1] / "reports") == snapshot(stage_run / "reports")


def test_the_pickle_payload_never_ran(runs, console, stage_run, contract_file):
    result, folder = runs["pickle"]
    again = evaluate(console, folder, "pickle.skops", stage_run, contract_file)
    assert (again.returncode, again.stderr) == (result.returncode, result.stderr)
    assert not (folder / MARKER).exists()


def test_the_pickle_payload_is_live_when_unpickled(tmp_path):
    pickle.loads(pickle.dumps(CreateFile(tmp_path / MARKER)))  # what refusing it prevents
    assert (tmp_path / MARKER).exists()


@EACH
def test_load_model_refuses_it(name, tmp_path, stage_run, sample):
    path = tmp_path / build(name, tmp_path, stage_run, sample)
    with pytest.raises(NotAModel, match=f"not a modelops model: .*{CASES[name][1]}"):
        load_model(path)
    assert not (tmp_path / MARKER).exists()
