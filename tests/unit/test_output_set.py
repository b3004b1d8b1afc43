"""Protects files.output_set: a command's outputs replace their targets all together or not at
all, a folder output is replaced whole, and no temporary is left behind."""

import pytest

from modelops.files import output_set


@pytest.fixture
def previous(tmp_path, snapshot):
    """A last good set: two files and a folder of two files."""
    (tmp_path / "metrics.json").write_text("old metrics")
    (tmp_path / "segments.json").write_text("old segments")
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "roc.json").write_text("old roc")
    (tmp_path / "live" / "stale.png").write_text("old image")
    return snapshot(tmp_path)


def stage_new_set(outputs, folder) -> None:
    outputs.stage(folder / "metrics.json").write_text("new metrics")
    outputs.stage(folder / "segments.json").write_text("new segments")
    live = outputs.stage(folder / "live")
    live.mkdir()
    (live / "roc.json").write_text("new roc")


def test_all_outputs_are_replaced_together(tmp_path, previous, snapshot):
    with output_set() as outputs:
        stage_new_set(outputs, tmp_path)
        now = snapshot(tmp_path)  # nothing replaced before the set is complete:
        assert {name: now[name] for name in previous} == previous
    assert snapshot(tmp_path) == {
        "metrics.json": b"new metrics",
        "segments.json": b"new segments",
        "live/roc.json": b"new roc",  # the folder replaced whole: its stale image is gone
    }


def test_an_exception_in_the_block_replaces_none(tmp_path, previous, snapshot):
    with pytest.raises(RuntimeError, match="plots failed"), output_set() as outputs:
        stage_new_set(outputs, tmp_path)
        raise RuntimeError("plots failed")
    assert snapshot(tmp_path) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live", "metrics.json", "segments.json"]


def test_a_failure_while_replacing_puts_the_earlier_outputs_back(tmp_path, previous, snapshot):
    # The second output is staged but never written: moving it into place fails after the
    # first output was already replaced.
    with pytest.raises(FileNotFoundError), output_set() as outputs:
        outputs.stage(tmp_path / "metrics.json").write_text("new metrics")
        outputs.stage(tmp_path / "segments.json")
    assert snapshot(tmp_path) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live", "metrics.json", "segments.json"]


def test_new_targets_are_created_with_their_folders(tmp_path, snapshot):
    with output_set() as outputs:
        outputs.stage(tmp_path / "data" / "train.parquet").write_bytes(b"train")
        outputs.stage(tmp_path / "other" / "test.parquet").write_bytes(b"test")
    assert snapshot(tmp_path) == {"data/train.parquet": b"train", "other/test.parquet": b"test"}


def test_new_targets_are_not_created_when_the_set_fails(tmp_path):
    with pytest.raises(ValueError), output_set() as outputs:
        outputs.stage(tmp_path / "train.parquet").write_bytes(b"train")
        raise ValueError("test set failed")
    assert list(tmp_path.iterdir()) == []
