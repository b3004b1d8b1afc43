"""Protects who reviews what: every config file has its owner's team in .github/CODEOWNERS (the
last matching line decides), and every team named is one of the placeholders the README says
to replace."""

from __future__ import annotations

import fnmatch

from modelops.config.layout import FILES

TEAMS = {
    "data-science", "data-engineering", "compliance", "ds-managers", "product", "support",
    "business",
}  # fmt: skip
OWNER_OF = {  # the file -> the team that must be among its owners
    "params.yaml": "data-science",
    "policy.yaml": "compliance",
    "business.yaml": "business",
    "serve.yaml": "support",
    "data/sources.yaml": "data-engineering",
    "data/contract.yaml": "data-engineering",
    "docs/model_card.yaml": "product",
}


def rules(project_root) -> list[tuple[str, list[str]]]:
    text = (project_root / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    lines = [line.split() for line in text.splitlines() if line.strip() and line[0] != "#"]
    return [(pattern, owners) for pattern, *owners in lines]


def owners_of(path: str, listed: list[tuple[str, list[str]]]) -> list[str]:
    found: list[str] = []
    for pattern, owners in listed:  # GitHub: the last matching pattern wins
        anchored = pattern.lstrip("/")
        if (
            pattern == "*"
            or anchored == path
            or (anchored.endswith("/") and path.startswith(anchored))
            or fnmatch.fnmatch(path, anchored)
        ):
            found = owners
    return found


def test_every_team_is_a_placeholder_the_readme_names(project_root):
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    for _, owners in rules(project_root):
        for owner in owners:
            org, team = owner.removeprefix("@").split("/")
            assert (org, team in TEAMS) == ("your-org", True), owner
            assert f"`{owner}`" in readme, owner


def test_each_config_file_is_its_owners(project_root):
    listed = rules(project_root)
    assert {str(name) for name in FILES} <= set(OWNER_OF)
    for path, team in OWNER_OF.items():
        assert f"@your-org/{team}" in owners_of(path, listed), path


def test_the_policy_needs_compliance_or_the_managers_not_data_science(project_root):
    assert owners_of("policy.yaml", rules(project_root)) == [
        "@your-org/compliance",
        "@your-org/ds-managers",
    ]
