"""Protects `modelops card`: every section is there, its figures are the reports' own (formatted
as the card formats them), the card is the same bytes on every run, and it refuses (exit 2)
while a written section is empty or left out and when a report it states is missing. The reports,
reports/fairness.json among them, are the ones the real evaluate stage wrote (stage_run)."""

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from modelops.cli.pipeline import CARD_REPORTS
from modelops.config import paths

SECTIONS = [
    "Intended use", "Intended users", "Out-of-scope uses", "Owners and contact", "Model", "Data",
    "Features", "Test metrics", "Calibration", "Threshold and business value", "Segments",
    "Fairness", "Feature importance", "Limitations",
]  # fmt: skip


def prepare(folder: Path, stage_run: Path, cli_params, project_root: Path) -> Path:
    """A folder holding what the card stage reads, as the pipeline leaves it."""
    shutil.copytree(stage_run / "reports", folder / "reports")
    for name in ("data_quality.json", "training.json"):
        shutil.copy2(stage_run / name, folder / "reports" / name)
    for name in ("model.skops", "train.parquet", "test.parquet"):
        shutil.copy2(stage_run / name, folder / name)
    shutil.copy2(project_root / paths.CARD_TEXT, folder / "model_card.yaml")
    cli_params(folder)
    return folder


def write_card(cli, folder: Path, contract_file: Path, output: str = "model_card.md"):
    return cli(folder, "card", "--model", "model.skops", "--test", "test.parquet",
               "--train", "train.parquet", "--reports", "reports", "--text", "model_card.yaml",
               "--output", output, "--params", "params.yaml",
               "--contract", contract_file)  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory, stage_run, cli, cli_params, project_root, contract_file) -> Path:
    folder = prepare(tmp_path_factory.mktemp("card"), stage_run, cli_params, project_root)
    result = write_card(cli, folder, contract_file)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def card(built) -> str:
    return (built / "model_card.md").read_text(encoding="utf-8")


@pytest.fixture
def folder(built, tmp_path) -> Path:
    """A copy of the built folder, card included, to break one input of."""
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)
    return tmp_path


def report(folder: Path, name: str):
    return json.loads((folder / "reports" / name).read_text(encoding="utf-8"))


def test_every_section_is_there_in_order(card):
    assert re.findall(r"^## (.+)$", card, flags=re.M) == SECTIONS


def test_headline_figures_are_the_metrics_reports(card, built):
    metrics = report(built, "metrics.json")
    assert f"| ROC AUC | {metrics['roc_auc']:.4f} | [" in card
    assert f"| Brier score (lower is better) | {metrics['brier']:.4f} | [" in card
    assert f"rejected when p_default is at least **{metrics['threshold']:.4f}**" in card
    value = metrics["business"]["value_per_application"]
    assert f"| this model | {value:.2f} |" in card
    assert f"| Business value per application | {value:.2f} | [" in card
    assert f"On {metrics['n_test']} held-out test rows" in card


def test_each_interval_holds_its_figure(card):
    rows = re.findall(r"^\| [^|]+ \| (-?[\d.]+) \| \[(-?[\d.]+), (-?[\d.]+)\] \|$", card, re.M)
    assert len(rows) == 10
    assert all(float(low) <= float(value) <= float(high) for value, low, high in rows), rows


def test_the_other_reports_figures(card, built):
    quality = report(built, "data_quality.json")
    assert f"{quality['rows_in']} rows in" in card
    for row in report(built, "importance.json"):
        assert f"| {row['feature']} | {row['importance']:.4f} | {row['std']:.4f} |" in card
    married = report(built, "segments.json")["Marital"]["married"]
    assert (
        f"| married | {married['n']} | {married['bad_rate']:.4f} | {married['roc_auc']:.4f} |"
        in card
    )
    fairness = report(built, "fairness.json")
    single = fairness["groups"]["Marital"]["single"]
    assert f"| single | {single['n']} | {single['approval_rate']:.4f} | " in card
    assert f"{single['approval_ratio']:.4f}" in card
    assert "| widow (not judged) |" in card
    training = report(built, "training.json")
    assert f"| training rows | {training['n_train']} |" in card
    md5 = hashlib.md5((built / "model.skops").read_bytes()).hexdigest()
    assert f"| model file md5 (as dvc.lock records it) | `{md5}` |" in card


def test_written_sections_come_from_the_text(card, project_root):
    text = yaml.safe_load((project_root / paths.CARD_TEXT).read_text(encoding="utf-8"))
    for use in text["out_of_scope_uses"]:
        assert f"- {' '.join(use.split())}" in card
    for owner in text["owners"]:
        assert f"| {owner['role']} | {owner['name']} | {owner['contact']} |" in card


def test_the_same_inputs_give_the_same_bytes(cli, built, contract_file, card):
    """dvc.lock records the card: a rebuild must give it byte for byte (seeded intervals)."""
    assert write_card(cli, built, contract_file, "again.md").returncode == 0
    assert (built / "again.md").read_text(encoding="utf-8") == card


def test_an_empty_written_section_fails_naming_it(cli, folder, contract_file, one_line_error):
    text = yaml.safe_load((folder / "model_card.yaml").read_text(encoding="utf-8"))
    text["out_of_scope_uses"] = []
    (folder / "model_card.yaml").write_text(yaml.safe_dump(text), encoding="utf-8")
    before = (folder / "model_card.md").read_bytes()
    one_line_error(write_card(cli, folder, contract_file), "'out_of_scope_uses' is empty", code=2)
    assert (folder / "model_card.md").read_bytes() == before


@pytest.mark.parametrize("name", [str(path) for path, _ in CARD_REPORTS.values()])
def test_a_missing_report_is_exit_2_naming_it(cli, folder, contract_file, one_line_error, name):
    missing = Path(name).relative_to(paths.REPORTS)
    (folder / "reports" / missing).unlink()
    one_line_error(write_card(cli, folder, contract_file), str(missing), "not found")


def test_a_fairness_report_of_other_features_is_exit_2(cli, folder, contract_file, one_line_error):
    fairness = report(folder, "fairness.json")
    fairness["features"]["used"].remove("Seniority")
    (folder / "reports" / "fairness.json").write_text(json.dumps(fairness), encoding="utf-8")
    one_line_error(write_card(cli, folder, contract_file), "fairness.json", "features.used")


def test_a_fairness_report_missing_a_key_is_exit_2(cli, folder, contract_file, one_line_error):
    fairness = report(folder, "fairness.json")
    del fairness["groups"]["Marital"]["single"]["judged"]
    (folder / "reports" / "fairness.json").write_text(json.dumps(fairness), encoding="utf-8")
    one_line_error(write_card(cli, folder, contract_file), "groups.Marital.single.judged")


def test_metrics_of_another_model_are_exit_2(cli, folder, contract_file, one_line_error):
    metrics = report(folder, "metrics.json")
    metrics["roc_auc"] = 0.5
    (folder / "reports" / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    one_line_error(write_card(cli, folder, contract_file), "does not describe", "dvc repro")


def test_the_projects_card_states_the_projects_reports(project_root):
    """The committed card (the card stage's output in dvc.lock) agrees with the committed
    reports it was built from."""
    card = (project_root / paths.MODEL_CARD).read_text(encoding="utf-8")
    metrics = report(project_root, "metrics.json")
    assert re.findall(r"^## (.+)$", card, flags=re.M) == SECTIONS
    assert f"| ROC AUC | {metrics['roc_auc']:.4f} | [" in card
    assert f"rejected when p_default is at least **{metrics['threshold']:.4f}**" in card


def test_a_policy_without_the_age_rule_is_stated_not_skipped(card):
    """The sample's policy sets no no_negative_factor: the card says so, twice."""
    assert "No age rule: the fairness policy sets no `no_negative_factor`." in card
    assert "The fairness policy sets no age rule" in card


def test_an_age_rule_the_model_cannot_break_says_why_it_passes(project_root):
    """The project's model does not read Age: the card says its age rule passes for that."""
    card = (project_root / paths.MODEL_CARD).read_text(encoding="utf-8")
    fairness = report(project_root, "fairness.json")
    assert "Age" not in fairness["features"]["used"]
    assert "passed: moving Age from 61" in card
    assert "Age is not among the model's features, so it cannot move it." in card
