"""Protects how a tag's message states the gate's verdict and how the audit reads it back: the
part after "gate: ", and "not recorded" for a message without one (never a pass by omission)."""

from __future__ import annotations

import pytest

from modelops.registry.audit import NOT_RECORDED, verdict_in
from modelops.registry.policy import gate_line


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        ([], "gate: passed (against prod's v0.1.0)"),
        (["roc_auc >= floor", "brier <= ceiling"],
         "gate: failed (against prod's v0.1.0): roc_auc >= floor; brier <= ceiling"),
        (None, "gate: not run (against prod's v0.1.0)"),
    ],
    ids=["passed", "failed", "not_run"],
)  # fmt: skip
def test_the_verdict_written_is_the_verdict_read(failures, expected):
    line = gate_line(failures, "against prod's v0.1.0")
    assert line == expected
    assert verdict_in(f"Promotion of v0.2.0 to prod; {line}") == expected.removeprefix("gate: ")


@pytest.mark.parametrize(
    "message", [None, "", "Registering artifact credit-risk version v0.1.0", "gated: yes"]
)
def test_a_message_without_a_verdict_is_not_recorded(message):
    assert verdict_in(message) == NOT_RECORDED
