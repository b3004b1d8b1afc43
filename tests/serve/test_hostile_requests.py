"""Protects the service from what a hostile or careless client sends: NaN, Infinity and
-Infinity (JSON extensions Python's parser reads), numbers beyond a float (1e400) or beyond
int() (4,301 digits), bodies nested past the parser, texts no UTF-8 can hold, bodies that are
not UTF-8 or not JSON, odd content types, odd ids in the path, and bearer tokens that are not
ASCII. None is a 5xx: each is a 4xx whose body is valid JSON (no NaN, no Infinity) naming the
field or header, and nothing is stored.

The corpus runs in process (FastAPI's TestClient on the very app `modelops serve` builds: fast);
the issue's own examples also run against a real server, where uvicorn parses the request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import httpx
import pytest
from serve.live import app_in_process

from modelops.store import PredictionStore

TOKEN = "hostile-admin-token"
JSON = {"content-type": "application/json"}
OBSERVED = "2025-01-01T00:00:00Z"  # past: a refusal below is for its hostile field, not the time


def strict_json(body: bytes):
    """The body as JSON any reader takes: NaN and Infinity are not JSON."""

    def refuse(constant: str):
        raise AssertionError(f"the answer holds {constant}, which is not JSON")

    return json.loads(body, parse_constant=refuse)


@dataclass(frozen=True)
class Hostile:
    """One request and the refusal it must get."""

    name: str
    path: str
    body: object  # a callable of the valid application -> bytes, or bytes, or None
    status: int
    field: str
    rule: str | None = None  # None: any rule of that field
    headers: dict = field(default_factory=lambda: dict(JSON))
    method: str = "POST"

    def __str__(self) -> str:
        return self.name

    def content(self, application: dict) -> bytes | None:
        return self.body(application) if callable(self.body) else self.body


def with_raw(name: str, raw: str, batch: bool = False):
    """The valid application with one field's value written as raw JSON text."""

    def build(application: dict) -> bytes:
        text = json.dumps({**application, name: "@@"}).replace('"@@"', raw)
        if batch:
            text = f'{{"applications": [{json.dumps(application)}, {text}]}}'
        return text.encode()

    return build


def outcome_raw(name: str, raw: str):
    def build(_application: dict) -> bytes:
        body = {"prediction_id": "01890000-0000-7000-8000-000000000000", "outcome": "good",
                "observed_at": OBSERVED, name: "@@"}  # fmt: skip
        return json.dumps(body).replace('"@@"', raw).encode()

    return build


DEEP = b"[" * 100_000 + b"]" * 100_000
LONG_INT = "9" * 4301  # one digit more than int() converts

# The issue's examples.
ISSUE = [
    Hostile("income_nan", "/v1/predict", with_raw("Income", "NaN"), 422, "Income", "Income.finite"),
    Hostile("income_infinity", "/v1/predict", with_raw("Income", "Infinity"), 422, "Income",
            "Income.finite"),
    Hostile("income_minus_infinity", "/v1/predict", with_raw("Income", "-Infinity"), 422,
            "Income", "Income.finite"),
    Hostile("amount_1e400", "/v1/predict", with_raw("Amount", "1e400"), 422, "Amount",
            "Amount.finite"),
    Hostile("nested_100000_levels", "/v1/predict", DEEP, 422, "body", "request.json_depth"),
    Hostile("bearer_cafe", "/v1/admin/reload", None, 401, "authorization", "admin.token",
            headers={"authorization": "Bearer café".encode()}),
]  # fmt: skip

# More of the same class.
OWN = [
    Hostile("age_nan_integer_column", "/v1/predict", with_raw("Age", "NaN"), 422, "Age",
            "Age.finite"),
    Hostile("debt_minus_1e400", "/v1/predict", with_raw("Debt", "-1e400"), 422, "Debt",
            "Debt.finite"),
    Hostile("batch_amount_infinity", "/v1/predict", with_raw("Amount", "Infinity", batch=True),
            422, "applications[1].Amount", "Amount.finite"),
    Hostile("unknown_field_nan", "/v1/predict", with_raw("Salary", "NaN"), 422, "Salary",
            "Salary.unknown_field"),
    Hostile("income_10_to_400_as_int", "/v1/predict", with_raw("Income", "1" + "0" * 400), 422,
            "Income"),
    Hostile("income_1e400_as_text", "/v1/predict", with_raw("Income", '"1e400"'), 422, "Income",
            "Income.type"),
    Hostile("number_of_4301_digits", "/v1/predict", with_raw("Income", LONG_INT), 422, "body",
            "request.json_number"),
    Hostile("nested_value_990_levels", "/v1/predict", with_raw("Age", "[" * 990 + "]" * 990),
            422, "body", "request.json_depth"),
    Hostile("lone_surrogate_in_category", "/v1/predict", with_raw("Job", '"\\udcff"'), 422, "Job",
            "request.utf8"),
    Hostile("lone_surrogate_in_id", "/v1/predict", with_raw("applicant_id", '"\\ud800"'), 422,
            "applicant_id", "request.utf8"),
    Hostile("lone_surrogate_key", "/v1/predict",
            lambda a: json.dumps(a)[:-1].encode() + b', "\\ud800": 1}', 422, "body",
            "request.utf8"),
    Hostile("not_utf8_bytes", "/v1/predict", b'{"Job": "\xff"}', 422, "body", "request.json"),
    Hostile("text_plain_with_nan", "/v1/predict", with_raw("Income", "NaN"), 422, "Income",
            "Income.finite", headers={"content-type": "text/plain"}),
    Hostile("outcome_id_nan", "/v1/outcomes", outcome_raw("prediction_id", "NaN"), 422,
            "prediction_id"),
    Hostile("outcome_id_1e400", "/v1/outcomes", outcome_raw("prediction_id", "1e400"), 422,
            "prediction_id"),
    Hostile("outcome_value_nan", "/v1/outcomes", outcome_raw("outcome", "NaN"), 422, "outcome"),
    Hostile("observed_at_infinity", "/v1/outcomes", outcome_raw("observed_at", "Infinity"), 422,
            "observed_at"),
    Hostile("observed_at_nan", "/v1/outcomes", outcome_raw("observed_at", "NaN"), 422,
            "observed_at"),
    Hostile("observed_at_1e400", "/v1/outcomes", outcome_raw("observed_at", "1e400"), 422,
            "observed_at"),
    Hostile("outcome_extra_field_nan", "/v1/outcomes", outcome_raw("note", "NaN"), 422, "note"),
    Hostile("outcome_nested", "/v1/outcomes", DEEP, 422, "body", "request.json_depth"),
    Hostile("outcome_number_of_4301_digits", "/v1/outcomes", outcome_raw("outcome", LONG_INT),
            422, "body", "request.json_number"),
    Hostile("outcome_lone_surrogate_id", "/v1/outcomes", outcome_raw("prediction_id",
            '"\\udfff"'), 422, "prediction_id", "request.utf8"),
    Hostile("outcome_id_nul", "/v1/outcomes", outcome_raw("prediction_id", '"a\\u0000b"'), 404,
            "prediction_id", "outcome.unknown_prediction"),
    Hostile("outcome_not_utf8", "/v1/outcomes", b'{"prediction_id": "\xfe\xff"}', 422, "body",
            "request.json"),
    Hostile("outcome_as_form", "/v1/outcomes", b"prediction_id=x&outcome=good", 422, "body",
            headers={"content-type": "application/x-www-form-urlencoded"}),
    Hostile("lookup_id_of_8000_chars", "/v1/predictions/" + "x" * 8000, None, 404,
            "prediction_id", "prediction.unknown", method="GET"),
    Hostile("lookup_id_nul", "/v1/predictions/%00", None, 404, "prediction_id",
            "prediction.unknown", method="GET"),
    Hostile("lookup_id_not_utf8", "/v1/predictions/%ff%fe?limit=NaN", None, 404,
            "prediction_id", "prediction.unknown", method="GET"),
    Hostile("bearer_latin1_bytes", "/v1/admin/reload", None, 401, "authorization", "admin.token",
            headers={"authorization": b"Bearer \xff\xfe\x80"}),
    Hostile("bearer_cafe_no_prefix", "/v1/admin/reload", None, 401, "authorization",
            "admin.token", headers={"authorization": "café".encode()}),
    Hostile("content_length_of_5000_digits", "/v1/predict", b"{}", 413, "body",
            "request.max_body_bytes", headers={**JSON, "content-length": "9" * 5000}),
]  # fmt: skip


@pytest.fixture(scope="module")
def in_process(project, tmp_path_factory):
    """The app `modelops serve` builds for the project, with an admin token, in process."""
    store = f"sqlite:///{tmp_path_factory.mktemp('hostile-store') / 'predictions.db'}"
    with app_in_process(project, store, TOKEN) as client:
        yield client, PredictionStore(store)


@pytest.fixture(scope="module")
def guarded_server(launch, project, tmp_path_factory):
    """A real server with an admin token (admin calls on), a store of its own."""
    store = tmp_path_factory.mktemp("hostile-live") / "predictions.db"
    return launch(project, f"sqlite:///{store}", env={"MODELOPS_ADMIN_TOKEN": TOKEN})


def send(client, case: Hostile, application: dict) -> httpx.Response:
    return client.request(
        case.method, case.path, content=case.content(application), headers=case.headers
    )


def assert_named_refusal(response: httpx.Response, case: Hostile) -> None:
    assert response.status_code == case.status, response.text
    problems = strict_json(response.content)["detail"]
    assert any(p["field"] == case.field for p in problems), problems
    if case.rule is not None:
        assert case.rule in {p["rule"] for p in problems if p["field"] == case.field}, problems


@pytest.mark.parametrize("case", ISSUE + OWN, ids=str)
def test_hostile_request_is_a_named_4xx(in_process, application, case):
    client, store = in_process
    before = store.count()
    assert_named_refusal(send(client, case, application), case)
    assert store.count() == before


@pytest.mark.parametrize("case", ISSUE, ids=str)
def test_the_issues_examples_against_a_real_server(guarded_server, application, case):
    with httpx.Client(base_url=guarded_server.url, timeout=60) as client:
        assert_named_refusal(send(client, case, application), case)
        assert client.get("/health/ready").status_code == 200  # and it still serves


def test_the_right_token_still_reloads(in_process):
    client, _ = in_process
    response = client.post("/v1/admin/reload", headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text


def test_a_valid_request_beside_the_hostile_ones_is_answered(in_process, application):
    """An emoji escaped as a surrogate pair is UTF-8 text: accepted."""
    client, _ = in_process
    sent = {**application, "applicant_id": "\U0001f600"}
    body = json.dumps(sent).encode()  # ensure_ascii: written as \\ud83d\\ude00
    assert b"\\ud83d\\ude00" in body
    response = client.post("/v1/predict", content=body, headers=JSON)
    assert response.status_code == 200, response.text
