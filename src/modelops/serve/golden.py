"""A running service must answer the golden applications exactly as the pipeline did: the
check the deploy step and the tests run against a real server. An approval the model would
have rejected passes only when the service recorded it as explored (serve.exploration.rate)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

from modelops.equivalence import answer_gaps
from modelops.errors import CheckFailed, InputError


def wait_until_ready(url: str, timeout: float) -> dict:
    """GET /health/ready until it answers 200 (or InputError after timeout seconds)."""
    deadline, last = time.monotonic() + timeout, "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health/ready", timeout=5) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as err:
            last = f"HTTP {err.code}"
        except (urllib.error.URLError, OSError) as err:
            last = str(getattr(err, "reason", err))
        time.sleep(0.2)
    raise InputError(f"{url} not ready after {timeout:g} s ({last})")


def check_golden(url: str, golden: list[dict], tolerance: float = 0.0) -> float:
    """Post the golden applications in one batch; the largest |Δp_default| found, or
    CheckFailed naming every difference beyond tolerance."""
    if not golden:
        raise InputError("no golden predictions to check (reports/golden.json, or the bundle's)")
    body = json.dumps({"applications": [g["application"] for g in golden]}).encode()
    request = urllib.request.Request(
        f"{url}/v1/predict", data=body, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            predictions = json.loads(answer.read())["predictions"]
    except urllib.error.HTTPError as err:
        text = err.read()[:300].decode(errors="replace")
        raise CheckFailed(f"golden check: {url} answered HTTP {err.code}: {text}") from None
    except (urllib.error.URLError, OSError, KeyError, ValueError) as err:
        raise CheckFailed(f"golden check: no usable answer from {url}: {err}") from None
    differences = golden_differences(
        predictions, golden, tolerance, lambda prediction_id: _explored(url, prediction_id)
    )
    if differences:
        raise CheckFailed(
            f"golden check: {len(differences)} of {len(golden)} answers differ from the "
            f"pipeline's (tolerance {tolerance:g}): {'; '.join(differences[:5])}"
        )
    answers = [(p["p_default"], p["decision"]) for p in predictions]
    return answer_gaps(answers, golden)[0]


def golden_differences(
    predictions: list[dict], golden: list[dict], tolerance: float, explored
) -> list[str]:
    """Every answer whose p_default is off by more than tolerance, or whose decision is not
    the pipeline's (the rule of modelops.equivalence). Exploration (serve.exploration.rate)
    approves some applications the model rejects: such an approval is no difference when the
    store says it was explored (explored(prediction_id)); asked only for those answers."""
    found = []
    for i, (got, want) in enumerate(zip(predictions, golden, strict=True)):
        delta, changed = answer_gaps([(got["p_default"], got["decision"])], [want])
        if delta > tolerance:
            found.append(f"#{i}: p_default {got['p_default']!r} != {want['p_default']!r}")
        elif changed:
            by_exploration = (want["decision"], got["decision"]) == ("reject", "approve")
            if not (by_exploration and explored(got["prediction_id"])):
                found.append(f"#{i}: decision {got['decision']} != {want['decision']}")
    return found


def _explored(url: str, prediction_id: str) -> bool:
    """Whether the service recorded this approval as explored (its look-up, as support sees
    it); an answer that cannot be looked up counts as not explored: the check fails."""
    try:
        case_url = f"{url}/v1/predictions/{urllib.parse.quote(prediction_id, safe='')}"
        with urllib.request.urlopen(case_url, timeout=30) as case:
            return json.loads(case.read()).get("explored") is True
    except (urllib.error.URLError, OSError, ValueError):
        return False
