"""The credit-risk model: one scikit-learn Pipeline from raw columns to a decision.

The same fitted object preprocesses at training and at serving, so there is no skew.
It is stored with skops and loaded with an explicit list of trusted types, never pickle.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from modelops.errors import ConfigError, InputError
from modelops.files import write_bytes
from modelops.params import DataParams, TrainParams

# Types a stored model may contain beyond the scikit-learn classes skops trusts by default:
# exactly what the three supported estimators need. A file holding anything else is refused.
TRUSTED_TYPES = [
    "numpy.dtype",
    "sklearn.tree._tree.Tree",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]


def _estimator_class(model: str):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    return {
        "logistic_regression": LogisticRegression,
        "random_forest": RandomForestClassifier,
        "hist_gradient_boosting": HistGradientBoostingClassifier,
    }[model]


def build_estimator(params: TrainParams):
    """The unfitted estimator named by train.model, with its hyper-parameters."""
    cls = _estimator_class(params.model)
    allowed = cls().get_params()
    unknown = sorted(set(params.hyperparameters) - set(allowed))
    if unknown:
        raise ConfigError(
            f"params.yaml: 'train.{params.model}.{unknown[0]}' is not a hyper-parameter of "
            f"{cls.__name__}"
        )
    options: dict[str, Any] = dict(params.hyperparameters)
    if "random_state" in allowed:
        options["random_state"] = params.seed
    return cls(**options)


def build_pipeline(data: DataParams, params: TrainParams):
    """Imputation, scaling and one-hot encoding of the configured features, then the estimator."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = Pipeline(
        [
            # Missing income is itself a signal in credit data: keep an indicator for it.
            ("impute", SimpleImputer(strategy="median", add_indicator=True)),
            ("scale", StandardScaler()),
        ]
    )
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    preprocess = ColumnTransformer(
        [
            ("numeric", numeric, list(data.numeric_features)),
            ("categorical", categorical, list(data.categorical_features)),
        ],
        remainder="drop",
    )
    return Pipeline([("preprocess", preprocess), ("classify", build_estimator(params))])


def check_features(df, data: DataParams, where: str, extra: tuple[str, ...] = ()) -> None:
    """Fail naming the column when a configured feature, the target or an extra is not in df."""
    missing = [c for c in (*data.features, data.target, *extra) if c not in df.columns]
    if missing:
        raise ConfigError(
            f"params.yaml: column '{missing[0]}' is not a column of {where}; "
            f"columns are {', '.join(map(str, df.columns))}"
        )


def save_model(model, path: str | Path) -> None:
    """Write the model with skops, byte-for-byte the same for the same fitted model.

    The DVC hash then tells a retrained-but-identical model from a new one.
    """
    import skops.io

    write_bytes(_stable_archive(skops.io.dumps(model)), path)


def _stable_archive(archive: bytes) -> bytes:
    """Rewrite a skops archive without what varies between identical models.

    skops names arrays and shared objects after their memory address (id()) and stamps
    zip entries with the current time: both are replaced by numbers in order of appearance
    and a fixed date.
    """
    source = zipfile.ZipFile(io.BytesIO(archive))
    schema = json.loads(source.read("schema.json"))
    renamed: dict[str, str] = {}

    def number(old_id: str) -> str:
        return renamed.setdefault(old_id, str(len(renamed)))

    def renumber(node) -> None:
        if isinstance(node, list):
            for item in node:
                renumber(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "__id__":
                    node[key] = int(number(str(value)))
                elif key == "file":
                    stem, _, suffix = value.partition(".")
                    node[key] = f"{number(stem)}.{suffix}"
                else:
                    renumber(value)

    renumber(schema)
    entries = {"schema.json": json.dumps(schema, indent=2).encode()}
    for name in source.namelist():
        if name != "schema.json":
            stem, _, suffix = name.partition(".")
            entries[f"{renamed[stem]}.{suffix}"] = source.read(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, entries[name])
    return buffer.getvalue()


def load_model(path: str | Path):
    """Load a model stored by save_model, trusting only TRUSTED_TYPES."""
    import skops.io

    path = Path(path)
    if not path.is_file():
        raise InputError(f"model file {path} not found")
    untrusted = [t for t in skops.io.get_untrusted_types(file=path) if t not in TRUSTED_TYPES]
    if untrusted:
        raise InputError(f"model file {path} holds untrusted types: {', '.join(untrusted)}")
    return skops.io.load(path, trusted=TRUSTED_TYPES)
