"""Protects `modelops contract draft` on the suite's sample: the draft is a valid contract,
the sample keeps it (exit 0, nothing quarantined), and it finds what the hand-written
contract says about categories, the target and the id column.
"""

import pytest

from modelops.config.contract import load_contract


@pytest.fixture(scope="module")
def drafted(tmp_path_factory, draft_cli, sample_csv):
    folder = tmp_path_factory.mktemp("draft_sample")
    (folder / "credit.csv").write_bytes(sample_csv.read_bytes())
    run = draft_cli(folder, "--input", "credit.csv", "--output", "contract.yaml")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        "contract draft: 4454 rows of credit.csv keep it (4454 out, 0 quarantined) "
        "-> contract.yaml\n"
    )
    return folder


def test_the_sample_validates_against_its_draft(drafted, validate_cli):
    run = validate_cli(drafted, "credit.csv", contract=drafted / "contract.yaml")
    assert run.returncode == 0, run.stderr
    assert run.stdout.endswith(" 0 quarantined, 4454 out\n"), run.stdout


def test_the_draft_finds_what_the_hand_written_contract_says(drafted, sample_contract):
    draft = load_contract(drafted / "contract.yaml")
    assert draft.target == sample_contract.target.model_copy(
        update={"positive_share": draft.target.positive_share}
    )
    low, high = draft.target.positive_share
    assert low < 1254 / 4454 < high
    assert draft.dataset.id_column == sample_contract.dataset.id_column == "applicant_id"
    assert set(draft.columns) == set(sample_contract.columns)
    for name, rule in sample_contract.columns.items():
        drafted_rule = draft.columns[name]
        assert drafted_rule.numeric == rule.numeric, name
        if rule.allowed is not None:
            assert set(drafted_rule.allowed) == set(rule.allowed), name
