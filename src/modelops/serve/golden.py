"""A running service must answer the golden applications exactly as the pipeline did: the
check the deploy step and the tests run against a real server."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

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


def check_golden(url: str, golden: list[dict], tolerance: float = 0.0) -> int:
    """Post the golden applications in one batch; CheckFailed naming every difference."""
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
    differences = [
        f"#{i}: p_default {got['p_default']!r} != {want['p_default']!r}"
        if abs(got["p_default"] - want["p_default"]) > tolerance
        else f"#{i}: decision {got['decision']} != {want['decision']}"
        for i, (got, want) in enumerate(zip(predictions, golden, strict=True))
        if abs(got["p_default"] - want["p_default"]) > tolerance
        or got["decision"] != want["decision"]
    ]
    if differences:
        raise CheckFailed(
            f"golden check: {len(differences)} of {len(golden)} answers differ from the "
            f"pipeline's: {'; '.join(differences[:5])}"
        )
    return len(golden)
