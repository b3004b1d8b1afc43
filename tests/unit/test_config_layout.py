"""Protects the config split by owner: each section is read from the file of the role that owns
it (params.yaml, policy.yaml, business.yaml, serve.yaml, data/sources.yaml), and a section in
the wrong file, in two files, an unknown section or a missing file is a ConfigError (exit 2)
naming the file and the section, so no rule changes without its owner's review."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from support.config import write_config

from modelops.config import paths
from modelops.config.layout import FILES, SECTION_FILE, read_sections
from modelops.config.params import Params, check_against_contract, load_params
from modelops.errors import ConfigError


@pytest.fixture
def project(tmp_path, raw_params) -> Path:
    return write_config(tmp_path / "params.yaml", raw_params)


def refused(params_file: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_params(params_file)
    assert caught.value.exit_code == 2
    return str(caught.value)


def test_every_section_of_params_has_exactly_one_file():
    assert set(SECTION_FILE) == set(Params.model_fields)
    placed = [s for _, sections in FILES.values() for s in sections]
    assert len(placed) == len(set(placed))


def test_the_sections_are_read_from_their_owners_files(project, raw_params):
    (project.parent / "business.yaml").write_text(
        yaml.safe_dump({"business": {**raw_params["business"], "margin": 0.3}})
    )
    (project.parent / "serve.yaml").write_text(yaml.safe_dump({"serve": {"port": 9123}}))
    loaded = load_params(project)
    assert (loaded.business.margin, loaded.serve.port) == (0.3, 9123)
    assert loaded.gate.artifact == raw_params["gate"]["artifact"]


def test_the_project_keeps_each_section_in_its_owners_file(project_root):
    for name, (_, sections) in FILES.items():
        held = yaml.safe_load((project_root / name).read_text(encoding="utf-8"))
        assert set(held) == set(sections) & set(Params.model_fields), name


def test_a_section_in_the_wrong_file_names_the_file_and_its_owners_file(project, raw_params):
    policy = project.parent / "policy.yaml"
    held = yaml.safe_load(policy.read_text())
    policy.write_text(yaml.safe_dump({**held, "serve": {"port": 9000}}))
    message = refused(project)
    assert message.startswith(f"{policy}: 'serve' belongs in {project.parent / 'serve.yaml'}")


def test_a_section_in_two_files_is_refused(project, raw_params):
    # The business stakeholder's section copied into params.yaml: which one counts is unclear.
    held = yaml.safe_load(project.read_text())
    project.write_text(yaml.safe_dump({**held, "business": raw_params["business"]}))
    assert refused(project).startswith(f"{project}: 'business' belongs in ")


def test_an_unknown_section_is_refused_with_the_nearest_name(project):
    policy = project.parent / "policy.yaml"
    held = yaml.safe_load(policy.read_text())
    policy.write_text(yaml.safe_dump({**held, "retrian": {}}))
    message = refused(project)
    assert message.startswith(f"{policy}: unknown section 'retrian'; did you mean 'retrain'?")


@pytest.mark.parametrize("name", [n for n in FILES if n != paths.PARAMS], ids=str)
def test_a_missing_file_is_refused_naming_it(project, name):
    (project.parent / name).unlink()
    assert refused(project) == f"{project.parent / name}: {name.stem} file not found"


def test_a_bad_key_names_the_file_it_is_in(project, raw_params):
    gate = {**raw_params["gate"], "floors": {"roc_auc": "high"}}
    write_config(project, {**raw_params, "gate": gate})
    message = refused(project)
    assert message.startswith(f"{project.parent / 'policy.yaml'}: 'gate.floors.roc_auc' ")


def test_a_missing_section_names_its_owners_file(project, raw_params):
    write_config(project, {k: v for k, v in raw_params.items() if k != "business"})
    assert refused(project) == f"{project.parent / 'business.yaml'}: 'business' is missing"


def test_a_column_named_in_business_yaml_is_reported_there(
    project, raw_params, sample_contract, contract_file
):
    business = {**raw_params["business"], "amount_column": "Nope"}
    write_config(project, {**raw_params, "business": business})
    with pytest.raises(ConfigError) as caught:
        check_against_contract(load_params(project), sample_contract, project, contract_file)
    assert str(caught.value).startswith(
        f"{project.parent / 'business.yaml'}: 'business.amount_column' 'Nope' is not a column"
    )


def test_the_sample_copied_alone_is_refused_without_its_neighbours(tmp_path, params_file):
    shutil.copy2(params_file, tmp_path / "params.yaml")
    assert "policy file not found" in refused(tmp_path / "params.yaml")


def test_read_sections_merges_the_files(params_file, raw_params):
    assert read_sections(params_file) == raw_params
