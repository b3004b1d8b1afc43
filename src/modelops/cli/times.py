"""Times and spans as the commands take them (--since, --until, --last, --as-of,
--trained-at): ISO 8601 in UTC, within bounds that no computation on them overflows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from modelops.errors import InputError, shown

UNITS = {"d": "days", "h": "hours", "m": "minutes", "w": "weeks"}
# The times a command accepts: no prediction is older than the Unix epoch, and a window, an
# export or a model's age computed from a time in this range never leaves datetime's years 1
# to 9999 (OverflowError) with a span of at most LONGEST_SPAN.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
LONGEST_SPAN = timedelta(days=36_525)  # a hundred years


def parse_time(text: str, option: str) -> datetime:
    """An ISO 8601 date or time from EARLIEST to LATEST; without a zone it is UTC."""
    try:
        moment = datetime.fromisoformat(text)
        # In UTC: the store compares times as SQLite keeps them, without their zone.
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        raise InputError(f"{option} {shown(text)}: not an ISO 8601 date or time") from None
    except OverflowError:  # year 1 or 9999 moved into UTC: outside the range anyway
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise InputError(
            f"{option} {shown(text)}: outside {EARLIEST.date().isoformat()} to "
            f"{LATEST.date().isoformat()}"
        )
    return moment


def parse_span(text: str) -> timedelta:
    """`7d`, `24h`, `30m`, `2w`, at most LONGEST_SPAN."""
    found = re.fullmatch(r"(\d+)([dhmw])", text.strip())
    if not found or not found.group(1).strip("0"):
        raise InputError(f"--last {shown(text)}: give a number and a unit, e.g. 7d, 24h, 2w")
    digits, unit = found.group(1).lstrip("0"), UNITS[found.group(2)]
    # Nine digits of minutes already pass a hundred years: longer numbers need not be read
    # (timedelta overflows at ten digits of weeks, int() refuses more than 4,300 digits).
    if len(digits) > 8 or timedelta(**{unit: int(digits)}) > LONGEST_SPAN:
        raise InputError(
            f"--last {shown(text)}: longer than {LONGEST_SPAN.days:,} days (100 years)"
        )
    return timedelta(**{unit: int(digits)})


def window_bounds(
    since: str | None, until: str | None, last: str | None, now: datetime
) -> tuple[datetime, datetime]:
    if last is not None and since is not None:
        raise InputError("--last and --since: give one of them")
    end = parse_time(until, "--until") if until else now
    start = parse_time(since, "--since") if since else end - parse_span(last or "7d")
    if start >= end:
        raise InputError(f"--since {start.isoformat()} is not before --until {end.isoformat()}")
    return start, end
