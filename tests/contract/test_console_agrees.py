"""Protects the corpora's shortcut: the installed console script answers exactly as the entry
point the corpora call in process, for a passing file, a data failure, an unreadable file and
a contract that cannot be applied (exit 0, 1, 2 and 2).
"""

import pytest
from support.contract_corpus import put_at


@pytest.mark.parametrize(
    ("name", "build", "contract_edit", "code"),
    [
        ("passing", lambda sample, raw: raw, None, 0),
        ("data_failure", lambda sample, raw: put_at("Age", 150, list(range(0, 4454, 10)))(
            sample, raw), None, 1),
        ("unreadable", lambda sample, raw: b"", None, 2),
        ("contract_typo", lambda sample, raw: raw, ("min_rows:", "min_row:"), 2),
    ],
)  # fmt: skip
def test_console_and_entry_point_answer_alike(
    tmp_path, sample, sample_bytes, contract_file, validate_cli, validate_console,
    name, build, contract_edit, code,
):  # fmt: skip
    contract = None
    if contract_edit:
        contract = tmp_path / "contract.yaml"
        contract.write_text(contract_file.read_text().replace(*contract_edit), encoding="utf-8")
    answers = []
    for where, runner in (("in_process", validate_cli), ("console", validate_console)):
        folder = tmp_path / where / name
        folder.mkdir(parents=True)
        (folder / f"{name}.csv").write_bytes(build(sample, sample_bytes))
        run = runner(folder, f"{name}.csv", contract=contract)
        answers.append((run.returncode, run.stdout, run.stderr))
    assert answers[0][0] == code, answers[0][2]
    assert "Traceback" not in answers[0][2] + answers[1][2]
    assert answers[0] == answers[1]
