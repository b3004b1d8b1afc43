"""Broken copies of the suite's sample (tests/fixtures/sample) for the data-contract tests.

Each variant breaks one thing in the sample's own rows or bytes; the rest is the real data,
so what the contract reports is that one thing's doing. Each BadContract edits the sample's
contract the way a careless hand would, and says what its one error line must name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from support.cli import one_error_line

Build = Callable[[pd.DataFrame, bytes], bytes]
ROWS = 200  # 4.5 % of the 4,454 rows: over the contract's 2 % quarantine share


@dataclass(frozen=True)
class Variant:
    """A broken input and what `modelops validate` must answer to it."""

    name: str
    build: Build
    exit_code: int
    failed: tuple[str, ...] = ()  # the report's failed_rules, exactly
    quarantined: dict[str, int] = field(default_factory=dict)  # rule -> rows, each exact
    stderr: tuple[str, ...] = ()  # lines or fragments stderr must contain
    report: dict[str, int] = field(default_factory=dict)  # "key" or "corrections.key" -> value
    reasons: dict[str, str] = field(default_factory=dict)  # applicant_id -> quarantine_reason

    def __str__(self) -> str:
        return self.name

    def check_report(self, report: dict) -> None:
        """The report's verdict and failed rules, and each count the variant lists, exactly."""
        assert report["passed"] is (self.exit_code == 0)
        assert report["failed_rules"] == list(self.failed)
        by_rule = report["quarantined_by_rule"]
        assert {rule: by_rule.get(rule) for rule in self.quarantined} == self.quarantined
        assert {key: _value(report, key) for key in self.report} == self.report

    def check_quarantine(self, quarantine: pd.DataFrame, report: dict) -> None:
        """Every quarantined row is there with all the rules it broke, sorted, '; '-joined."""
        assert len(quarantine) == report["rows_quarantined"]
        # (A run stopped by a missing column quarantines nothing and has no reason column.)
        column = quarantine.get("quarantine_reason", pd.Series([], dtype=str))
        reasons = [str(reason).split("; ") for reason in column]
        assert all(rules == sorted(set(rules)) for rules in reasons)
        assert Counter(r for rules in reasons for r in rules) == report["quarantined_by_rule"]
        if self.reasons:
            assert dict(zip(quarantine["applicant_id"], column, strict=True)) == self.reasons
        if "schema.required_column" not in report["failed_rules"]:
            kept = report["rows_in"] - report["exact_duplicates_dropped"]
            assert report["rows_quarantined"] == kept - report["rows_out"]


def _value(report: dict, key: str):
    for part in key.split("."):
        report = report[part]
    return report


def edited(change: Callable[[pd.DataFrame], object]) -> Build:
    """The sample with change applied to a copy of it, written as CSV."""

    def build(sample: pd.DataFrame, raw: bytes) -> bytes:
        frame = sample.copy()
        change(frame)
        return frame.to_csv(index=False).encode("utf-8")

    return build


def put(column: str, values: list, rows: int = ROWS) -> Build:
    """The sample with values (cycled) written into the first `rows` rows of column."""

    def change(frame: pd.DataFrame) -> None:
        frame[column] = frame[column].astype(object)
        frame.loc[: rows - 1, column] = [values[i % len(values)] for i in range(rows)]

    return edited(change)


def put_at(column: str, value, positions: list[int]) -> Build:
    """The sample with one value written into column at the given row positions."""

    def change(frame: pd.DataFrame) -> None:
        frame[column] = frame[column].astype(object)
        frame.loc[positions, column] = value

    return edited(change)


def sentinel(columns: list[str], rows: int) -> Build:
    """99999999 in the first `rows` rows where each column has a value (the old missing code)."""

    def change(frame: pd.DataFrame) -> None:
        for column in columns:
            frame.loc[frame.index[frame[column].notna()][:rows], column] = 99999999

    return edited(change)


def torn(keep: int) -> Build:
    """The header and `keep` rows, then the next row cut inside its Job value ('fre')."""

    def build(sample: pd.DataFrame, raw: bytes) -> bytes:
        lines = raw.splitlines(keepends=True)
        fields = lines[keep + 1].split(b",")
        return b"".join(lines[: keep + 1]) + b",".join(fields[:8]) + b"," + fields[8][:3]

    return build


@dataclass(frozen=True)
class BadContract:
    """A contract that cannot be applied as written, and the words its one error line holds."""

    name: str
    edit: Callable[[str], str]  # the sample contract's text -> the broken text
    words: tuple[str, ...]  # the key path and the value, at least

    def __str__(self) -> str:
        return self.name


def replaced(old: str, new: str) -> Callable[[str], str]:
    """The contract text with old, which must be there exactly once, written as new."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} is not in the sample contract exactly once"
        return text.replace(old, new)

    return edit


def refused_in_one_line(run, words) -> None:
    """A bad contract's answer: exit 2, nothing on stdout, one error line naming the contract
    file and every word, no traceback."""
    assert run.stdout == ""
    line = one_error_line(run, *words)
    assert line.startswith(f"error: {run.folder / 'contract.yaml'}: "), line


def nothing_lost(run, last_good) -> None:
    """The last good outputs stay as they were and no report is written."""
    assert run.kept() == last_good
    assert not (run.folder / "report.json").exists()
