"""The principal reasons of a rejection: the features that raised an application's risk most
compared with the reference applicant (explain/applicant.py), in words for the applicant.

The method, deterministic and model-agnostic (it only calls predict_proba):
for each feature f, change_f = p_default(application) - p_default(application with f alone
set to the reference applicant's value). The reasons are the features with change_f > 0, the
largest first, at most MAX_REASONS (Regulation B: no more than four principal reasons), ties
in the order of the model's features. A feature whose value already equals the reference's
has change 0 and is never a reason. Each reason is {"feature", "reason"}, the reason being
the text compliance wrote for that feature (params `reasons:`).

Cost: one predict_proba call for a whole batch. Its rows are, per application, the
application itself and one copy per feature with that feature set to the reference: n x (1 +
features) rows. The model's cost per call is nearly fixed (its column transformer), so
scoring 14 rows costs about what 1 does, where a second call per batch would double it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from modelops.errors import ConfigError

MAX_REASONS = 4


def missing_text(features: list[str], texts: Mapping[str, str]) -> str | None:
    """The first feature without a reason text, or None."""
    return next((f for f in features if not texts.get(f)), None)


def require_texts(features: list[str], texts: Mapping[str, str], where: str) -> None:
    """Every feature has a text, or a ConfigError naming the first without one."""
    feature = missing_text(features, texts)
    if feature is not None:
        raise ConfigError(
            f"{where}: 'reasons.{feature}' is missing: every feature the model reads needs "
            "the text a rejected applicant is sent"
        )


def score_with_reasons(
    model, applications: pd.DataFrame, reference: Mapping, texts: Mapping[str, str]
) -> tuple[np.ndarray, list[list[dict]]]:
    """(p_default of each application, its reasons), from one predict_proba call."""
    features = [str(name) for name in model.feature_names_in_]
    require_texts(features, texts, "reasons")
    rows, width = len(applications), len(features) + 1
    frame = _with_counterfactuals(applications[features], reference, features)
    positive = list(model.classes_).index(model.pos_label)
    p = model.predict_proba(frame)[:, positive].reshape(rows, width)
    p_default = p[:, 0]
    change = p_default[:, None] - p[:, 1:]
    for j, feature in enumerate(features):  # already the reference's value: no change at all
        same = (applications[feature] == reference[feature]).to_numpy(dtype=bool)
        change[same, j] = 0.0
    return p_default, [_top(row, features, texts) for row in change]


def principal_reasons(
    model, applications: pd.DataFrame, reference: Mapping, texts: Mapping[str, str]
) -> list[list[dict]]:
    """Per application, up to MAX_REASONS {"feature", "reason"}, the strongest first."""
    return score_with_reasons(model, applications, reference, texts)[1]


def _with_counterfactuals(
    applications: pd.DataFrame, reference: Mapping, features: list[str]
) -> pd.DataFrame:
    """Each application followed by one copy per feature, that feature at the reference."""
    width = len(features) + 1
    starts = np.arange(len(applications)) * width
    columns = {}
    for j, feature in enumerate(features):
        values = np.repeat(applications[feature].to_numpy(), width)
        if values.dtype.kind == "f":
            values[starts + j + 1] = float(reference[feature])
        else:
            values = values.astype(object)
            values[starts + j + 1] = reference[feature]
        columns[feature] = values
    return pd.DataFrame(columns)


def _top(change: np.ndarray, features: list[str], texts: Mapping[str, str]) -> list[dict]:
    raised = [j for j in np.argsort(-change, kind="stable") if change[j] > 0]
    return [{"feature": features[j], "reason": texts[features[j]]} for j in raised[:MAX_REASONS]]
