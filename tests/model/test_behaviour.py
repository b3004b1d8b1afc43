"""Protects what the trained sample model does: it ranks well, learned, and moves the right way."""

import numpy as np
from sklearn.metrics import roc_auc_score

from modelops.model.pipeline import p_bad_of


def test_minimum_ranking_quality_on_the_test_set(trained, held_out, target):
    p_bad = p_bad_of(trained.classifier, held_out)
    assert roc_auc_score(held_out[target.column] == target.positive, p_bad) >= 0.82


def test_model_learns_far_more_than_from_shuffled_labels(
    split, held_out, features, target, fresh_pipeline
):
    train = split[0]
    X, is_bad = train[features], held_out[target.column] == target.positive
    shuffled = train[target.column].sample(frac=1, random_state=0).to_numpy()
    auc = {}
    for name, labels in (("real", train[target.column]), ("noise", shuffled)):
        pipeline = fresh_pipeline().fit(X, labels)
        bad = list(pipeline.classes_).index(target.positive)
        auc[name] = roc_auc_score(is_bad, pipeline.predict_proba(held_out[features])[:, bad])
    assert abs(auc["noise"] - 0.5) < 0.1
    assert auc["real"] - auc["noise"] > 0.2


def test_more_debt_and_less_income_does_not_lower_risk(trained, held_out):
    before = p_bad_of(trained.classifier, held_out)
    worse = held_out.assign(Debt=held_out["Debt"] + 1000, Income=held_out["Income"] / 2)
    after = p_bad_of(trained.classifier, worse)
    assert (after >= before).mean() >= 0.9
    assert (after > before).mean() >= 0.9  # and it does move


def test_a_record_of_arrears_raises_risk(trained, held_out):
    with_record = p_bad_of(trained.classifier, held_out.assign(Records="yes"))
    without = p_bad_of(trained.classifier, held_out.assign(Records="no"))
    assert (with_record > without).mean() >= 0.99


def test_identifier_and_source_do_not_change_predictions(trained, held_out):
    relabelled = held_out.assign(applicant_id="X99999", source="branch_office")
    before, after = (
        trained.classifier.predict_proba(held_out),
        trained.classifier.predict_proba(relabelled),
    )
    np.testing.assert_array_equal(before, after)


def test_predict_applies_the_chosen_threshold(trained, held_out, target):
    assert 0.0 < trained.threshold < 1.0
    assert trained.classifier.threshold == trained.threshold
    p_bad = p_bad_of(trained.classifier, held_out)
    predicted_bad = trained.classifier.predict(held_out) == target.positive
    np.testing.assert_array_equal(predicted_bad, p_bad >= trained.threshold)
    assert 0 < predicted_bad.sum() < len(held_out)  # the cut falls inside the scores
