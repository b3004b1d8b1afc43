"""Protects README's figures from going stale: the summary `make run` prints, as README shows
it, is the one the committed reports give (reports/metrics.json, in git), and any count of
features README states is params.yaml's. A fork's README is checked against its own reports."""

import json
import re

from modelops.config import paths
from modelops.config.params import load_params
from modelops.model.summary import format_summary

SHOWN = "`make run` ends with a summary like this one (the committed model):\n\n```\n"


def readme(project_root) -> str:
    return (project_root / "README.md").read_text(encoding="utf-8")


def test_the_summary_readme_shows_is_the_committed_models(project_root):
    text = readme(project_root)
    assert SHOWN in text, "README no longer shows the summary where this test looks"
    shown = text.split(SHOWN, 1)[1].split("\n```", 1)[0]
    metrics = json.loads((project_root / paths.METRICS).read_text(encoding="utf-8"))
    assert shown == format_summary(metrics, paths.REPORTS), "update README's summary block"


def test_every_feature_count_readme_states_is_params(project_root):
    features = len(load_params(project_root / paths.PARAMS).data.features)
    stated = {int(n) for n in re.findall(r"\b(\d+) features\b", readme(project_root))}
    assert stated <= {features}, f"README states {sorted(stated)} features; params has {features}"
