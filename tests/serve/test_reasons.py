"""Protects the reasons /v1/predict gives a rejection, through a real service: an applicant made
risky through one feature alone, starting from a safe one (the reference applicant, approved),
gets that feature as its first reason in compliance's words; approvals carry none; a
rejection at most four; the same application gets the same reasons alone or in a batch; the
store keeps what the applicant was told (GET /v1/predictions/{id}); and a service that cannot
explain its rejections does not start (exit 2): a feature without a text, a bundle whose
reference has no reference applicant.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from support.cli import console
from support.config import write_config

from modelops.config.layout import read_sections

RISKY = (("Records", "yes"), ("Job", "partime"), ("Amount", 5000))


@pytest.fixture(scope="module")
def reference_applicant(project) -> dict:
    return json.loads((project / "reports" / "reference.json").read_text())["applicant"]


@pytest.fixture(scope="module")
def texts(project) -> dict:
    return yaml.safe_load((project / "policy.yaml").read_text())["reasons"]


def test_one_feature_made_risky_is_the_first_reason(client, reference_applicant, texts):
    safe = client.post("/v1/predict", json=reference_applicant).json()
    assert (safe["decision"], safe["reasons"]) == ("approve", [])
    for feature, value in RISKY:
        answer = client.post("/v1/predict", json={**reference_applicant, feature: value}).json()
        assert answer["decision"] == "reject", (feature, answer)
        assert answer["reasons"] == [{"feature": feature, "reason": texts[feature]}]


def test_from_a_safe_application_the_feature_made_risky_comes_first(client, golden, texts):
    """Not from the reference: the other features differ too, the one made risky leads."""
    safe = [g["application"] for g in golden if g["p_default"] < 0.05]
    assert safe
    for application in safe:
        answer = client.post("/v1/predict", json={**application, "Amount": 5000}).json()
        assert answer["decision"] == "reject"
        assert answer["reasons"][0] == {"feature": "Amount", "reason": texts["Amount"]}


def test_rejections_carry_up_to_four_reasons_approvals_none(client, golden, texts):
    applications = [g["application"] for g in golden]
    answers = client.post("/v1/predict", json={"applications": applications}).json()
    answers = answers["predictions"]
    assert {a["decision"] for a in answers} == {"approve", "reject"}
    for answer in answers:
        if answer["decision"] == "approve":
            assert answer["reasons"] == []
        else:
            assert 1 <= len(answer["reasons"]) <= 4
            features = [r["feature"] for r in answer["reasons"]]
            assert len(set(features)) == len(features)
            assert all(r["reason"] == texts[r["feature"]] for r in answer["reasons"])
    # Deterministic, and a row's reasons do not depend on the rows batched with it.
    alone = [client.post("/v1/predict", json=a).json()["reasons"] for a in applications]
    assert alone == [a["reasons"] for a in answers]


def test_support_sees_what_the_applicant_was_told(client, reference_applicant):
    answer = client.post("/v1/predict", json={**reference_applicant, "Records": "yes"}).json()
    case = client.get(f"/v1/predictions/{answer['prediction_id']}").json()
    assert case["reasons"] == answer["reasons"] != []
    approved = client.post("/v1/predict", json=reference_applicant).json()
    assert client.get(f"/v1/predictions/{approved['prediction_id']}").json()["reasons"] == []


def test_a_feature_without_a_text_does_not_serve(project, tmp_path):
    params = read_sections(project / "params.yaml")
    del params["reasons"]["Records"]
    write_config(tmp_path / "params.yaml", params)
    started = console(project, "serve", "--params", str(tmp_path / "params.yaml"),
                      "--store", f"sqlite:///{tmp_path / 'store.db'}")  # fmt: skip
    assert started.returncode == 2, started.stderr
    assert "'reasons.Records' is missing" in started.stderr
    assert "Traceback" not in started.stderr


def test_a_bundle_without_a_reference_applicant_does_not_serve(project, bundle_folder, tmp_path):
    folder = shutil.copytree(bundle_folder("v0.1.0"), tmp_path / "credit-risk-v0.1.0")
    reference = json.loads((folder / "reference.json").read_text())
    del reference["applicant"]  # as released before reasons
    (folder / "reference.json").write_text(json.dumps(reference))
    started = console(project, "serve", "--bundle", str(folder),
                      "--store", f"sqlite:///{tmp_path / 'store.db'}")  # fmt: skip
    assert started.returncode == 2, started.stderr
    assert "no reference applicant" in started.stderr
    assert "Traceback" not in started.stderr


def test_a_protected_attribute_is_stored_for_fairness_not_scored(client, reference_applicant):
    """Marital is not a feature: the service accepts it (checked by the contract), stores it
    with the application for fairness and feedback, and the model never sees it."""
    assert "Marital" not in reference_applicant
    plain = client.post("/v1/predict", json=reference_applicant).json()
    told = client.post("/v1/predict", json={**reference_applicant, "Marital": "single"}).json()
    assert told["p_default"] == plain["p_default"]
    case = client.get(f"/v1/predictions/{told['prediction_id']}").json()
    assert case["application"]["Marital"] == "single"
    refused = client.post("/v1/predict", json={**reference_applicant, "Marital": "castle"})
    assert refused.status_code == 422
    assert "Marital" in refused.text
