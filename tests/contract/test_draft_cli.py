"""Protects `modelops contract draft` as a command: the target guessed from its name or asked
for, the draft printed on stdout or written to --output (the summary then on stdout), and
every mistake exit 2 with one `error:` line and nothing written.
"""

import pytest
import yaml

SUMMARY = "contract draft: 1000 rows of loans.csv keep it (1000 out, 0 quarantined)"


@pytest.fixture(scope="module")
def folder(tmp_path_factory, other_credit):
    """other_credit as a CSV extract (its class 1/2 read back as numbers), and without class."""
    folder = tmp_path_factory.mktemp("draft_cli")
    other_credit.to_csv(folder / "loans.csv", index=False)
    other_credit.rename(columns={"class": "risk"}).to_csv(folder / "risk.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def rowless(tmp_path_factory, other_credit):
    """Samples without a row: a CSV of its header alone, the same as Parquet, an empty folder."""
    folder = tmp_path_factory.mktemp("draft_rowless")
    other_credit.head(0).to_csv(folder / "header.csv", index=False)
    other_credit.head(0).to_parquet(folder / "header.parquet")
    (folder / "no_files").mkdir()
    return folder


@pytest.fixture(scope="module")
def printed(folder, draft_cli):
    run = draft_cli(folder, "--input", "loans.csv")
    assert run.returncode == 0, run.stderr
    return run


def test_without_output_the_draft_goes_to_stdout_and_nothing_is_written(printed, folder):
    assert yaml.safe_load(printed.stdout)["target"]["column"] == "class"  # guessed by name
    assert printed.stderr == SUMMARY + "\n"
    assert sorted(p.name for p in folder.iterdir()) == ["loans.csv", "risk.csv"]


# A sample without rows: the file is named and "no rows" said first, not a failed guess of
# its target (issue 22, class 10), whether the target is guessed or given.
ROWLESS = {
    "header_only_csv": ["--input", "header.csv"],
    "header_only_csv_target_given": ["--input", "header.csv", "--target", "class"],
    "header_only_parquet": ["--input", "header.parquet"],
    "empty_folder": ["--input", "no_files"],
}


@pytest.mark.parametrize("options", ROWLESS.values(), ids=ROWLESS)
def test_a_sample_without_rows_is_named_as_such(rowless, draft_cli, tmp_path, options):
    run = draft_cli(rowless, *options, "--output", str(tmp_path / "c.yaml"))
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.startswith(f"error: {options[1]}: has no rows"), run.stderr
    assert not (tmp_path / "c.yaml").exists()


def test_output_gets_the_same_draft_and_stdout_the_summary(printed, folder, draft_cli, tmp_path):
    run = draft_cli(folder, "--input", "loans.csv", "--output", str(tmp_path / "new/c.yaml"))
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"{SUMMARY} -> {tmp_path / 'new/c.yaml'}\n"
    assert (tmp_path / "new/c.yaml").read_text(encoding="utf-8") == printed.stdout


ERRORS = {
    "missing_file": (["--input", "nowhere.csv"], ["nowhere.csv", "not found"]),
    "target_not_guessable": (["--input", "risk.csv"],
                             ["risk.csv: cannot tell the target column", "--target"]),
    "target_with_three_values": (["--input", "loans.csv", "--target", "housing"],
                                 ["'housing' has 3 values", "one of two"]),
    "target_unknown": (["--input", "loans.csv", "--target", "Outcome"],
                       ["--target", "no column 'Outcome'"]),
    "margin_infinite": (["--input", "loans.csv", "--margin", "inf"],
                        ["--margin", "less than or equal to 10"]),
    "margin_huge": (["--input", "loans.csv", "--margin", "1e308"],
                    ["--margin", "less than or equal to 10"]),
    "margin_nan": (["--input", "loans.csv", "--margin", "nan"], ["--margin"]),
}  # fmt: skip


@pytest.mark.parametrize(("options", "words"), ERRORS.values(), ids=ERRORS)
def test_mistakes_exit_2_with_one_line(folder, draft_cli, tmp_path, options, words):
    run = draft_cli(folder, *options, "--output", str(tmp_path / "c.yaml"))
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1, run.stderr
    assert all(word in run.stderr for word in words), run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert not (tmp_path / "c.yaml").exists()
