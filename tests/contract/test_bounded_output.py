"""Protects the size of what `modelops validate` says: one huge cell cannot make the report
(tracked by git) or the error message huge. Examples are cut to 60 characters, 5 per rule.

The sample gets one cell of `size` characters in Home and 199 other unknown homes, so the run
fails on the quarantine share and quotes the huge cell first among its examples.
"""

import json

import pytest

EXAMPLES, CUT = 5, 60
MB = 1_000_000


@pytest.mark.parametrize(
    "size", [5 * MB, pytest.param(200 * MB, marks=pytest.mark.slow)], ids=["5MB", "200MB"]
)
def test_one_huge_cell_leaves_report_and_message_small(tmp_path, sample, validate_cli, size):
    frame = sample.copy()
    frame.loc[1:199, "Home"] = [f"castle {i}" for i in range(199)]
    frame.loc[0, "Home"] = "x" * size
    frame.to_csv(tmp_path / "huge.csv", index=False)
    del frame

    run = validate_cli(tmp_path, "huge.csv", "--report", "report.json")

    assert run.returncode == 1, run.stderr[:1000]
    assert len(run.stderr.encode()) < 10_000
    assert (tmp_path / "report.json").stat().st_size < 100_000
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    (home,) = [rule for rule in report["rules"] if rule["rule"] == "Home.allowed"]
    cut = "x" * CUT + f"...(+{size - CUT} chars)"
    assert home["rows"] == 200
    assert home["examples"] == [cut, "castle 0", "castle 1", "castle 2", "castle 3"]
    assert len(home["examples"]) == EXAMPLES
    assert f"Home.allowed: column 'Home', 200 rows quarantined, e.g. {cut!r}, 'castle 0'" in (
        run.stderr
    )
