"""Protects scheduled monitoring and retraining: monitor.yml, run with act on the built sample
project against prediction stores written by the real service (release v0.1.0 answering the
held-out applications, every outcome sent back). Traffic like the test set, judged by the
degradation rules alone (the schedule off), keeps the model: no pull request, nothing pushed.
A downturn (incomes halved, outcomes no longer following the model) retrains: the final
outcomes exported and pushed to the DVC remote, the pipeline rerun, and one pull request from
retrain/<date> whose body is the monitoring verdict and the decision's reasons, made with
RETRAIN_TOKEN. The same healthy traffic under the project's default schedule (500 new
outcomes, counted in the store the workflow is given) is a scheduled retrain; with a
retraining pull request already open, that one is updated instead. A run with no verdict
(no traffic in the window asked for by hand) fails, deciding nothing. `gh` is a recording
stand-in (no GitHub API).

The sample's outcomes all arrive at once: the clones export them at once
(feedback.min_outcome_age_days 0), so the default window (the last 7 days) holds them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import yaml
from serve.live import MODELOPS, LiveServer
from support.act import TOKEN, run_concurrently, run_workflow
from support.config import write_config
from support.repos import clone_folder, remote_branches, run, tag_version
from support.traffic import BATCH, applications, serve_traffic

from modelops.config.layout import read_sections

RETRAIN_TOKEN = "act-retrain-token-not-a-secret"
REQUESTS = 12  # x BATCH applications, each with its outcome: >= retrain.min_labelled_rows 500
OPEN_PR = {"number": 31, "headRefName": "retrain/2026-11-20", "isCrossRepository": False}
FORK_PR = {"number": 32, "headRefName": "retrain/mine", "isCrossRepository": True}
# What the retraining commit changes: the feedback's DVC pointer, dvc.lock for the pipeline
# that reran on it, the reports it rewrote (metrics among them: a new model) and the new
# model's card (in git); nothing else.
RETRAINED = {"data/feedback.dvc", "dvc.lock", "reports/metrics.json", "models/model_card.md"}


def is_retraining(changed: set[str]) -> bool:
    return changed >= RETRAINED and all(
        path in RETRAINED or path.startswith("reports/") for path in changed
    )


def downturn(rows):
    """Incomes halved, and outcomes that no longer follow the model (shuffled)."""
    shuffled = rows["Status"].sample(frac=1, random_state=1).to_numpy()
    return rows.assign(Income=(rows["Income"] / 2).round(), Status=shuffled)


@pytest.fixture(scope="module")
def stores(built_sample, tmp_path_factory) -> dict[str, str]:
    """SQLite stores written by `modelops serve` serving release v0.1.0 of the sample's model:
    traffic like the test set, and a downturn."""
    work = tmp_path_factory.mktemp("monitor-stores")
    project = clone_folder(built_sample, work / "project")
    (project / "reports" / "report.md").write_text("# report\n", encoding="utf-8")
    tag_version(project, "v0.1.0")
    run(MODELOPS, "release", "bundle", "--version", "v0.1.0", "--output", "dist", cwd=project)
    urls = {}
    for name, change in {"healthy": None, "downturn": downturn}.items():
        urls[name] = f"sqlite:///{work / name}.db"
        server = LiveServer(
            project, urls[name], work / f"{name}.log", bundle=project / "dist/credit-risk-v0.1.0"
        )
        try:
            serve_traffic(server.start(), *applications(project, REQUESTS, change))
        finally:
            server.stop()
    return urls


def released_clone(new_clone):
    """A clone whose main exports outcomes at once and is registered as v0.1.0 (the version
    the stores' service ran), both pushed; an empty DVC remote beside it."""
    repo = new_clone()
    params = read_sections(repo / "params.yaml")
    params["feedback"] = {"min_outcome_age_days": 0}
    write_config(repo / "params.yaml", params)
    run("git", "commit", "-q", "-am", "Export outcomes as soon as they arrive", cwd=repo)
    run("git", "push", "-q", "origin", "main", cwd=repo)
    run("modelops", "registry", "register", "--push", cwd=repo)  # credit-risk@v0.1.0
    (repo.parent / "dvc-remote").mkdir()
    return repo


def alarms_only(repo):
    """The clone retrains on a degradation rule's alarm only (no schedule), pushed."""
    params = read_sections(repo / "params.yaml")
    params.setdefault("retrain", {})["schedule_min_outcomes"] = None
    write_config(repo / "params.yaml", params)
    run("git", "commit", "-q", "-am", "Retrain on alarms only", cwd=repo)
    run("git", "push", "-q", "origin", "main", cwd=repo)
    return repo


def scheduled(repo, store: str, event_name: str = "schedule", event: dict | None = None):
    secrets = {
        "MONITOR_STORE_URL": store,
        "RETRAIN_TOKEN": RETRAIN_TOKEN,
        "DVC_REMOTE_URL": str(repo.parent / "dvc-remote"),
    }
    event = event or {"schedule": "17 6 * * 1"}
    return run_workflow(repo, event_name, event, workflow="monitor.yml", secrets=secrets)


def dispatched_on_a_window_without_traffic(repo, store: str):
    """Run by hand for a day in 2020: the store holds nothing then, so there is no verdict."""
    inputs = {"last": "1d", "until": "2020-01-02T00:00:00Z"}
    return scheduled(repo, store, "workflow_dispatch", {"inputs": inputs})


def with_a_retraining_pull_request_open(repo, store: str):
    """An earlier retraining branch on origin, and gh listing its pull request (after a
    fork's pull request from a branch of the same name pattern, which must be left alone)."""
    run("git", "checkout", "-q", "-b", OPEN_PR["headRefName"], cwd=repo)
    run("git", "commit", "-q", "--allow-empty", "-m", "An earlier retraining", cwd=repo)
    run("git", "push", "-q", "origin", "HEAD", cwd=repo)
    run("git", "checkout", "-q", "main", cwd=repo)
    answers = repo.parent / "gh-records" / "answers"
    answers.mkdir(parents=True)
    (answers / "pr-list.json").write_text(json.dumps([FORK_PR, OPEN_PR]))
    return scheduled(repo, store)


@pytest.fixture(scope="module")
def runs(new_clone, stores):
    """Each scenario in its own clone, kept to look at its origin afterwards, with the
    UTC days the runs spanned (the branch is named after one)."""
    scenarios = {  # the longest first: two run at a time
        "downturn": lambda repo: scheduled(repo, stores["downturn"]),
        "open_pr": lambda repo: with_a_retraining_pull_request_open(repo, stores["healthy"]),
        "healthy": lambda repo: scheduled(alarms_only(repo), stores["healthy"]),
        "no_traffic": lambda repo: dispatched_on_a_window_without_traffic(repo, stores["healthy"]),
    }
    clones = {name: released_clone(new_clone) for name in scenarios}
    days = {datetime.now(UTC).date().isoformat()}
    results = run_concurrently(
        {name: lambda f=f, repo=clones[name]: f(repo) for name, f in scenarios.items()}
    )
    days.add(datetime.now(UTC).date().isoformat())
    return {name: (clones[name], result, days) for name, result in results.items()}


def in_origin(repo, *args: str) -> str:
    return run("git", *args, cwd=repo.parent / "origin.git").stdout


def changed_files(repo, branch: str) -> set[str]:
    return set(in_origin(repo, "diff", "--name-only", "main", branch).split())


def remote_object(repo, md5: str):
    """Where DVC keeps the object of that md5 in the clone's remote (a folder's listing
    for an md5 ending .dir)."""
    return repo.parent / "dvc-remote" / "files" / "md5" / md5[:2] / md5[2:]


def remote_files(repo) -> list[str]:
    return sorted(str(p.relative_to(repo.parent)) for p in (repo.parent / "dvc-remote").rglob("*"))


def test_traffic_like_the_test_set_keeps_the_model_and_opens_nothing(runs):
    repo, result, _ = runs["healthy"]
    assert result.exit_code == 0, result.log[-3000:]
    assert "keep: every rule holds" in result.log
    artifacts = result.artifacts / "monitoring" / "monitoring"
    report = json.loads((artifacts / "monitoring.json").read_text())
    assert report["window"]["model_version"] == "v0.1.0"
    assert report["window"]["with_outcome"] == REQUESTS * BATCH
    assert report["verdict"] in {"ok", "warn"}
    assert result.gh_calls == []
    head = run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    assert remote_branches(repo) == {"main": head}
    assert remote_files(repo) == []


def test_a_downturn_opens_one_retraining_pull_request_with_the_verdict_and_reasons(runs):
    repo, result, days = runs["downturn"]
    assert result.exit_code == 0, result.log[-3000:]
    artifacts = result.artifacts / "monitoring" / "monitoring"
    report = json.loads((artifacts / "monitoring.json").read_text())
    assert report["verdict"] == "alert"
    assert report["window"]["with_outcome"] == REQUESTS * BATCH
    decision = (artifacts / "decision.txt").read_text().splitlines()
    fired = "retrain: alarm: live ROC AUC among approved loans"
    assert any(line.startswith(fired) for line in decision), decision
    # One pull request, from a new branch retrain/<today>, made with RETRAIN_TOKEN.
    [(listed, _), (created, files)] = result.gh_calls
    assert listed[:2] == ["pr", "list"]
    branch = created[created.index("--head") + 1]
    assert created[:2] == ["pr", "create"] and created[created.index("--base") + 1] == "main"
    assert branch in {f"retrain/{day}" for day in days}
    assert {result.gh_token(0), result.gh_token(1)} == {RETRAIN_TOKEN} != {TOKEN}
    head = run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    assert remote_branches(repo).keys() == {"main", branch}
    assert in_origin(repo, "rev-parse", f"{branch}^").strip() == head  # one commit on main
    assert is_retraining(changed_files(repo, branch)), changed_files(repo, branch)
    # The body: the monitor's verdict, then every reason of the decision.
    assert files == ["pr-body.md"]
    body = result.gh_file(1, "pr-body.md").read_text()
    assert body.startswith((artifacts / "monitoring.md").read_text())
    assert "## Retrain decision" in body
    assert all(f"- {line}" in body for line in decision)
    # The exported feedback, every labelled row, is in the DVC remote for the PR's CI.
    pointer = yaml.safe_load(in_origin(repo, "show", f"{branch}:data/feedback.dvc"))
    md5 = pointer["outs"][0]["md5"]
    listing = remote_object(repo, md5)
    assert listing.is_file(), remote_files(repo)
    exported = [remote_object(repo, entry["md5"]) for entry in json.loads(listing.read_text())]
    assert sum(len(f.read_text().splitlines()) - 1 for f in exported) == REQUESTS * BATCH


def test_with_a_retraining_pull_request_open_it_is_updated_not_doubled(runs):
    repo, result, _ = runs["open_pr"]
    assert result.exit_code == 0, result.log[-3000:]
    [(listed, _), (edited, files)] = result.gh_calls
    assert listed[:2] == ["pr", "list"]
    assert edited == ["pr", "edit", "31", "--body-file", edited[-1]] and files == ["pr-body.md"]
    body = result.gh_file(1, "pr-body.md").read_text()
    # Healthy traffic, the default schedule: due, no alarm (the store's outcomes were counted).
    assert "## Retrain decision" in body
    assert "- retrain: scheduled: " in body and "- retrain: alarm: " not in body, body
    # Its branch now holds this run's retraining, on main; no second branch, the fork's
    # branch name never pushed.
    head = run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    branch = OPEN_PR["headRefName"]
    assert remote_branches(repo).keys() == {"main", branch}
    assert in_origin(repo, "rev-parse", f"{branch}^").strip() == head
    assert is_retraining(changed_files(repo, branch)), changed_files(repo, branch)


def test_a_window_without_traffic_fails_the_run_and_decides_nothing(runs):
    repo, result, _ = runs["no_traffic"]
    assert result.exit_code != 0
    assert "error: no predictions in the store" in result.log
    assert "between 2020-01-01T00:00:00+00:00 and 2020-01-02T00:00:00+00:00" in result.log
    assert "Decide whether to retrain" not in result.log
    assert result.gh_calls == []
    head = run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    assert remote_branches(repo) == {"main": head}
