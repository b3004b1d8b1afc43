"""Protects what error messages may show: values cut to a bounded length with what was left out
counted, and passwords in URLs masked."""

import pytest

from modelops.errors import SHOWN_CHARACTERS, redact, shown, shown_text


def test_a_short_value_is_shown_whole_as_its_repr():
    assert shown("Age") == "'Age'"
    assert shown([18, 35]) == "[18, 35]"
    assert shown("x" * (SHOWN_CHARACTERS - 2)) == repr("x" * (SHOWN_CHARACTERS - 2))


def test_a_long_value_is_cut_and_the_rest_counted():
    value = "y" * 2_000_000  # a cell of 2 MB
    text = shown(value)
    assert text == f"'{'y' * (SHOWN_CHARACTERS - 1)}...(+{2_000_002 - SHOWN_CHARACTERS} chars)"
    assert len(text) < 100


def test_shown_text_cuts_without_quotes():
    assert shown_text("plain") == "plain"
    assert shown_text("z" * 70, limit=10) == "zzzzzzzzzz...(+60 chars)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://analyst:s3cret@db.example:5432/credit",
         "postgresql://analyst:***@db.example:5432/credit"),
        ("mysql+pymysql://u:p%40ss@h/db failed", "mysql+pymysql://u:***@h/db failed"),
        ("a: sqlite://x:1@/a.db and b: postgresql://y:2@h/b",
         "a: sqlite://x:***@/a.db and b: postgresql://y:***@h/b"),
        ("postgresql://:tokenonly@h/db", "postgresql://:***@h/db"),
    ],
    ids=["password", "driver_and_encoded", "two_urls", "no_user"],
)  # fmt: skip
def test_redact_masks_the_password_of_every_url(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    ["postgresql://analyst@db.example/credit", "sqlite:///data/core.db",
     "https://example.com:8443/path", "user:secret@host without a scheme is no URL"],
)  # fmt: skip
def test_redact_leaves_text_without_a_url_password(text):
    assert redact(text) == text
