"""Protects train.threshold_rows and evaluate.importance_rows: on a large table the threshold's
out-of-fold predictions and permutation importance use a seeded sample of rows, the final fit
every row; a table within the bound is used whole, as before."""

import numpy as np
import pytest

from modelops.model.evaluate import feature_importance
from modelops.model.train import sampled_rows, train_model


def test_rows_within_the_bound_are_all_kept_in_order():
    assert sampled_rows(5, 5, seed=1).tolist() == [0, 1, 2, 3, 4]


def test_a_larger_table_gives_the_same_ordered_sample_for_the_same_seed():
    rows = sampled_rows(10_000, 1_000, seed=7)
    assert len(rows) == len(set(rows.tolist())) == 1_000
    assert (np.diff(rows) > 0).all()
    assert rows.tolist() == sampled_rows(10_000, 1_000, seed=7).tolist()
    assert rows.tolist() != sampled_rows(10_000, 1_000, seed=8).tolist()


@pytest.fixture(scope="module")
def large_train(sample):
    return sample.iloc[:3000].reset_index(drop=True)


@pytest.fixture(scope="module")
def settings(fast_train_params):
    return fast_train_params["logistic_regression"]


def test_threshold_is_the_one_the_sampled_rows_alone_give_and_the_fit_uses_every_row(
    large_train, features, target, business_params, settings
):
    sampled = settings.model_copy(update={"threshold_rows": 1_000})
    trained = train_model(large_train, features, target, sampled, business_params)
    subset = large_train.iloc[sampled_rows(3000, 1_000, settings.seed)].reset_index(drop=True)
    on_subset = train_model(subset, features, target, settings, business_params)
    whole = train_model(large_train, features, target, settings, business_params)
    assert trained.threshold == on_subset.threshold
    assert trained.out_of_fold_roc_auc == on_subset.out_of_fold_roc_auc
    assert trained.out_of_fold_roc_auc != whole.out_of_fold_roc_auc
    coefficients = [t.classifier.estimator_.named_steps["classify"].coef_ for t in (trained, whole)]
    np.testing.assert_array_equal(*coefficients)


def test_importance_is_measured_on_the_sampled_rows_only(small_models, sample, features, target):
    model = small_models["logistic_regression"]
    test = sample.iloc[500:3500].reset_index(drop=True)
    X, y = test[features], test[target.column]
    sampled = feature_importance(model, X, y, repeats=2, seed=3, at_most_rows=1_000)
    rows = sampled_rows(3000, 1_000, 3)
    by_hand = feature_importance(model, X.iloc[rows], y.iloc[rows], 2, 3, at_most_rows=1_000)
    whole = feature_importance(model, X, y, repeats=2, seed=3, at_most_rows=3_000)
    assert sampled == by_hand
    assert sampled != whole
