"""Protects `modelops validate --input FILE` alone: a data engineer's check that writes nothing.

Without --output, --quarantine and --report the command judges the file and prints its
verdict, and the folder it ran in holds nothing but the file afterwards, pass or fail.
"""

from support.contract_corpus import put_at


def test_a_good_extract_prints_the_summary_and_writes_nothing(
    tmp_path, sample_bytes, validate_console
):
    (tmp_path / "new_extract.csv").write_bytes(sample_bytes)
    run = validate_console(tmp_path, "new_extract.csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        "validate: 4454 rows in, 0 corrected, 0 duplicates dropped, 0 quarantined, 4454 out\n"
    )
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["new_extract.csv"]


def test_a_bad_extract_prints_the_rules_and_writes_nothing(
    tmp_path, sample, sample_bytes, validate_console
):
    broken = put_at("Age", 150, list(range(0, 4454, 10)))(sample, sample_bytes)
    (tmp_path / "new_extract.csv").write_bytes(broken)
    run = validate_console(tmp_path, "new_extract.csv")
    assert run.returncode == 1, run.stderr
    assert "dataset.quarantine_share: 0.100135 (limit <= 0.02), 446 rows" in run.stderr
    assert "Age.range: column 'Age', 446 rows quarantined, e.g. 150" in run.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["new_extract.csv"]
