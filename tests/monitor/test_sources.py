"""Protects the monitor's window on the command line: times in any zone become the same UTC
instant the store compares with; a bad time, span or an empty window is refused (exit 2)."""

from datetime import UTC, datetime, timedelta

import pytest

from modelops.cli.times import parse_span, parse_time, window_bounds
from modelops.errors import InputError

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-11-01T02:00:00+02:00", datetime(2026, 11, 1, 0, 0, tzinfo=UTC)),
        ("2026-11-01T02:00:00", datetime(2026, 11, 1, 2, 0, tzinfo=UTC)),  # no zone: UTC
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
    ],
)
def test_a_time_is_its_utc_instant(text, instant):
    parsed = parse_time(text, "--since")
    assert parsed == instant and parsed.utcoffset() == timedelta(0)


SPANS = {"7d": timedelta(days=7), "24h": timedelta(hours=24), "2w": timedelta(weeks=2),
         "30m": timedelta(minutes=30)}  # fmt: skip


@pytest.mark.parametrize(("text", "span"), SPANS.items())
def test_spans(text, span):
    assert parse_span(text) == span


@pytest.mark.parametrize(
    ("since", "until", "last", "words"),
    [
        ("yesterday", None, None, "--since 'yesterday': not an ISO 8601"),
        (None, None, "7 days", "--last '7 days'"),
        (None, None, "0d", "--last '0d'"),
        ("2026-11-27T12:00:00+00:00", None, None, "is not before --until"),
        ("2026-11-01", None, "7d", "--last and --since"),
    ],
)
def test_a_bad_window_is_refused_naming_it(since, until, last, words):
    with pytest.raises(InputError, match=words.replace("(", r"\(")):
        window_bounds(since, until, last, NOW)


def test_the_default_window_is_the_last_seven_days():
    assert window_bounds(None, None, None, NOW) == (NOW - timedelta(days=7), NOW)
