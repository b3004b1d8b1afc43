"""The credit-risk model: one scikit-learn Pipeline from raw columns to a decision.

The same fitted object preprocesses at training and at serving, so there is no skew.
It is stored with skops and loaded with an explicit list of trusted types, never pickle.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from modelops.errors import ConfigError, InputError
from modelops.files import write_bytes
from modelops.params import DataParams, TrainParams

# Types a stored model may contain beyond what skops trusts by default. A model file holding
# anything else is refused at load time.
TRUSTED_TYPES = [
    "numpy.dtype",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.impute._base.MissingIndicator",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.model_selection._classification_threshold.FixedThresholdClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree",
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

    skops stamps zip entries with the current time; fixing it keeps the DVC hash stable
    across identical retrains, so "same model" can be told from the hash.
    """
    import skops.io

    source = zipfile.ZipFile(io.BytesIO(skops.io.dumps(model)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            stable = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            stable.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stable, source.read(info))
    write_bytes(buffer.getvalue(), path)


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
