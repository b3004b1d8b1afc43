"""Protects feedback as a source: rows returning from production go through the same contract
(a bad one is quarantined with its rule), carry provenance that is checked on them and absent
elsewhere, and an applicant seen again keeps only its newest observation, counted."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from modelops.config.contract import Contract
from modelops.data.ingest import ingest
from modelops.data.validation import QUARANTINE_REASON, validate_against_contract
from modelops.errors import ConfigError

from modelops.config.params import Source  # isort: skip


def feedback_rows(sample: pd.DataFrame, rows: slice, **changes) -> pd.DataFrame:
    """Sample rows as the feedback export writes them: the application, its outcome, and
    provenance (one prediction each, outcomes observed a day apart in row order)."""
    frame = sample.iloc[rows].reset_index(drop=True)
    n = len(frame)
    predicted = pd.date_range("2026-10-01", periods=n, freq="h", tz="UTC")
    frame = frame.assign(
        prediction_id=[f"p{i:04d}" for i in range(n)],
        model_version="v1.0.0",
        predicted_at=predicted.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        observed_at=(predicted + pd.Timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        p_default=0.25,
        decision="approve",
        propensity=1.0,
        explored="no",
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def validated(tmp_path, contract, original: pd.DataFrame, *feedback_files: pd.DataFrame):
    """Ingest the original rows and a feedback folder (one CSV per frame), then validate."""
    original.to_csv(tmp_path / "credit.csv", index=False)
    folder = tmp_path / "feedback"
    folder.mkdir()
    for i, frame in enumerate(feedback_files):
        frame.to_csv(folder / f"2026-{10 + i:02d}.csv", index=False)
    sources = (
        Source(name="modeldata", kind="csv", path=str(tmp_path / "credit.csv")),
        Source(name="feedback", kind="csv", path=str(folder)),
    )
    return validate_against_contract(ingest(sources, "source"), contract, "source")


def reasons(result) -> dict[str, str]:
    quarantine = result.quarantine
    key = "prediction_id" if "prediction_id" in quarantine else "applicant_id"
    return dict(zip(quarantine[key].fillna(quarantine["applicant_id"]),
                    quarantine[QUARANTINE_REASON], strict=True))  # fmt: skip


@pytest.fixture
def original(sample) -> pd.DataFrame:
    """The sample but its last 100 applicants, whom feedback brings as new applicants."""
    return sample.iloc[:-100]


def new_applicants(sample, n: int, **changes) -> pd.DataFrame:
    return feedback_rows(sample, slice(len(sample) - 100, len(sample) - 100 + n), **changes)


def test_feedback_rows_pass_and_keep_typed_provenance(tmp_path, sample_contract, sample, original):
    result = validated(tmp_path, sample_contract, original, new_applicants(sample, 30))
    assert result.passed, result.failures
    table = result.validated
    feedback = table[table["source"] == "feedback"]
    assert len(feedback) == 30 and len(table) == len(original) + 30
    assert feedback["prediction_id"].tolist() == [f"p{i:04d}" for i in range(30)]
    assert str(table["predicted_at"].dt.tz) == "UTC"
    assert table["propensity"].dtype == "float64"
    # The original rows carry no provenance: missing, not a text "nan".
    originals = table[table["source"] == "modeldata"]
    assert originals[["prediction_id", "predicted_at", "propensity"]].isna().all().all()


def test_a_feedback_row_with_a_feature_out_of_range_is_quarantined_with_the_rule(
    tmp_path, sample_contract, sample, original
):
    feedback = new_applicants(sample, 30)
    feedback.loc[3, "Age"] = 150
    result = validated(tmp_path, sample_contract, original, feedback)
    assert result.passed
    assert reasons(result) == {"p0003": "Age.range"}
    assert result.report["quarantined_by_rule"] == {"Age.range": 1}
    row = result.quarantine.iloc[0]
    assert (row["source"], row["model_version"]) == ("feedback", "v1.0.0")


def test_provenance_is_typed_and_bounded_on_feedback_rows(
    tmp_path, sample_contract, sample, original
):
    feedback = new_applicants(sample, 30)
    feedback.loc[0, "propensity"] = 1.5
    feedback.loc[1, "p_default"] = -0.1
    feedback.loc[2, "decision"] = "maybe"
    feedback.loc[3, "explored"] = "perhaps"
    feedback.loc[4, "predicted_at"] = "yesterday"
    feedback.loc[5, "observed_at"] = None
    feedback.loc[6, "decision"] = " Reject "  # normalised like any category: kept
    result = validated(tmp_path, sample_contract, original, feedback)
    assert reasons(result) == {
        "p0000": "propensity.range",
        "p0001": "p_default.range",
        "p0002": "decision.allowed",
        "p0003": "explored.allowed",
        "p0004": "predicted_at.type",
        "p0005": "observed_at.not_null",
    }
    assert "reject" in result.validated["decision"].tolist()


def test_provenance_on_a_row_of_another_source_is_quarantined(
    tmp_path, sample_contract, sample, original
):
    stray = original.assign(prediction_id=None)
    stray.loc[7, "prediction_id"] = "claims-to-be-feedback"
    result = validated(tmp_path, sample_contract, stray, new_applicants(sample, 5))
    assert reasons(result) == {"claims-to-be-feedback": "prediction_id.feedback_only"}


def test_a_feedback_file_without_a_provenance_column_fails_the_contract(
    tmp_path, sample_contract, sample, original
):
    feedback = new_applicants(sample, 5).drop(columns="propensity")
    result = validated(tmp_path, sample_contract, original, feedback)
    assert not result.passed
    assert [(r.rule, r.column) for r in result.failures] == [
        ("schema.required_column", "propensity")
    ]


def test_without_feedback_rows_provenance_columns_are_not_required(sample_contract, original):
    result = validate_against_contract(
        original.assign(source="modeldata"), sample_contract, "source"
    )
    assert result.passed
    assert "prediction_id" not in result.validated


def test_an_applicant_in_the_original_data_and_in_feedback_keeps_the_feedback_row(
    tmp_path, sample_contract, sample, original
):
    again = feedback_rows(original, slice(0, 2), Status=["bad", "bad"])  # A00001, A00002
    result = validated(tmp_path, sample_contract, original, again)
    assert result.passed
    table = result.validated.set_index("applicant_id")
    assert table.loc[["A00001", "A00002"], "source"].tolist() == ["feedback", "feedback"]
    assert table.loc[["A00001", "A00002"], "Status"].tolist() == ["bad", "bad"]
    assert result.report["older_observations_dropped"] == 2
    assert result.report["corrections"]["older_observations_dropped"] == 2
    assert len(result.validated) == len(original)


def test_two_feedback_rows_of_one_applicant_keep_the_later_observation(
    tmp_path, sample_contract, sample, original
):
    later = new_applicants(sample, 1, prediction_id="later", Status="bad",
                           observed_at="2027-03-01T00:00:00.000000Z")  # fmt: skip
    earlier = new_applicants(sample, 1, prediction_id="earlier", Status="good",
                             observed_at="2027-02-01T00:00:00.000000Z")  # fmt: skip
    # The later observation is in the earlier file: the time decides, not the file order.
    result = validated(tmp_path, sample_contract, original, later, earlier)
    assert result.passed
    kept = result.validated[result.validated["source"] == "feedback"]
    assert kept["prediction_id"].tolist() == ["later"]
    assert result.report["older_observations_dropped"] == 1


def test_observations_at_the_same_time_keep_the_later_row_in_ingest_order(
    tmp_path, sample_contract, sample, original
):
    same = "2027-02-01T00:00:00.000000Z"
    first = new_applicants(sample, 1, prediction_id="first", observed_at=same)
    second = new_applicants(sample, 1, prediction_id="second", observed_at=same)
    for files in ((first, second), (second, first)):
        folder = tmp_path / "_".join(f["prediction_id"][0] for f in files)
        folder.mkdir()
        result = validated(folder, sample_contract, original, *files)
        kept = result.validated[result.validated["source"] == "feedback"]
        assert kept["prediction_id"].tolist() == [files[1]["prediction_id"][0]]


def test_two_original_rows_of_one_applicant_are_still_a_uniqueness_error(
    tmp_path, sample_contract, original
):
    twice = original.copy()
    twice.loc[1, "applicant_id"] = "A00001"  # no observation to prefer one: not an update
    result = validated(tmp_path, sample_contract, twice)
    assert reasons(result) == {"A00001": "applicant_id.unique"}
    assert result.report["older_observations_dropped"] == 0


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c["corrections"].update(keep_newest_per_id="p_default"),
         "keep_newest_per_id 'p_default' must be a timestamp column"),
        (lambda c: c["provenance"]["columns"].pop("propensity"),
         "columns.propensity must be declared, of type number"),
        (lambda c: c["provenance"]["columns"]["propensity"].update(max=2),
         "propensity.max must be at most 1"),
        (lambda c: c["provenance"]["columns"].update(Age={"type": "number"}),
         "provenance.columns.Age is also under columns"),
    ],
)  # fmt: skip
def test_a_contract_whose_provenance_cannot_apply_is_refused(raw_contract, edit, message):
    raw = yaml.safe_load(yaml.safe_dump(raw_contract))
    edit(raw)
    with pytest.raises((ConfigError, ValueError), match=message):
        Contract.model_validate(raw)
