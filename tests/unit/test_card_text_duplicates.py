"""Protects the model card's written part (docs/model_card.yaml) against a section written
twice: YAML keeps the last, so a second, emptier `out_of_scope_uses:` would replace the
product manager's list unseen. `modelops card` is exit 2 with one line naming the file, the
key path and both lines, and writes no card.
"""

import pytest
import yaml

GOOD = {
    "intended_use": "Rank consumer loan applications by default risk.",
    "intended_users": ["loan officers"],
    "out_of_scope_uses": ["mortgages"],
    "owners": [{"role": "product", "name": "Credit Products", "contact": "a@example.com"}],
    "known_limitations": ["one lender, one period"],
}
TEXT = yaml.safe_dump(GOOD, sort_keys=False)

# (name, the file's text, the key path and lines the line names)
CASES = [
    ("section_twice", TEXT + "out_of_scope_uses: [nothing]\n",
     "duplicate key 'out_of_scope_uses' at lines 4 and 12"),
    ("owner_contact_twice", TEXT.replace("  contact: a@example.com\n",
                                         "  contact: a@example.com\n  contact: ''\n"),
     "duplicate key 'owners[0].contact' at lines 9 and 10"),
    ("use_twice_in_one_line", "{intended_use: a, intended_use: b}\n",
     "duplicate key 'intended_use' twice at line 1"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_key_written_twice_is_exit_2_naming_it(
    tmp_path, cli, cli_params, contract_file, one_line_error, name, text, words
):
    cli_params(tmp_path)
    (tmp_path / "model_card.yaml").write_text(text, encoding="utf-8")
    done = cli(tmp_path, "card", "--text", "model_card.yaml", "--output", "card.md",
               "--params", "params.yaml", "--contract", contract_file)  # fmt: skip
    one_line_error(done, f"error: model_card.yaml: {words}")
    assert not (tmp_path / "card.md").exists()
