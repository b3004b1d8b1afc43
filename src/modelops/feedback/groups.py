"""The kinds of decision an outcome can come back from, in the order reports show them: a
lender learns whether an applicant repays only if it lent, so outcomes come from approvals by
the model and by exploration (serve.exploration), never from rejections. The monitor's label
coverage and the PR report's feedback counts both group by these."""

from __future__ import annotations

GROUPS = ("approved by the model", "approved by exploration", "rejected")


def decision_groups(approved, explored, rejected) -> tuple:
    """The members of each group of GROUPS (boolean arrays or Series, alike in shape): approved
    and not explored, approved by exploration, rejected."""
    return approved & ~explored, approved & explored, rejected
