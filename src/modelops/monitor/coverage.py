"""Label coverage by decision: which of a window's predictions have an outcome, per kind of
decision. A lender learns whether an applicant repays only if it lent, so outcomes come from
approvals (and from exploration, serve.exploration.rate, in the region the model rejects):
live performance describes the approved population, not every applicant."""

from __future__ import annotations

import numpy as np

# The kinds of decision, in the order reports show them.
GROUPS = ("approved by the model", "approved by exploration", "rejected")
SELECTION_BIAS = (
    "Live performance is measured on the predictions with an outcome, which are approved "
    "applications: a rejected application has no outcome. It describes the applicants the "
    "model approves, not those it rejects (selection bias); only approvals by exploration "
    "bring outcomes from the region the model rejects."
)


def coverage_by_decision(
    rejected: np.ndarray, explored: np.ndarray, labelled: np.ndarray
) -> list[dict]:
    """Per group of GROUPS: predictions, with_outcome and share_labelled (None without
    predictions)."""
    rejected, explored = np.asarray(rejected, bool), np.asarray(explored, bool)
    labelled = np.asarray(labelled, bool)
    members = (~rejected & ~explored, ~rejected & explored, rejected)
    rows = []
    for group, member in zip(GROUPS, members, strict=True):
        predictions, with_outcome = int(member.sum()), int((member & labelled).sum())
        rows.append(
            {
                "decision": group,
                "predictions": predictions,
                "with_outcome": with_outcome,
                "share_labelled": with_outcome / predictions if predictions else None,
            }
        )
    return rows
