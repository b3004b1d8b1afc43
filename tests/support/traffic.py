"""Traffic for a real `modelops serve`: the built project's held-out applications as a
client sends them (changed as a test likes), answered, then their outcomes sent back."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pandas as pd

BATCH = 50  # applications a request


def applications(project, requests: int, change=None) -> tuple[list[dict], list[str]]:
    """requests x BATCH held-out applications (drawn with replacement, seeded) as a client
    sends them, and their outcomes; change(rows) may alter both first."""
    from modelops.config.params import load_params

    test = pd.read_parquet(project / "data/processed/test.parquet")
    params = load_params(project / "params.yaml")
    # The protected attributes the model does not read are sent too: the service stores them so
    # fairness can be measured on the outcomes (and the contract wants them in feedback rows).
    features = [*params.data.features, *(a for a in params.fairness.attributes
                                         if a not in params.data.features)]  # fmt: skip
    rows = test.sample(requests * BATCH, replace=True, random_state=0).reset_index(drop=True)
    if change is not None:
        rows = change(rows)
    sent = [
        {k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in r.items()}
        for r in rows[features].to_dict("records")
    ]
    return sent, rows["Status"].tolist()


def serve_traffic(
    server, sent: list[dict], outcomes: list[str], refused: int = 0, outcome_every: int = 1
) -> list[str]:
    """Send the applications in batches, `refused` invalid ones (Age 5), then the outcome of
    every `outcome_every`-th answered application, observed now; the prediction ids."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        ids = []
        for start in range(0, len(sent), BATCH):
            answer = client.post("/v1/predict", json={"applications": sent[start : start + BATCH]})
            assert answer.status_code == 200, answer.text
            ids += [p["prediction_id"] for p in answer.json()["predictions"]]
        for _ in range(refused):
            answer = client.post("/v1/predict", json={**sent[0], "Age": 5})
            assert answer.status_code == 422
        now = datetime.now(UTC).isoformat()
        for prediction_id, outcome in list(zip(ids, outcomes, strict=True))[::outcome_every]:
            done = client.post(
                "/v1/outcomes",
                json={"prediction_id": prediction_id, "outcome": outcome, "observed_at": now},
            )
            assert done.status_code == 201, done.text
    return ids
