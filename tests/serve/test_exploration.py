"""Protects exploration (serve.exploration_rate): rate 0 never explores; at rate r the explored
share of the applications the model would reject, over stored predictions, is r within a
binomial bound (fixed ids, so the same every run); propensities are r for an explored approval,
1 - r for a kept rejection and 1 for a model approval; the draw is the documented function of
the id (an audit can recompute it); the golden check accepts an approval the model would reject
only when the service recorded it as explored; and a live service at rate 0.5 passes
serve-check, shows explored to support and counts explored approvals in /metrics."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from support.cli import console
from support.config import write_config

from modelops.config.layout import read_sections
from modelops.config.params import ServeParams
from modelops.serve.exploration import exploration_draw, take_decision
from modelops.serve.golden import golden_differences
from modelops.store import PredictionStore

IDS = [f"00000000-0000-7000-8000-{i:012d}" for i in range(4000)]


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.5])
def test_propensities_as_specified(rate):
    taken = [take_decision(i, "reject", rate) for i in IDS[:500]]
    for t in taken:
        assert (t.decision, t.propensity) == (
            ("approve", rate) if t.explored else ("reject", 1 - rate)
        )
    assert all(
        (t.decision, t.propensity, t.explored) == ("approve", 1.0, False)
        for t in (take_decision(i, "approve", rate) for i in IDS[:500])
    )
    assert any(t.explored for t in taken) == (rate > 0)


def test_the_draw_is_the_documented_function_of_the_id():
    for prediction_id in ("0190f3a2-7b1c-7d4e-8f00-123456789abc", "A", "é"):
        digest = hashlib.sha256(prediction_id.encode()).digest()
        assert exploration_draw(prediction_id) == int.from_bytes(digest[:8], "big") / 2**64
    assert all(0 <= exploration_draw(i) < 1 for i in IDS)


@pytest.fixture(scope="module")
def service_at(project, tmp_path_factory):
    """service_at(rate): the workspace model in a Service (not serving) with fixed ids and a
    SQLite store of its own; decide() scores and records as the live service does."""
    from modelops.config.params import load_params
    from modelops.serve.app import Service
    from modelops.serve.served import load_served

    served = load_served(None, project)
    params = load_params(project / "params.yaml")

    def make(rate: float):
        ids = iter(IDS)
        url = f"sqlite:///{tmp_path_factory.mktemp('exploration') / 'store.db'}"
        store = PredictionStore(url)
        store.create_schema()
        settings = ServeParams(exploration_rate=rate)
        return Service(lambda: served, store, settings, None, params, new_id=lambda: next(ids))

    return make


def stored_decisions(service, golden) -> list[tuple]:
    """Record every golden application 200 times (4,000 predictions); (decision, propensity,
    explored, model's decision) of each stored row."""
    from modelops.serve.app import Row, _values
    from modelops.serve.schema import application_model

    served = service.served
    schema = application_model(served.contract, served.features)
    rows = [
        Row(_values(schema.model_validate(g["application"]), served.features), g["application"])
        for g in golden
    ] * 200
    for start in range(0, len(rows), 500):
        service.decide(rows[start : start + 500])
    now = datetime.now(UTC)
    chunks = service.store.window(now - timedelta(hours=1), now + timedelta(hours=1), None, 5000)
    return [
        (decision, propensity, bool(explored), "reject" if p >= threshold else "approve")
        for chunk in chunks
        for _, _, _, p, decision, threshold, propensity, explored, _, _ in chunk
    ]


def test_rate_zero_never_explores(service_at, golden):
    stored = stored_decisions(service_at(0.0), golden)
    assert len(stored) == 4000 and not any(explored for _, _, explored, _ in stored)
    assert all(decision == model and propensity == 1.0 for decision, propensity, _, model
               in stored)  # fmt: skip


def test_the_explored_share_of_would_be_rejections_is_the_rate(service_at, golden):
    rate = 0.2
    stored = stored_decisions(service_at(rate), golden)
    would_reject = [s for s in stored if s[3] == "reject"]
    explored = sum(s[2] for s in would_reject)
    n = len(would_reject)
    assert n > 1000  # the golden set holds rejections (13 of 20 on the sample)
    # Four standard deviations of a binomial(n, rate): a correct draw passes with p > 0.9999;
    # the ids are fixed, so the result is the same every run.
    assert abs(explored - n * rate) <= 4 * math.sqrt(n * rate * (1 - rate)), (explored, n)
    for decision, propensity, was_explored, model in stored:
        if model == "approve":
            assert (decision, propensity, was_explored) == ("approve", 1.0, False)
        elif was_explored:
            assert (decision, propensity) == ("approve", rate)
        else:
            assert (decision, propensity) == ("reject", 1 - rate)


GOLDEN = [{"p_default": 0.7, "decision": "reject"}, {"p_default": 0.2, "decision": "approve"}]


def answers(*decisions: str) -> list[dict]:
    return [{"prediction_id": f"p{i}", "p_default": g["p_default"], "decision": d}
            for i, (g, d) in enumerate(zip(GOLDEN, decisions, strict=True))]  # fmt: skip


@pytest.mark.parametrize(
    ("decisions", "explored", "expected"),
    [
        (("reject", "approve"), set(), []),
        (("approve", "approve"), {"p0"}, []),  # approved by exploration: as it should
        (("approve", "approve"), set(), ["#0: decision approve != reject"]),
        (("reject", "reject"), {"p1"}, ["#1: decision reject != approve"]),  # never explored
    ],
)
def test_the_golden_check_accepts_only_recorded_explorations(decisions, explored, expected):
    assert golden_differences(answers(*decisions), GOLDEN, 0.0, explored.__contains__) == expected


def test_a_live_service_exploring_half_passes_serve_check(launch, project, golden, tmp_path):
    params = read_sections(project / "params.yaml")
    params.setdefault("serve", {})["exploration_rate"] = 0.5
    write_config(tmp_path / "params.yaml", params)
    store = tmp_path / "store.db"
    server = launch(project, f"sqlite:///{store}", params=tmp_path / "params.yaml")
    try:
        check = console(project, "serve-check", "--url", server.url, "--timeout", "60")
        assert check.returncode == 0, check.stderr
        body = {"applications": [g["application"] for g in golden] * 5}
        with httpx.Client(base_url=server.url, timeout=60) as client:
            sent = client.post("/v1/predict", json=body).json()["predictions"]
            cases = [client.get(f"/v1/predictions/{a['prediction_id']}").json() for a in sent]
            metrics = client.get("/metrics").text
    finally:
        server.stop()
    explored = [c for c in cases if c["explored"]]
    # 65 would-be rejections at rate 0.5: none explored has probability 2**-65.
    assert explored
    for answer, case in zip(sent, cases, strict=True):
        assert answer["decision"] == case["decision"]  # the client sees the binding decision
        assert answer["reasons"] == case["reasons"]  # support sees what the applicant was told
        if case["explored"]:
            assert (case["decision"], case["propensity"]) == ("approve", 0.5)
            assert case["p_default"] >= case["threshold"]
            assert case["reasons"] == []  # an approval, if by exploration, has no reasons
    recorded = PredictionStore(f"sqlite:///{store}")
    now = datetime.now(UTC)
    rows = [r for c in recorded.window(now - timedelta(hours=1), now, None, 1000) for r in c]
    recorded.dispose()
    counted = next(line for line in metrics.splitlines()
                   if line.startswith("modelops_explored_approvals_total"))  # fmt: skip
    assert float(counted.split()[-1]) == sum(bool(r[7]) for r in rows) >= len(explored)
