"""Protects exploration (serve.exploration): off (rate 0) nothing is explored; on, only
rejections in the targeted region (p_default below threshold + band, the listed segments) are
explored, never more per UTC day than the caps (approvals, expected loss; shared out among
workers, and counted from the store after a restart), and every decision's propensity is the
probability it was drawn with: the service's stored decisions equal the documented rule
replayed from the ids, and the explored share of the eligible rejections is the rate within a
binomial bound (fixed ids, so the same every run). The draw is the documented function of the
id; the export carries the propensities; the golden check accepts an approval the model would
reject only when recorded as explored; a live service exploring passes serve-check within its
cap; bad settings are exit 2 with one line."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import subprocess
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from support.cli import MODELOPS, console, in_process
from support.config import write_config

from modelops.config.layout import read_sections
from modelops.config.params import ExplorationParams, ServeParams
from modelops.serve.exploration import (
    DailyBudget,
    Taken,
    expected_loss,
    exploration_draw,
    in_segments,
    take_decision,
)
from modelops.serve.golden import golden_differences
from modelops.store import PredictionStore

IDS = [f"00000000-0000-7000-8000-{i:012d}" for i in range(8000)]
UNCAPPED = 10**6  # a cap no test reaches: the rule without its budget


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.5])
def test_propensities_as_specified(rate):
    """An eligible rejection: rate if explored, 1 - rate if kept; an approval by the model
    and a rejection that could not have been explored: 1."""
    for i in IDS[:500]:
        draw = exploration_draw(i)
        t = take_decision(0.6, 0.5, draw, rate)
        assert (t.decision, t.propensity, t.explored) == (
            ("approve", rate, True) if draw < rate else ("reject", 1 - rate, False)
        )
        assert take_decision(0.4, 0.5, draw, rate) == Taken("approve", 1.0, False)
    assert any(take_decision(0.6, 0.5, exploration_draw(i), rate).explored for i in IDS) == (
        rate > 0
    )


@pytest.mark.parametrize(
    "options",
    [
        {"band": 0.1},  # 0.6 is not below 0.5 + 0.1
        {"in_segment": False},
        {"approvals_left": 0},  # the day's approvals are spent
        {"approvals_left": 0.5},  # a worker's share below one approval
        {"loss_left": 99.0, "loss": 100.0},  # its expected loss does not fit
        {"loss_left": 1e9, "loss": math.nan},  # a loss that cannot be computed
    ],
    ids=str,
)
def test_a_rejection_that_could_not_be_explored_has_propensity_one(options):
    assert take_decision(0.6, 0.5, 0.0, 0.5, **options) == Taken("reject", 1.0, False)


def test_within_the_region_and_the_budget_a_rejection_is_eligible():
    assert take_decision(0.59, 0.5, 0.0, 0.5, band=0.1, approvals_left=1, loss_left=100.0,
                         loss=100.0) == Taken("approve", 0.5, True)  # fmt: skip
    assert take_decision(0.6, 0.5, 0.0, 0.5, loss=math.nan).explored  # no loss cap: no need


def test_expected_loss_and_segments():
    assert expected_loss(1000, 0.5, 0.1, 0.6) == pytest.approx(1000 * (0.3 - 0.05))
    assert in_segments({"Job": "partime"}, {}) and in_segments({"Job": "partime"},
                                                               {"Job": ["partime"]})  # fmt: skip
    assert not in_segments({"Job": "fixed", "Home": "rent"}, {"Job": ["partime"]})
    assert in_segments({"Job": "fixed", "Home": "rent"}, {"Job": ["partime"], "Home": ["rent"]})


def test_the_daily_budget_is_shared_out_and_starts_again_each_utc_day():
    day = datetime(2026, 11, 1, 23, 59, tzinfo=UTC)
    budget = DailyBudget(5, 100.0, 2, day.date(), used=(1, 10.0))
    assert budget.left(day) == (2 - 1, 50.0 - 10.0)  # 5 // 2 approvals, 100 / 2 of loss
    budget.spend(day, 30.0)
    assert budget.left(day) == (0, 10.0)
    assert budget.left(day + timedelta(minutes=1)) == (2, 50.0)


def test_the_draw_is_the_documented_function_of_the_id():
    for prediction_id in ("0190f3a2-7b1c-7d4e-8f00-123456789abc", "A", "é"):
        digest = hashlib.sha256(prediction_id.encode()).digest()
        assert exploration_draw(prediction_id) == int.from_bytes(digest[:8], "big") / 2**64
    assert all(0 <= exploration_draw(i) < 1 for i in IDS)


@pytest.fixture(scope="module")
def service_at(project, tmp_path_factory):
    """service_at(exploration, workers=1, store=None, first=0): the workspace model in a
    Service (not serving) with ids IDS[first:] and a SQLite store (its own unless given);
    decide() scores and records as the live service does."""
    from modelops.config.params import load_params
    from modelops.serve.app import Service
    from modelops.serve.served import load_served

    served = load_served(None, project)
    params = load_params(project / "params.yaml")

    def make(exploration: dict, workers: int = 1, store: str | None = None, first: int = 0):
        ids = iter(IDS[first:])
        url = store or f"sqlite:///{tmp_path_factory.mktemp('exploration') / 'store.db'}"
        prediction_store = PredictionStore(url)
        prediction_store.create_schema()
        settings = ServeParams(exploration=ExplorationParams(**exploration), workers=workers)
        service = Service(lambda: served, prediction_store, settings, None, params,
                          new_id=lambda: next(ids))  # fmt: skip
        service.url = url
        return service

    return make


def decide(service, golden, times: int = 200, first: int = 0) -> list[dict]:
    """Every golden application sent `times` times (20 x times predictions, ids in order from
    IDS[first]); each stored case, in the order decided."""
    from modelops.serve.app import Row, _values
    from modelops.serve.schema import application_model

    served = service.served
    schema = application_model(served.contract, served.features)
    rows = [
        Row(_values(schema.model_validate(g["application"]), served.features), g["application"])
        for g in golden
    ] * times
    for start in range(0, len(rows), 500):
        service.decide(rows[start : start + 500])
    return [service.store.lookup(i) for i in IDS[first : first + len(rows)]]


def replayed(cases: list[dict], exploration: dict, amount_loss, workers: int = 1) -> list[tuple]:
    """(decision, propensity, explored) per case by the documented rule, from its id alone."""
    settings = ExplorationParams(**exploration)
    budget = DailyBudget(settings.max_per_day, settings.max_expected_loss_per_day, workers,
                         datetime.now(UTC).date())  # fmt: skip
    now = datetime.now(UTC)
    out = []
    for case in cases:
        p, application = case["p_default"], case["application"]
        loss = amount_loss(application["Amount"], p)
        left = budget.left(now)
        taken = take_decision(p, case["threshold"], exploration_draw(case["prediction_id"]),
                              settings.rate, band=settings.band,
                              in_segment=in_segments(application, settings.segments),
                              approvals_left=left[0], loss_left=left[1], loss=loss)  # fmt: skip
        if taken.explored:
            budget.spend(now, loss)
        out.append((taken.decision, taken.propensity, taken.explored))
    return out


@pytest.fixture(scope="module")
def amount_loss(project):
    from modelops.config.params import load_params

    business = load_params(project / "params.yaml").business
    return lambda amount, p: expected_loss(amount, p, business.margin, business.loss_given_default)


def stored(cases: list[dict]) -> list[tuple]:
    return [(c["decision"], c["propensity"], c["explored"]) for c in cases]


def test_rate_zero_never_explores(service_at, golden):
    cases = decide(service_at({}), golden)
    assert len(cases) == 4000 and not any(c["explored"] for c in cases)
    for c in cases:
        model = "reject" if c["p_default"] >= c["threshold"] else "approve"
        assert (c["decision"], c["propensity"]) == (model, 1.0)


def test_targeted_by_band_the_explored_share_of_eligible_rejections_is_the_rate(
    service_at, golden, amount_loss
):
    exploration = {"rate": 0.2, "band": 0.3, "max_per_day": UNCAPPED}
    cases = decide(service_at(exploration), golden)
    assert stored(cases) == replayed(cases, exploration, amount_loss)
    rejected = [c for c in cases if c["p_default"] >= c["threshold"]]
    eligible = [c for c in rejected if c["p_default"] < c["threshold"] + 0.3]
    explored = [c for c in cases if c["explored"]]
    n = len(eligible)
    assert 1000 < n < len(rejected)  # 7 of the 13 golden rejections are in the band
    # Four standard deviations of a binomial(n, rate): a correct draw passes with p > 0.9999;
    # the ids are fixed, so the result is the same every run.
    assert abs(len(explored) - n * 0.2) <= 4 * math.sqrt(n * 0.2 * 0.8), (len(explored), n)
    assert all(c["p_default"] < c["threshold"] + 0.3 for c in explored)
    for c in rejected:
        in_band = c in eligible
        want = {0.2, 0.8} if in_band else {1.0}
        assert c["propensity"] in want and (c["propensity"] == 0.2) == c["explored"]


def test_targeted_by_segment_only_that_segment_is_explored(service_at, golden, amount_loss):
    exploration = {"rate": 0.5, "segments": {"Job": ["partime"]}, "max_per_day": UNCAPPED}
    cases = decide(service_at(exploration), golden)
    assert stored(cases) == replayed(cases, exploration, amount_loss)
    explored = [c for c in cases if c["explored"]]
    eligible = [c for c in cases if c["p_default"] >= c["threshold"]
                and c["application"]["Job"] == "partime"]  # fmt: skip
    n = len(eligible)
    assert n == 600  # 3 part-time rejections in the golden set, 200 times each
    assert abs(len(explored) - n * 0.5) <= 4 * math.sqrt(n * 0.25)
    assert {c["application"]["Job"] for c in explored} == {"partime"}
    assert all(c["propensity"] == 1.0 for c in cases if c["application"]["Job"] != "partime")


def test_the_approvals_cap_holds_and_then_nothing_is_explored(service_at, golden, amount_loss):
    exploration = {"rate": 0.5, "max_per_day": 25}
    service = service_at(exploration)
    cases = decide(service, golden)
    assert sum(c["explored"] for c in cases) == 25
    assert stored(cases) == replayed(cases, exploration, amount_loss)
    last = max(i for i, c in enumerate(cases) if c["explored"])
    later = [c for c in cases[last + 1 :] if c["decision"] == "reject"]
    assert later and all(c["propensity"] == 1.0 for c in later)  # could not have gone otherwise
    # A restarted service on the same store, the same day, starts from what was spent.
    again = service_at(exploration, store=service.url, first=4000)
    assert not any(c["explored"] for c in decide(again, golden, times=50, first=4000))


def test_the_expected_loss_cap_holds(service_at, golden, amount_loss):
    cap = 5000.0
    exploration = {"rate": 0.5, "max_expected_loss_per_day": cap}
    cases = decide(service_at(exploration), golden)
    assert stored(cases) == replayed(cases, exploration, amount_loss)
    losses = [amount_loss(c["application"]["Amount"], c["p_default"]) for c in cases
              if c["explored"]]  # fmt: skip
    largest = max(amount_loss(c["application"]["Amount"], c["p_default"]) for c in cases
                  if c["decision"] == "reject")  # fmt: skip
    assert cap - largest < sum(losses) <= cap  # spent, and not beyond


def test_several_workers_each_hold_their_share(service_at, golden, amount_loss):
    exploration = {"rate": 0.5, "max_per_day": 25}
    cases = decide(service_at(exploration, workers=2), golden)
    assert sum(c["explored"] for c in cases) == 12  # 25 // 2: two such never pass 25
    assert stored(cases) == replayed(cases, exploration, amount_loss, workers=2)


def test_the_export_carries_the_propensities(service_at, golden, project, tmp_path):
    service = service_at({"rate": 0.5, "max_per_day": 20})
    cases = decide(service, golden, times=5)
    now = datetime.now(UTC)
    for c in cases:
        if c["decision"] == "approve":
            service.store.record_outcome(c["prediction_id"], "good", now)
    sections = read_sections(project / "params.yaml")
    sections["feedback"] = {"min_outcome_age_days": 0}
    write_config(tmp_path / "params.yaml", sections)
    as_of = (now + timedelta(minutes=1)).isoformat()
    result = in_process(project, "feedback", "export", "--store", service.url, "--output",
                        tmp_path / "feedback", "--params", tmp_path / "params.yaml",
                        "--as-of", as_of)  # fmt: skip
    assert result.returncode == 0, result.stderr
    exported = {}
    for path in (tmp_path / "feedback").iterdir():
        with path.open(encoding="utf-8", newline="") as file:
            exported |= {row["prediction_id"]: row for row in csv.DictReader(file)}
    approved = {c["prediction_id"]: c for c in cases if c["decision"] == "approve"}
    assert set(exported) == set(approved) and any(c["explored"] for c in approved.values())
    for prediction_id, row in exported.items():
        case = approved[prediction_id]
        assert float(row["propensity"]) == case["propensity"]
        assert (row["explored"] == "yes") == case["explored"]


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


def test_a_live_service_exploring_passes_serve_check_within_its_cap(
    launch, project, golden, tmp_path
):
    params = read_sections(project / "params.yaml")
    params.setdefault("serve", {})["exploration"] = {"rate": 0.5, "max_per_day": 10}
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
    # 78 rejections at rate 0.5 (serve-check's 13, then 65): fewer than 10 explored has
    # probability below 1e-12; more than the cap would be the bug.
    assert sum(bool(r[7]) for r in rows) == 10
    counted = next(line for line in metrics.splitlines()
                   if line.startswith("modelops_explored_approvals_total"))  # fmt: skip
    assert float(counted.split()[-1]) == 10


# serve.exploration as written -> what its one line must name
REFUSED = {
    "old_key": ({"exploration_rate": 0.05}, "the section serve.exploration"),
    "negative_cap": ({"exploration": {"rate": 0.1, "max_per_day": -5}},
                     "serve.exploration.max_per_day"),
    "nan_rate": ({"exploration": {"rate": float("nan"), "max_per_day": 5}},
                 "serve.exploration.rate"),
    "inf_loss_cap": ({"exploration": {"rate": 0.1, "max_expected_loss_per_day": float("inf")}},
                     "serve.exploration.max_expected_loss_per_day"),
    "no_budget": ({"exploration": {"rate": 0.1}}, "needs a budget"),
    "rate_too_high": ({"exploration": {"rate": 0.9, "max_per_day": 5}}, "serve.exploration.rate"),
    "band_zero": ({"exploration": {"rate": 0.1, "max_per_day": 5, "band": 0}},
                  "serve.exploration.band"),
    "unknown_column": ({"exploration": {"rate": 0.1, "max_per_day": 5,
                                        "segments": {"Salary": ["high"]}}},
                       "serve.exploration.segments.Salary"),
    "unknown_value": ({"exploration": {"rate": 0.1, "max_per_day": 5,
                                       "segments": {"Job": ["part-time job"]}}},
                      "serve.exploration.segments.Job"),
    "numeric_column": ({"exploration": {"rate": 0.1, "max_per_day": 5,
                                        "segments": {"Age": ["30"]}}},
                       "not a category column"),
    "prohibited_basis": ({"exploration": {"rate": 0.1, "max_per_day": 5,
                                          "segments": {"Marital": ["single"]}}},
                         "prohibited basis"),
}  # fmt: skip


@pytest.mark.parametrize(("serve", "named"), REFUSED.values(), ids=REFUSED)
def test_bad_exploration_settings_are_exit_2_with_one_line(
    project, tmp_path, error_line, serve, named
):
    params = read_sections(project / "params.yaml")
    params["serve"] = {**params.get("serve", {}), **serve}
    write_config(tmp_path / "params.yaml", params)
    # A setting let through would serve: the timeout ends such a run as a failure.
    result = subprocess.run([MODELOPS, "serve", "--params", tmp_path / "params.yaml",
                             "--port", "1"], cwd=project, capture_output=True, text=True,
                            timeout=120, check=False)  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    line = error_line(result)
    assert named in line and "serve.yaml" in line, line
    assert "serving" not in result.stdout


def test_a_settings_file_written_as_json_reads_the_same():
    """ServeConfig hands the settings to uvicorn's workers as JSON: the section survives."""
    exploration = ExplorationParams(
        rate=0.1, max_per_day=5, band=0.2, segments={"Job": ["partime"]}
    )
    settings = ServeParams(exploration=exploration)
    again = ServeParams.model_validate(json.loads(json.dumps(settings.model_dump())))
    assert again == settings
