"""Protects the service against what its own OpenAPI schema lets a client send: schemathesis
generates requests for every endpoint of the live /openapi.json (that fit the schema and that do
not), at least 500 in all, against the real server; no answer is a 5xx, and every 4xx body says
what was wrong (a `detail` list naming the field and the rule).
"""

from __future__ import annotations

import json

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


def what_was_wrong(status: int, body: bytes) -> str | None:
    """None when a 4xx body names its problems; else why not."""
    try:
        detail = json.loads(body)["detail"]
    except (ValueError, KeyError, TypeError):
        return f"{status} without a JSON `detail`: {body[:200]!r}"
    if not isinstance(detail, list) or not detail:
        return f"{status} with a detail that lists nothing: {detail!r}"
    unnamed = [p for p in detail if not (isinstance(p, dict) and p.get("field") and p.get("rule"))]
    return f"{status} with problems naming no field or rule: {unnamed!r}" if unnamed else None


def fuzz(operation, mode: GenerationMode, url: str) -> tuple[int, list[str]]:
    """Send the generated cases of one operation: how many, and what went wrong."""
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
