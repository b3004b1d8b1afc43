"""Protects every config file beside params.yaml against a key written twice: YAML keeps the
last one, so a second `floors: {}` under `gate:` would switch every floor off. Each duplicate
is exit 2 with one line naming the file, the key path and both lines (both are checked to hold
the key), and `modelops train` leaves its last model and report as they were.
"""

import re
from pathlib import Path

import pytest

from modelops.config.layout import config_paths


def inserted_before(anchor: str, text: str):
    """An edit writing text just before anchor (a line start, there once)."""

    def edit(content: str) -> str:
        assert content.count(anchor) == 1, anchor
        return content.replace(anchor, text + anchor)

    return edit


def appended(text: str):
    return lambda content: content + text


# (name, file, edit of its text as the corpus writes it, key path, the key as written)
CASES = [
    # The issue's: a floor that fails alone would pass once a second, empty floors follows.
    ("gate_floors_twice", "policy.yaml", inserted_before("fairness:", "  floors: {}\n"),
     "gate.floors", "floors:"),
    ("gate_section_twice", "policy.yaml", appended("gate:\n  artifact: credit-risk\n"),
     "gate", "gate:"),
    ("ceiling_twice", "policy.yaml", inserted_before("  max_drop:\n    roc_auc: 0.01",
                                                     "    brier: 1.0\n"),
     "gate.ceilings.brier", "brier:"),
    ("prohibited_attribute_redefined", "policy.yaml",
     inserted_before("  no_negative_factor:", "    Marital:\n      feature: true\n"
                                              "      basis: none\n"),
     "fairness.attributes.Marital", "Marital:"),
    ("reason_text_twice", "policy.yaml", inserted_before("  Job:", "  Income: Income\n"),
     "reasons.Income", "Income:"),
    ("model_kind_twice", "params-under-test.yaml",
     inserted_before("  seed: 42\n  cv_folds", "  model: random_forest\n"),
     "train.model", "model:"),
    ("features_twice", "params-under-test.yaml", inserted_before("split:", "  features: [Age]\n"),
     "data.features", "features:"),
    ("margin_twice", "business.yaml", appended("  margin: 1.0\n"), "business.margin", "margin:"),
    ("port_twice", "serve.yaml", lambda _: "serve:\n  port: 8000\n  port: 8001\n",
     "serve.port", "port:"),
    ("source_path_twice", "data/sources.yaml", appended("    path: elsewhere.csv\n"),
     "ingest.sources[0].path", "path:"),
    ("new_baseline_twice", "policy.yaml",
     inserted_before("  ceilings:", "  new_baseline: yes\n"), "gate.new_baseline", "new_baseline:"),
]  # fmt: skip
EACH = pytest.mark.parametrize(("name", "key"), [(c[0], c[3]) for c in CASES], ids=str)


@pytest.fixture(scope="module")
def runs(train_corpus, cli_params):
    def writer(file: str, edit):
        def write(path: Path) -> None:
            cli_params(path.parent, name=path.name)
            where = config_paths(path)[Path("params.yaml") if file == path.name else Path(file)]
            where.write_text(edit(where.read_text(encoding="utf-8")), encoding="utf-8")

        return write

    return train_corpus([(name, writer(file, edit), ()) for name, file, edit, _, _ in CASES])


@EACH
def test_one_line_names_the_file_the_key_and_both_lines(runs, name, key, one_line_error):
    _, file, _, _, written = next(c for c in CASES if c[0] == name)
    line = one_line_error(runs[name].result, f"{file}: duplicate key '{key}' at lines ")
    first, second = map(int, re.search(r"at lines (\d+) and (\d+)", line).groups())
    lines = (runs[name].folder / file).read_text(encoding="utf-8").splitlines()
    assert first < second
    # (a key in a list item follows its "- ")
    assert all(lines[n - 1].lstrip(" -").startswith(written) for n in (first, second)), line


@EACH
def test_last_model_and_report_stay_as_they_were(runs, name, key, train_outputs_kept):
    train_outputs_kept(runs[name])


def test_the_console_script_answers_alike(runs, console):
    run = runs[CASES[0][0]]
    again = console(run.folder, *run.args)
    assert (again.returncode, again.stderr) == (run.result.returncode, run.result.stderr)
