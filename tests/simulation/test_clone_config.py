"""Protects how the simulation changes its clone's config (benchmarks/clone_config.py): each
--set key goes into the file that owns its section, the files it does not touch keep their
text (comments and all), and a key or value the loader refuses is refused before a run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clone_config import parse_setting, set_keys
from support.repos import CONFIG_FILES, SAMPLE_DIR

from modelops.config.layout import config_paths


@pytest.fixture
def params_file(tmp_path) -> Path:
    """The sample's config files, copied (params.yaml and the files beside it)."""
    for name in CONFIG_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SAMPLE_DIR / name, tmp_path / name)
    return tmp_path / "params.yaml"


def texts(params_file: Path) -> dict[Path, str]:
    return {
        name: path.read_text(encoding="utf-8") for name, path in config_paths(params_file).items()
    }


def test_keys_of_any_file_are_set_in_their_owners_file_only(params_file):
    before = texts(params_file)
    config = set_keys(
        params_file,
        {"serve.exploration.rate": 0.05, "serve.exploration.max_per_day": 50,
         "retrain.min_labelled_rows": 30, "feedback.min_outcome_age_days": 0},
    )  # fmt: skip
    assert (config.serve.exploration.rate, config.serve.exploration.max_per_day) == (0.05, 50)
    assert config.retrain.min_labelled_rows == 30
    assert config.feedback.min_outcome_age_days == 0
    after = texts(params_file)
    changed = {name.as_posix() for name in before if before[name] != after[name]}
    assert changed == {"serve.yaml", "policy.yaml", "data/sources.yaml"}


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"serve.exploration.raet": 0.1}, "did you mean 'rate'"),
        ({"serve.exploration.rate": 0.9}, "serve.exploration.rate"),
        ({"serve.exploration_rate": 0.1}, "the section serve.exploration"),
        ({"servee.port": 1}, "no config section 'servee'"),
        ({"serve": 1}, "name a key inside the section"),
        ({"data.features.Age": 1}, "data.features is"),
    ],
)
def test_a_key_or_value_the_config_refuses_stops_with_one_line_and_changes_nothing(
    params_file, changes, named
):
    before = texts(params_file)
    with pytest.raises(SystemExit) as refused:
        set_keys(params_file, changes)
    message = str(refused.value)
    assert message.startswith("error: --set ") and "\n" not in message
    assert named in message
    assert texts(params_file) == before


def test_a_setting_is_key_equals_yaml_value():
    assert parse_setting("train.feedback_weighting=inverse_propensity") == (
        "train.feedback_weighting",
        "inverse_propensity",
    )
    assert parse_setting("retrain.max_model_age_days=null") == ("retrain.max_model_age_days", None)
    with pytest.raises(SystemExit, match="write KEY=VALUE"):
        parse_setting("serve.exploration.rate")
