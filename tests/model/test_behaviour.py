"""Protects what the trained default model does: it ranks well, learned, and moves the right way."""

import numpy as np
from sklearn.metrics import roc_auc_score

from modelops.model import build_pipeline
from modelops.train import p_bad_of


def test_minimum_ranking_quality_on_the_test_set(trained, held_out):
    p_bad = p_bad_of(trained.classifier, held_out, "bad")
    assert roc_auc_score(held_out["Status"] == "bad", p_bad) >= 0.82


def test_model_learns_far_more_than_from_shuffled_labels(
    split, held_out, data_params, train_params
):
    train = split[0]
    X, is_bad = train[list(data_params.features)], held_out["Status"] == "bad"
    shuffled = train["Status"].sample(frac=1, random_state=0).to_numpy()
    real = build_pipeline(data_params, train_params).fit(X, train["Status"])
    noise = build_pipeline(data_params, train_params).fit(X, shuffled)
    real_auc = roc_auc_score(is_bad, p_bad_of(real, held_out, "bad"))
    noise_auc = roc_auc_score(is_bad, p_bad_of(noise, held_out, "bad"))
    assert abs(noise_auc - 0.5) < 0.1
    assert real_auc - noise_auc > 0.2


def test_more_debt_and_less_income_does_not_lower_risk(trained, held_out):
    before = p_bad_of(trained.classifier, held_out, "bad")
    worse = held_out.assign(Debt=held_out["Debt"] + 1000, Income=held_out["Income"] / 2)
    after = p_bad_of(trained.classifier, worse, "bad")
    assert (after >= before).mean() >= 0.9
    assert (after > before).mean() >= 0.9  # and it does move


def test_a_record_of_arrears_raises_risk(trained, held_out):
    with_record = p_bad_of(trained.classifier, held_out.assign(Records="yes"), "bad")
    without = p_bad_of(trained.classifier, held_out.assign(Records="no"), "bad")
    assert (with_record > without).mean() >= 0.99


def test_identifier_and_source_do_not_change_predictions(trained, held_out):
    relabelled = held_out.assign(applicant_id="X99999", source="branch_office")
    before, after = (
        trained.classifier.predict_proba(held_out),
        trained.classifier.predict_proba(relabelled),
    )
    np.testing.assert_array_equal(before, after)


def test_predict_applies_the_chosen_threshold(trained, held_out):
    assert 0.0 < trained.threshold < 1.0
    assert trained.classifier.threshold == trained.threshold
    p_bad = p_bad_of(trained.classifier, held_out, "bad")
    predicted_bad = trained.classifier.predict(held_out) == "bad"
    np.testing.assert_array_equal(predicted_bad, p_bad >= trained.threshold)
    assert 0 < predicted_bad.sum() < len(held_out)  # the cut falls inside the scores
