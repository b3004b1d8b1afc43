"""Protects `modelops validate` on files it cannot read: exit 2, one line, nothing replaced.

An empty file, a line with one field too many and a value in Latin-1 are input errors, not
contract failures: the command stops with exit 2 and one `error:` line naming `file.format`
or `file.encoding` and where, and the last good validated table and quarantine stay.
"""

import pytest
from support.contract_corpus import Variant


def extra_field(sample, raw: bytes) -> bytes:
    """Ten rows (file lines 101-110) with one field more than the header."""
    lines = raw.splitlines(keepends=True)
    for i in range(100, 110):
        lines[i] = lines[i].rstrip(b"\n") + b",x\n"
    return b"".join(lines)


def latin1(sample, raw: bytes) -> bytes:
    """The sample with row A00010's Home 'privé', all written in Latin-1 (its 'é' is 0xe9)."""
    frame = sample.copy()
    frame.loc[9, "Home"] = "privé"
    return frame.to_csv(index=False).encode("latin-1")


VARIANTS = [
    Variant("empty_file", lambda sample, raw: b"", 2,
            stderr=("source 'empty_file': file.format:", "empty_file.csv is empty")),
    Variant("extra_field", extra_field, 2,
            stderr=("source 'extra_field': file.format:",
                    "Expected 15 fields in line 101, saw 16")),
    Variant("latin1", latin1, 2,
            stderr=("source 'latin1': file.encoding:", "latin1.csv is not UTF-8 (byte 0xe9")),
]  # fmt: skip
CASES = pytest.mark.parametrize("variant", VARIANTS, ids=str)


@pytest.fixture(scope="module")
def runs(run_corpus):
    return run_corpus(VARIANTS)


@CASES
def test_exit_2_leaves_last_good_outputs(runs, variant, last_good):
    run = runs[variant.name]
    assert run.returncode == 2, run.stderr
    assert run.kept() == last_good


@CASES
def test_one_error_line_names_the_rule_and_the_file(runs, variant):
    lines = runs[variant.name].stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: "), lines
    assert all(fragment in lines[0] for fragment in variant.stderr), lines[0]
