"""Who registered and promoted a version, when, and what the gate said at each step.

Read from the registry's tags alone: GTO's events for the version (registration, stage
assignments, deregistration), each with its tagger, time and annotated message. The gate's
verdict is the message's part after "gate: " (modelops writes it when it tags; release.yml when
it deregisters); a tag written without one says so rather than passing for a verdict.
"""

from __future__ import annotations

from pathlib import Path

from modelops.registry import tags
from modelops.registry.policy import GATE

NOT_RECORDED = "not recorded in the tag (tagged without a verdict: by hand or by gto)"


def verdict_in(message: str | None) -> str:
    """The gate's verdict a tag's message states, or NOT_RECORDED."""
    text = (message or "").strip()
    at = text.lower().rfind(GATE)
    return text[at + len(GATE) :].strip() if at >= 0 else NOT_RECORDED


def audit(repo: Path, artifact: str, version: str) -> list[dict]:
    """The version's steps, oldest first: when, what, by whom, the tag and the gate's verdict."""
    return [
        {
            "when": event["timestamp"].isoformat(),
            "event": event["event"] + (f" to {event['stage']}" if event["stage"] else ""),
            "by": f"{event['author']} <{event['author_email']}>",
            "tag": event["ref"],
            "commit": event["commit"],
            "gate": verdict_in(event["message"]),
        }
        for event in tags.version_events(repo, artifact, version)
    ]


def audit_lines(artifact: str, version: str, steps: list[dict]) -> list[str]:
    lines = [f"{artifact}@{version} (commit {steps[0]['commit'][:8]})"]
    for step in steps:
        lines.append(f"{step['when']}  {step['event']:20} by {step['by']}  [{step['tag']}]")
        lines.append(f"    gate: {step['gate']}")
    return lines
