"""Protects which reference a workspace-served model's traffic is judged against: the
workspace's, when its model is the one that served: the same bytes, or, when the traffic was
served on another machine from the model HEAD's dvc.lock records, this machine's rebuild of it
proven the same by its answers; another model is refused, naming the version."""

from __future__ import annotations

import pytest
import yaml
from support.other_machine import rebuild_elsewhere
from support.repos import clone_folder

from modelops.config.params import Equivalence
from modelops.errors import InputError
from modelops.monitor.sources import reference_for
from modelops.registry.tags import workspace_version

MODEL = "models/model.skops"


@pytest.fixture
def repo(built_sample, tmp_path):
    return clone_folder(built_sample, tmp_path / "repo")


def recorded_version(repo) -> str:
    stages = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]
    return workspace_version(next(o["md5"] for o in stages["train"]["outs"] if o["path"] == MODEL))


def test_the_same_bytes_give_the_workspace_reference(repo):
    found = reference_for(recorded_version(repo), repo, "credit-risk", None, Equivalence())
    assert found.source == "reports/reference.json"


def test_a_rebuild_with_other_last_bits_is_the_model_that_served(repo):
    served = recorded_version(repo)
    rebuild_elsewhere(repo / MODEL, ulps=3)
    assert workspace_version_of(repo) != served
    found = reference_for(served, repo, "credit-risk", None, Equivalence())
    assert found.source == "reports/reference.json"


def test_another_model_is_refused_naming_the_version(repo):
    served = recorded_version(repo)
    rebuild_elsewhere(repo / MODEL, relative=1e-6)
    with pytest.raises(InputError, match=f"no reference for {served}: the workspace model"):
        reference_for(served, repo, "credit-risk", None, Equivalence())


def workspace_version_of(repo) -> str:
    from modelops.retrieve import file_md5

    return workspace_version(file_md5(repo / MODEL))
