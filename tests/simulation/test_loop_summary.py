"""Protects what both loop simulations print last (benchmarks/loop_summary.py): the gain
after the change as the mean over seeds of policy minus never from the change on, the worst
seed's, the bound's, and the alarms counted before the change only; a run that ends before
the change prints no figure for after it (no mean of nothing)."""

from __future__ import annotations

from loop_summary import SeedResult, report_lines

CHANGE = 3


def seed(number: int, never: list[float], policy: list[float], bound: list[float], alarms):
    values = {"never": never, "policy": policy, "bound": bound}
    return SeedResult(number, values, alarms=alarms, tried=1, adopted=1)


RESULTS = [
    # periods 3-4: policy - never = +1.0; bound - never +4.0 (over both seeds: +0.0, +3.0)
    seed(7, [5, 5, 2, 2], [5, 5, 3, 3], [6, 6, 6, 6], {1: ["drift"], 3: ["live"]}),
    # periods 3-4: policy - never = -1.0; bound - never +2.0
    seed(11, [5, 5, 4, 4], [5, 5, 3, 3], [5, 5, 6, 6], {2: [], 4: ["live"]}),
]


def test_the_final_line_counts_only_the_periods_from_the_change_on():
    last = report_lines(RESULTS, CHANGE, 4)[-1]
    assert last == (
        "policy vs never: +0.00 per application after the change (worst seed -1.00); "
        "bound +3.00; alarms before the change: 1 of 4"
    )


def test_the_per_seed_table_states_each_seeds_gain():
    lines = report_lines(RESULTS, CHANGE, 4)
    assert "| 7 | 2.00 | 3.00 | 6.00 | +1.00 | +4.00 | 1 / 1 | 1 of 2 |" in lines
    assert "| 11 | 4.00 | 3.00 | 6.00 | -1.00 | +2.00 | 1 / 1 | 0 of 2 |" in lines


def test_a_run_that_ends_before_the_change_says_it_measured_nothing_after_it():
    lines = report_lines(RESULTS, CHANGE, 2)
    assert lines == [
        "policy vs never: not measured: the run ends at period 2, before the change in "
        "period 3; alarms before the change: 1 of 4"
    ]
    assert "nan" not in lines[0]
