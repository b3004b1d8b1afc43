"""Protects the service against what its own OpenAPI schema lets a client send: schemathesis
generates requests for every endpoint of the live /openapi.json (that fit the schema and that do
not), at least 500 in all, against the real server; no answer is a 5xx, and every 4xx body says
what was wrong (a `detail` list naming the field and the rule) and is valid JSON.

Schemathesis draws finite numbers only, and its client cannot write what is not JSON; so each
generated JSON object body is also sent once more, raw, with one field's value hostile (the
field and the value rotate): NaN, Infinity, -Infinity, 1e400 (read as inf), an integer of 400
digits, a lone surrogate, a value nested deeper than the parser goes.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

MINIMUM_CASES = 500
# Examples per operation and mode: the endpoints that take input get most of them. An endpoint
# without parameters has one distinct request; Hypothesis stops there.
EXAMPLES = {
    "POST /v1/predict": 150,
    "POST /v1/outcomes": 100,
    "GET /v1/predictions/{prediction_id}": 60,
}
OTHER_EXAMPLES = 10
# JSON text for one field of a generated body, each a 4xx naming what was wrong.
HOSTILE_VALUES = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" + "0" * 400,
                  '"\\udcff"', "[" * 100_000 + "]" * 100_000)  # fmt: skip


def strict_json(body: bytes):
    """JSON as any reader takes it: NaN and Infinity are not JSON (ValueError)."""

    def refuse(constant: str):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(body, parse_constant=refuse)


def what_was_wrong(status: int, body: bytes) -> str | None:
    """None when a 4xx body names its problems; else why not."""
    try:
        detail = strict_json(body)["detail"]
    except (ValueError, KeyError, TypeError):
        return f"{status} without a JSON `detail`: {body[:200]!r}"
    if not isinstance(detail, list) or not detail:
        return f"{status} with a detail that lists nothing: {detail!r}"
    unnamed = [p for p in detail if not (isinstance(p, dict) and p.get("field") and p.get("rule"))]
    return f"{status} with problems naming no field or rule: {unnamed!r}" if unnamed else None


def hostile_body(body: dict, n: int) -> tuple[str, bytes]:
    """(field, raw JSON): body with one field's value hostile; the n-th call of a run takes
    the next field and the next value, so that the run covers each field with each value."""
    name = list(body)[n % len(body)]
    marker = f'"{uuid.uuid4()}"'
    raw = HOSTILE_VALUES[(n // len(body) + n) % len(HOSTILE_VALUES)]
    return str(name), json.dumps({**body, name: marker[1:-1]}).replace(marker, raw).encode()


def hostile_problem(case, url: str, raw: bytes) -> str | None:
    """None when the raw body gets a 4xx naming its problems; else what went wrong."""
    response = httpx.request(case.method, f"{url}{case.formatted_path}", content=raw,
                             headers={"content-type": "application/json"}, timeout=60)  # fmt: skip
    status = response.status_code
    if not 400 <= status < 500:
        return f"{status} for {raw[:200]!r}"
    why = what_was_wrong(status, response.content)
    return f"{why} for {raw[:200]!r}" if why else None


def fuzz(operation, mode: GenerationMode, url: str) -> tuple[int, list[str]]:
    """Send the generated cases of one operation, and each JSON object body made hostile:
    how many requests, and what went wrong."""
    sent, problems = [0], []

    @settings(
        max_examples=EXAMPLES.get(operation.label, OTHER_EXAMPLES),
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case) -> None:
        response = case.call(base_url=url, timeout=60)
        sent[0] += 1
        status = response.status_code
        if status >= 500:
            problems.append(f"{operation.label}: {status} for {case.as_curl_command()}")
        elif status >= 400 and (why := what_was_wrong(status, response.content)):
            problems.append(f"{operation.label}: {why} for {case.as_curl_command()}")
        if isinstance(case.body, dict) and case.body:
            name, raw = hostile_body(case.body, sent[0])
            sent[0] += 1
            if why := hostile_problem(case, url, raw):
                problems.append(f"{operation.label} with {name} hostile: {why}")

    try:
        send()
    except (schemathesis.errors.SchemathesisError, Unsatisfiable) as err:
        if mode is GenerationMode.POSITIVE:
            raise
        print(f"{operation.label}: no negative cases ({err})")  # nothing to break
    return sent[0], problems


@pytest.mark.slow
def test_generated_requests_get_no_5xx_and_named_4xx(workspace_server):
    schema = schemathesis.openapi.from_url(f"{workspace_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert {"POST /v1/predict", "POST /v1/outcomes", "GET /health/ready", "GET /metrics"} <= labels
    sent: dict[str, int] = {}
    problems: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            count, found = fuzz(operation, mode, workspace_server.url)
            sent[operation.label] = sent.get(operation.label, 0) + count
            problems += found
    print(f"schemathesis: {sum(sent.values())} requests: {sent}")
    assert not problems, "\n".join(problems[:10])
    assert labels == {label for label, count in sent.items() if count}
    assert sum(sent.values()) >= MINIMUM_CASES
