"""Protects that `modelops score` answers as the running service does: the same p_default to
the last bit for the same rows scored together, the same decisions, version and rejection
reasons, and the same rules for a row the service refuses."""

from __future__ import annotations

import pandas as pd
from serve.live import MODELOPS
from support.repos import run


def test_a_file_is_scored_as_the_service_answers_the_same_rows(project, client, golden, tmp_path):
    applications = [
        {**g["application"], "applicant_id": f"G{i:03d}"} for i, g in enumerate(golden[:10])
    ]
    answer = client.post("/v1/predict", json={"applications": applications})
    assert answer.status_code == 200, answer.text
    served = answer.json()["predictions"]
    broken = {**applications[0], "applicant_id": "BROKEN", "Age": 150, "Home": "castle"}
    refused = client.post("/v1/predict", json=broken)
    assert refused.status_code == 422
    path = tmp_path / "applications.parquet"
    pd.DataFrame([*applications, broken]).to_parquet(path, index=False)
    output, rejects = tmp_path / "scored.parquet", tmp_path / "rejects.csv"
    # One batch holding the ten rows, as the service's one request did: BLAS may round a
    # row's last bit differently in a batch of another size.
    run(MODELOPS, "score", "--input", str(path), "--output", str(output),
        "--rejects", str(rejects), "--batch-rows", "11", "--reasons", cwd=project)  # fmt: skip
    scored = pd.read_parquet(output)
    assert list(scored["applicant_id"]) == [a["applicant_id"] for a in applications]
    assert list(scored["p_default"]) == [s["p_default"] for s in served]
    assert list(scored["decision"]) == [s["decision"] for s in served]
    assert set(scored["model_version"]) == {s["model_version"] for s in served}
    # --reasons: each rejection's reasons are the ones the service told the applicant
    assert any(s["decision"] == "reject" for s in served)
    assert [[dict(r) for r in why] for why in scored["reasons"]] == [s["reasons"] for s in served]
    found = pd.read_csv(rejects)
    assert set(found["id"]) == {"BROKEN"}
    assert list(zip(found["field"], found["rule"], strict=True)) == [
        (p["field"], p["rule"]) for p in refused.json()["detail"]
    ]
