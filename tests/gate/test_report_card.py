"""Protects the report's model-card section: a link to this change's card and its changed lines
against the baseline's card, read from git at the baseline's commit (the card is committed:
cache: false), each run of changes under the card section it is in."""

import subprocess
from pathlib import Path

import pytest
from support.repos import run

from modelops.cli.review import _card
from modelops.review.report import CARD_DIFF_LINES, build_report, card_section

CARD = """# Model card: credit-risk

## Test metrics

| ROC AUC | 0.8589 | [0.8318, 0.8848] |
| Brier score (lower is better) | 0.1274 | [0.1152, 0.1409] |

## Features

Used (13): Age, Marital.
"""
CHANGED = CARD.replace(
    "| ROC AUC | 0.8589 | [0.8318, 0.8848] |", "| ROC AUC | 0.8512 | [0.8230, 0.8790] |"
).replace("Used (13): Age, Marital.", "Used (12): Age.\n\nExcluded: Marital.")
VERDICT = {"passed": True, "rules": [], "baselines": []}


def section(before, after) -> list[str]:
    return card_section({"link": "models/model_card.md", "baseline": "main",
                         "before": before, "after": after})  # fmt: skip


def test_changed_lines_under_their_sections():
    lines = section(CARD, CHANGED)
    assert lines[:3] == [
        "### Model card",
        "",
        "This change's card: [models/model_card.md](models/model_card.md).",
    ]
    start = lines.index("```diff")
    assert lines[start - 2] == "Changed since main (6 lines):"
    assert lines[start + 1 : lines.index("```", start + 1)] == [
        "@@ ## Test metrics @@",
        "-| ROC AUC | 0.8589 | [0.8318, 0.8848] |",
        "+| ROC AUC | 0.8512 | [0.8230, 0.8790] |",
        "@@ ## Features @@",
        "-Used (13): Age, Marital.",
        "+Used (12): Age.",
        "+",
        "+Excluded: Marital.",
    ]


def test_unchanged_first_and_missing_cards_are_said():
    assert "Unchanged since main." in section(CARD, CARD)
    assert "main has no model card: this is the first." in section(None, CARD)
    assert "No model card (models/model_card.md): run `dvc repro`." in section(CARD, None)


def test_a_long_diff_is_cut_and_counted():
    after = CARD + "".join(f"line {i}\n" for i in range(100))
    lines = section(CARD, after)
    body = lines[lines.index("```diff") + 1 : lines.index("```", lines.index("```diff") + 1)]
    assert len(body) == CARD_DIFF_LINES
    assert f"... and {101 - CARD_DIFF_LINES} more lines of the diff." in lines


def test_the_report_carries_the_section():
    card = {"link": "x", "baseline": "main", "before": CARD, "after": CHANGED}
    report = build_report({"metrics": {}}, VERDICT, [], card=card)
    assert "### Model card" in report and "+| ROC AUC | 0.8512 | [0.8230, 0.8790] |" in report


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A real repository whose main commit holds CARD; the working tree holds CHANGED."""
    card = tmp_path / "models" / "model_card.md"
    card.parent.mkdir()
    card.write_text(CARD, encoding="utf-8")
    run("git", "init", "-q", "-b", "main", cwd=tmp_path)
    run("git", "add", "-A", cwd=tmp_path)
    run("git", "commit", "-q", "-m", "card", cwd=tmp_path)
    card.write_text(CHANGED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_HEAD_REF", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_baseline_card_is_read_from_git_at_its_commit(repo):
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True,
                            text=True, check=True).stdout.strip()  # fmt: skip
    card = _card(repo, Path("models/model_card.md"), {"name": "main", "commit": commit})
    assert (card["before"], card["after"]) == (CARD, CHANGED)
    assert card["link"] == "models/model_card.md"
    assert _card(repo, Path("models/model_card.md"), {"commit": None})["before"] is None


def test_on_github_the_link_is_the_branchs_file(repo, monkeypatch):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/modelops")
    monkeypatch.setenv("GITHUB_HEAD_REF", "retrain-2026-11")
    card = _card(repo, Path("models/model_card.md"), {"name": "main", "commit": None})
    assert (
        card["link"]
        == "https://github.com/owner/modelops/blob/retrain-2026-11/models/model_card.md"
    )
