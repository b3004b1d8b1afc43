"""Protects the one JSON-writing helper every report goes through: whatever the data hold,
what it writes is JSON any reader takes (NaN and infinities as null, never NaN/Infinity), and
finite values are written exactly as before."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from modelops.files import json_text, write_json


def strict(text: str):
    def refuse(constant: str):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


CASES = {
    "nan": (math.nan, None),
    "inf": (math.inf, None),
    "minus_inf": (-math.inf, None),
    "numpy_inf": (np.float64("inf"), None),
    "in_a_list": ([1.5, math.inf, 2], [1.5, None, 2]),
    "in_a_tuple": ((math.nan, 1), [None, 1]),
    "deep_in_a_report": ({"rules": [{"examples": [-math.inf], "value": 0.25}]},
                         {"rules": [{"examples": [None], "value": 0.25}]}),
    "finite_kept": ({"a": 1e308, "b": -0.0, "c": 5e-324}, {"a": 1e308, "b": -0.0, "c": 5e-324}),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_json_text_is_json_whatever_the_numbers(case):
    value, expected = case
    assert strict(json_text(value)) == expected


def test_write_json_writes_the_file_with_null(tmp_path):
    write_json({"income": math.inf}, tmp_path / "report.json")
    assert strict((tmp_path / "report.json").read_text(encoding="utf-8")) == {"income": None}
