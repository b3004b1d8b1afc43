"""Protects champion against challenger on the same rows: what makes a baseline model unable
to score the rows is named (features, target, a column's type), each model is measured at its
own threshold with the drop computed on the same rows, and each way of failing to get the
baseline model ends in the status the gate judges, never in numbers from other rows.
"""

import pytest
import yaml
from support.repos import run

from modelops.config.metrics import LOWER_IS_BETTER, metric_value
from modelops.model.evaluate import score_rows
from modelops.model.persistence import save_model
from modelops.model.train import Target, train_model
from modelops.retrieve import file_md5
from modelops.review.champion import (
    COMPARED,
    NO_MODEL,
    NOT_COMPARABLE,
    UNAVAILABLE,
    challenger_of,
    drops,
    not_comparable,
    same_rows,
)

MODEL = "models/model.skops"


@pytest.fixture(scope="module")
def train_challenger(small_train, features, business_params, fast_train_params):
    """train_challenger(change, columns, target): a logistic model of those columns (all the
    features by default) on the small training rows as change(rows) makes them."""

    def fit(change=lambda rows: rows, columns=None, target=None):
        rows = change(small_train.copy())
        return train_model(
            rows,
            columns or features,
            target,
            fast_train_params["logistic_regression"],
            business_params,
        ).classifier

    return fit


@pytest.fixture(scope="module")
def baseline(small_models):
    return small_models["logistic_regression"]


@pytest.fixture(scope="module")
def without_records_and_job(train_challenger, features, target):
    """A challenger on data that no longer has the Records and Job columns."""
    return train_challenger(columns=[f for f in features if f not in ("Records", "Job")],
                            target=target)  # fmt: skip


def test_the_same_kind_of_rows_are_comparable(baseline, small_models, small_holdout, target,
                                               sample_params):  # fmt: skip
    challenger = challenger_of(small_models["random_forest"], small_holdout, target, sample_params)
    assert not_comparable(baseline, challenger) is None


def test_missing_features_are_named(
    baseline, without_records_and_job, small_holdout, target, sample_params
):
    rows = small_holdout.drop(columns=["Records", "Job"])
    challenger = challenger_of(without_records_and_job, rows, target, sample_params)
    reason = not_comparable(baseline, challenger)
    assert reason == "features the baseline model needs are not in the rows: Records, Job"


def test_other_target_labels_are_a_changed_target(
    baseline, train_challenger, small_holdout, sample_params
):
    relabel = lambda rows: rows.assign(  # noqa: E731
        Status=rows["Status"].map({"bad": "default", "good": "repaid"})
    )
    target = Target("Status", "default")
    model = train_challenger(relabel, target=target)
    reason = not_comparable(baseline, challenger_of(model, relabel(small_holdout), target,
                                                    sample_params))  # fmt: skip
    assert reason.startswith("the target changed:")
    assert "['bad', 'good']" in reason and "['default', 'repaid']" in reason


def test_another_positive_class_is_a_changed_target(
    baseline, train_challenger, small_holdout, sample_params
):
    target = Target("Status", "good")
    model = train_challenger(target=target)
    reason = not_comparable(baseline, challenger_of(model, small_holdout, target, sample_params))
    assert reason.startswith("the target changed:")
    assert "(positive 'bad')" in reason and "(positive 'good')" in reason


def test_a_numeric_column_that_is_text_now_is_named(
    baseline, train_challenger, small_holdout, target, sample_params
):
    as_text = lambda rows: rows.assign(Income=rows["Income"].astype(str))  # noqa: E731
    model = train_challenger(as_text, target=target)
    rows = as_text(small_holdout)
    reason = not_comparable(baseline, challenger_of(model, rows, target, sample_params))
    assert reason == "columns the baseline model reads as numbers are not numbers now: ['Income']"


def test_drops_are_the_exact_differences_on_the_same_rows(
    baseline, small_models, small_holdout, target, sample_params
):
    challenger = challenger_of(small_models["random_forest"], small_holdout, target, sample_params)
    theirs = score_rows(baseline, small_holdout, target, sample_params.business)
    # Each model decides at its own threshold: the value per application follows from it.
    assert theirs.metrics["threshold"] == pytest.approx(baseline.threshold)
    assert challenger.scored.metrics["threshold"] != theirs.metrics["threshold"]
    found = drops(challenger.scored, theirs, sample_params)
    assert set(found) == set(sample_params.gate.max_drop)
    for name, drop in found.items():
        before = metric_value(theirs.metrics, name)
        after = metric_value(challenger.scored.metrics, name)
        worse_by = after - before if name in LOWER_IS_BETTER else before - after
        assert drop.point == pytest.approx(worse_by), name
        assert drop.low <= drop.high, name


def test_a_model_against_itself_drops_nothing(baseline, small_holdout, target, sample_params):
    challenger = challenger_of(baseline, small_holdout, target, sample_params)
    for name, drop in drops(challenger.scored, challenger.scored, sample_params).items():
        assert (drop.point, drop.low, drop.high) == (0.0, 0.0, 0.0), name


# same_rows on a small git + DVC repository: dvc.yaml declares the artifact, each commit's
# dvc.lock records a model's hash, and the model's bytes are in the DVC cache.


@pytest.fixture(scope="module")
def model_repo(tmp_path_factory, baseline):
    """A repository whose commits are: before DVC, before the model, a model, a file that is
    no model, a model whose bytes are nowhere; commit name -> sha."""
    from dvc.repo import Repo

    repo = tmp_path_factory.mktemp("champion") / "repo"
    repo.mkdir()
    git = lambda *args: run("git", *args, cwd=repo).stdout.strip()  # noqa: E731
    git("init", "-q", "-b", "main")
    (repo / ".gitignore").write_text("/models\n")
    git("add", "-A")
    git("commit", "-q", "-m", "no DVC")
    commits = {"no pipeline": git("rev-parse", "HEAD")}
    Repo.init(str(repo))
    stage = {"cmd": "false", "outs": [MODEL]}  # a rebuild fails
    pipeline = {"stages": {"train": stage}, "artifacts": {"credit-risk": {"path": MODEL}}}
    (repo / "dvc.yaml").write_text(yaml.safe_dump(pipeline))
    git("add", "-A")
    git("commit", "-q", "-m", "pipeline, never run")
    commits["no model"] = git("rev-parse", "HEAD")

    stash = repo / "models" / "stash"  # git-ignored, as DVC outputs are
    stash.mkdir(parents=True)
    save_model(baseline, stash / "baseline.skops")
    (stash / "garbage.skops").write_bytes(b"not a model at all")
    (stash / "lost.skops").write_bytes(b"a model nobody kept")
    for name, file in (("model", "baseline"), ("not a model", "garbage"), ("lost", "lost")):
        path = stash / f"{file}.skops"
        _lock(repo, path)
        git("add", "-A")
        git("commit", "-q", "-m", name)
        commits[name] = git("rev-parse", "HEAD")
        if name != "lost":
            _to_cache(repo, path)
    (repo / MODEL).write_bytes(b"the working tree holds another model")
    return repo, commits


def _lock(repo, path) -> None:
    out = {"path": MODEL, "hash": "md5", "md5": file_md5(path), "size": path.stat().st_size}
    lock = {"schema": "2.0", "stages": {"train": {"cmd": "false", "outs": [out]}}}
    (repo / "dvc.lock").write_text(yaml.safe_dump(lock, sort_keys=False))


def _to_cache(repo, path) -> None:
    target = repo / ".dvc" / "cache" / "files" / "md5" / file_md5(path)[:2] / file_md5(path)[2:]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())


@pytest.fixture(scope="module")
def forest(small_models, small_holdout, target, sample_params):
    return challenger_of(small_models["random_forest"], small_holdout, target, sample_params)


def test_baseline_model_from_the_cache_is_compared(model_repo, forest, baseline, small_holdout,
                                                   target, sample_params):  # fmt: skip
    repo, commits = model_repo
    same = same_rows(repo, commits["model"], forest, sample_params)
    assert same.status == COMPARED
    assert same.note.startswith(f"{MODEL} from the DVC cache, md5 ")
    theirs = score_rows(baseline, small_holdout, target, sample_params.business)
    assert same.metrics == theirs.metrics
    assert same.drops == drops(forest.scored, theirs, sample_params)
    assert set(same.segments) == set(sample_params.evaluate.segments)


def test_baseline_model_that_cannot_score_the_rows_is_not_comparable(
    model_repo, without_records_and_job, small_holdout, target, sample_params
):
    repo, commits = model_repo
    rows = small_holdout.drop(columns=["Records", "Job"])
    challenger = challenger_of(without_records_and_job, rows, target, sample_params)
    same = same_rows(repo, commits["model"], challenger, sample_params)
    assert (same.status, same.metrics, same.drops) == (NOT_COMPARABLE, None, {})
    assert same.note == "features the baseline model needs are not in the rows: Records, Job"


def test_a_file_that_is_no_model_is_an_unavailable_baseline(model_repo, forest, sample_params):
    repo, commits = model_repo
    same = same_rows(repo, commits["not a model"], forest, sample_params)
    assert (same.status, same.metrics) == (UNAVAILABLE, None)
    assert "not a modelops model" in same.note


def test_a_model_no_way_yields_is_unavailable_saying_why(model_repo, forest, sample_params):
    repo, commits = model_repo
    same = same_rows(repo, commits["lost"], forest, sample_params)
    assert (same.status, same.metrics) == (UNAVAILABLE, None)
    for way in ("working tree: hash", "DVC cache: not there", "DVC remote: no default remote",
                "rebuild: `dvc repro` failed"):  # fmt: skip
        assert way in same.note


@pytest.mark.parametrize(
    ("commit", "note"),
    [("no model", "predates the model"), ("no pipeline", "no model declared at")],
)
def test_a_commit_without_the_model_has_no_baseline(model_repo, forest, sample_params, commit,
                                                    note):  # fmt: skip
    repo, commits = model_repo
    same = same_rows(repo, commits[commit], forest, sample_params)
    assert same.status == NO_MODEL
    assert note in same.note


def test_same_rows_as_recorded_in_the_verdict(model_repo, forest, sample_params):
    repo, commits = model_repo
    record = same_rows(repo, commits["model"], forest, sample_params).as_dict()
    assert record["status"] == COMPARED
    assert set(record["drops"]) == set(sample_params.gate.max_drop)
    assert all(set(d) == {"point", "low", "high"} for d in record["drops"].values())


def test_a_higher_confidence_widens_the_interval_not_the_point(
    forest, baseline, small_holdout, target, sample_params
):
    theirs = score_rows(baseline, small_holdout, target, sample_params.business)
    gate = sample_params.gate
    comparison = gate.comparison.model_copy(update={"confidence": 0.99})
    surer = sample_params.model_copy(
        update={"gate": gate.model_copy(update={"comparison": comparison})}
    )
    usual, wide = drops(forest.scored, theirs, sample_params), drops(forest.scored, theirs, surer)
    for name, drop in usual.items():
        assert wide[name].point == drop.point
        assert wide[name].low < drop.low and wide[name].high > drop.high, name
