"""Protects the money view: loan values, the baselines report and the value-maximising cut."""

import pytest

from modelops.model.business import business_report, business_value, loan_values

# Four loans worked by hand with margin 0.10 and loss given default 0.50:
# good 1000 -> +100, bad 2000 -> -1000, good 500 -> +50, bad 4000 -> -2000.
IS_BAD = [False, True, False, True]
AMOUNT = [1000, 2000, 500, 4000]
MARGIN, LGD = 0.10, 0.50


def test_loan_values_earn_margin_on_good_and_lose_lgd_on_bad():
    assert loan_values(IS_BAD, AMOUNT, MARGIN, LGD).tolist() == pytest.approx(
        [100.0, -1000.0, 50.0, -2000.0]
    )


def test_business_value_is_the_approved_values_per_application():
    approved = [True, True, True, False]
    # (100 - 1000 + 50) / 4 applications; the rejected loan counts in the denominator.
    assert business_value(IS_BAD, approved, AMOUNT, MARGIN, LGD) == pytest.approx(-212.5)


def test_business_value_of_no_applications_is_zero():
    assert business_value([], [], [], MARGIN, LGD) == 0.0


def test_business_report_frames_the_model_with_both_baselines():
    report = business_report(IS_BAD, [True, True, True, False], AMOUNT, MARGIN, LGD)
    assert report.model == pytest.approx(-212.5)
    assert report.approve_all == pytest.approx((100 - 1000 + 50 - 2000) / 4)  # -712.5
    assert report.perfect == pytest.approx((100 + 50) / 4)  # 37.5
    assert report.uplift == pytest.approx(-212.5 + 712.5)
    assert report.approval_rate == pytest.approx(0.75)
    assert report.as_dict() == {
        "value_per_application": report.model,
        "approve_all_per_application": report.approve_all,
        "perfect_per_application": report.perfect,
        "uplift_per_application": report.uplift,
        "approval_rate": report.approval_rate,
    }


def test_business_report_of_a_perfect_model_equals_the_perfect_baseline():
    approved = [not bad for bad in IS_BAD]
    report = business_report(IS_BAD, approved, AMOUNT, MARGIN, LGD)
    assert report.model == pytest.approx(report.perfect)
    assert report.approval_rate == pytest.approx(0.5)
