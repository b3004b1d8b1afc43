"""Protects outcomes from impossible times: observed_at before its prediction was made, or
later than this service's clock plus serve.outcome_clock_skew_seconds, is 422 naming
observed_at, and nothing is stored (outcomes are final: a correction is 409, so a wrong time
could never be put right). A time within the skew is recorded; the skew is a finite number of
seconds above 0 (at most a day) in serve.yaml.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from serve.live import app_in_process
from support.config import write_config

from modelops.errors import ConfigError
from modelops.store import Decision, PredictionStore

SKEW = 300  # the default serve.outcome_clock_skew_seconds (the project's serve.yaml)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# name -> (observed_at: text, or an offset in seconds from now at sending), status, rule
CASES = {
    # The issue's examples, for a prediction made today.
    "epoch": ("1970-01-01T00:00:00Z", 422, "observed_at.before_prediction"),
    "end_of_time": ("9999-12-31T23:59:59Z", 422, "observed_at.future"),
    # More of the class.
    "a_minute_before_the_prediction": (-60, 422, "observed_at.before_prediction"),
    "a_year_ago_in_another_zone": ("2025-12-07T09:00:00-05:00", 422,
                                   "observed_at.before_prediction"),
    "as_a_unix_time_in_1973": ("100000000000", 422, "observed_at.before_prediction"),
    "past_the_skew": (SKEW + 120, 422, "observed_at.future"),
    "a_day_ahead": (86_400, 422, "observed_at.future"),
    "next_year": ("2099-01-01T00:00:00+14:00", 422, "observed_at.future"),
    "within_the_skew": (SKEW - 120, 201, None),
    "now": (0, 201, None),
}  # fmt: skip


def observed(value, prediction_time: datetime) -> object:
    if isinstance(value, int):
        return iso(max(datetime.now(UTC), prediction_time) + timedelta(seconds=value))
    return int(value) if value.isdigit() else value


def predicted(client, application) -> tuple[str, datetime]:
    response = client.post("/v1/predict", json=application)
    assert response.status_code == 200, response.text
    prediction_id = response.json()["prediction_id"]
    case = client.get(f"/v1/predictions/{prediction_id}").json()
    return prediction_id, datetime.fromisoformat(case["predicted_at"])


def check(client, application, name: str) -> None:
    value, status, rule = CASES[name]
    prediction_id, at = predicted(client, application)
    body = {"prediction_id": prediction_id, "outcome": "bad", "observed_at": observed(value, at)}
    response = client.post("/v1/outcomes", json=body)
    assert response.status_code == status, response.text
    answer = json.loads(response.content)
    stored = client.get(f"/v1/predictions/{prediction_id}").json()["outcome"]
    if status == 201:
        assert stored["outcome"] == "bad"
        return
    [problem] = answer["detail"]
    assert (problem["field"], problem["rule"]) == ("observed_at", rule)
    assert "observed_at" in problem["message"]
    assert stored is None  # nothing recorded: a right outcome can still come
    body["observed_at"] = iso(datetime.now(UTC))
    assert client.post("/v1/outcomes", json=body).status_code == 201


@pytest.fixture(scope="module")
def in_process(project, tmp_path_factory):
    from modelops.config.params import load_params

    assert load_params(project / "params.yaml").serve.outcome_clock_skew_seconds == SKEW
    store = tmp_path_factory.mktemp("times-store") / "predictions.db"
    with app_in_process(project, f"sqlite:///{store}") as client:
        yield client


@pytest.mark.parametrize("name", CASES, ids=str)
def test_an_impossible_observed_at_is_refused_before_it_is_stored(in_process, application, name):
    check(in_process, application, name)


@pytest.mark.parametrize("name", ["epoch", "end_of_time"])
def test_the_issues_examples_against_a_real_server(client, application, name):
    check(client, application, name)


def test_an_impossible_time_is_422_even_where_the_outcome_is_known(in_process, application):
    """Checked before the conflict: the same outcome again with a wrong time is not 200."""
    prediction_id, _ = predicted(in_process, application)
    body = {
        "prediction_id": prediction_id,
        "outcome": "good",
        "observed_at": iso(datetime.now(UTC)),
    }
    assert in_process.post("/v1/outcomes", json=body).status_code == 201
    for wrong in ("1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z"):
        response = in_process.post("/v1/outcomes", json={**body, "observed_at": wrong})
        assert response.status_code == 422, response.text
    stored = in_process.get(f"/v1/predictions/{prediction_id}").json()["outcome"]
    assert stored["observed_at"] == body["observed_at"].replace("Z", "+00:00")


def test_the_store_refuses_an_outcome_before_its_prediction(tmp_path):
    from modelops.store import ObservedBeforePrediction

    store = PredictionStore(f"sqlite:///{tmp_path / 'store.db'}")
    store.create_schema()
    at = datetime(2026, 5, 1, 12, tzinfo=UTC)
    store.record([Decision("p1", at, "v1.0.0", {"Age": 30}, 0.1, "approve", 0.5)])
    with pytest.raises(ObservedBeforePrediction) as refused:
        store.record_outcome("p1", "good", at - timedelta(microseconds=1))
    assert refused.value.predicted_at == at
    assert store.outcome_of("p1") is None
    assert store.record_outcome("p1", "good", at) is True  # at the very time: possible
    store.dispose()


@pytest.mark.parametrize(
    "value", [0, -300, ".inf", ".nan", 86_401, "'300'"], ids=["zero", "negative", "inf", "nan",
                                                              "over_a_day", "text"]
)  # fmt: skip
def test_the_clock_skew_is_a_sane_number_of_seconds(tmp_path, raw_params, value):
    import yaml

    from modelops.config.params import load_params

    write_config(tmp_path / "params.yaml", raw_params)
    serve = tmp_path / "serve.yaml"
    serve.write_text(f"serve:\n  outcome_clock_skew_seconds: {value}\n", encoding="utf-8")
    assert yaml.safe_load(serve.read_text())["serve"]  # the YAML itself reads
    with pytest.raises(ConfigError, match="outcome_clock_skew_seconds"):
        load_params(tmp_path / "params.yaml")


@pytest.mark.parametrize("value", [60, 0.5, 86_400])
def test_a_sane_clock_skew_is_taken(tmp_path, raw_params, value):
    from modelops.config.params import load_params

    write_config(tmp_path / "params.yaml", raw_params)
    serve = tmp_path / "serve.yaml"
    serve.write_text(f"serve:\n  outcome_clock_skew_seconds: {value}\n", encoding="utf-8")
    assert load_params(tmp_path / "params.yaml").serve.outcome_clock_skew_seconds == value


def test_the_skew_default_is_documented_in_serve_yaml(project_root):
    from modelops.config.params import ServeParams, load_params

    assert ServeParams().outcome_clock_skew_seconds == SKEW
    assert load_params(project_root / "params.yaml").serve.outcome_clock_skew_seconds == SKEW
    assert "outcome_clock_skew_seconds: 300" in (project_root / "serve.yaml").read_text()
