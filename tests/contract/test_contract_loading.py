"""Protects loading the contract: anything malformed is a ConfigError naming the key (exit 2).

A contract that loads but cannot be applied would switch its rules off without a word, so a
mistake in it must stop the run before any data is judged.
"""

import pytest

from modelops.config.contract import load_contract
from modelops.errors import ConfigError


def _set(section, key, value, column=None):
    def change(raw):
        (raw[section][column] if column else raw[section])[key] = value

    return change


def _row_rule(rule):
    return lambda raw: raw["row_rules"][0].update(rule=rule)


MALFORMED = {
    "unknown_column_type": (_set("columns", "type", "int", "Age"), ["columns.Age.type"]),
    "target_not_a_column": (_set("target", "column", "Outcome"), ["target.column", "'Outcome'"]),
    "unreadable_row_rule": (_row_rule("Amount is below Price"),
                            ["row_rules[0].rule", "cannot read 'Amount is below Price'"]),
    "row_rule_on_unknown_column": (_row_rule("Amout <= Price"), ["amount_within_price", "'Amout'"]),
    "unknown_columns_neither_warn_nor_fail": (_set("dataset", "unknown_columns", "ignore"),
                                              ["dataset.unknown_columns", "'ignore'"]),
    "no_dataset_section": (lambda raw: raw.pop("dataset"), ["dataset"]),
}  # fmt: skip
CHECKED_VALUES = {
    "row_rule_right_side_unknown": pytest.param(
        _row_rule("Amount <= Prise"), ["amount_within_price", "'Prise'"]),
    "bound_not_a_number": pytest.param(
        _set("columns", "min", "eighteen", "Age"), ["columns.Age.min"]),
    "max_missing_not_a_number": pytest.param(
        _set("columns", "max_missing", "lots", "Income"), ["columns.Income.max_missing"]),
    "target_synonym_outside_allowed": pytest.param(
        _set("columns", "synonyms", {"defaulted": "default"}, "Status"),
        ["columns.Status", "synonyms map to 'default'"]),
}  # fmt: skip


@pytest.mark.parametrize(("change", "names"), [*MALFORMED.values(), *CHECKED_VALUES.values()],
                         ids=[*MALFORMED, *CHECKED_VALUES])  # fmt: skip
def test_malformed_contract_is_a_config_error_naming_the_key(write_contract, change, names):
    path = write_contract(change)
    with pytest.raises(ConfigError) as raised:
        load_contract(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert all(name in str(raised.value) for name in names), str(raised.value)


def test_missing_or_unparsable_contract_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="contract not found"):
        load_contract(tmp_path / "contract.yaml")
    (tmp_path / "broken.yaml").write_text("dataset: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_contract(tmp_path / "broken.yaml")


def test_cli_stops_on_a_malformed_contract_with_exit_2(write_contract, validate_cli, tmp_path):
    contract = write_contract(_set("columns", "type", "int", "Age"))
    (tmp_path / "in.csv").write_text("applicant_id\nA1\n", encoding="utf-8")
    run = validate_cli(tmp_path, "in.csv", "--report", "r.json", contract=contract)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1, run.stderr
    assert "columns.Age.type" in run.stderr
    assert not (tmp_path / "r.json").exists()
