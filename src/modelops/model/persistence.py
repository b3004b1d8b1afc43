"""The model file: skops, byte-for-byte reproducible, loaded with an explicit list of trusted
types (never pickle), and checked to be a fitted modelops model before anyone uses it.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from modelops.errors import InputError, shown_text
from modelops.files import write_bytes

# Types a stored model may contain beyond the scikit-learn classes skops trusts by default:
# exactly what the three supported estimators need. A file holding anything else is refused.
TRUSTED_TYPES = [
    "numpy.dtype",
    "sklearn.tree._tree.Tree",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]


class NotAModel(InputError):
    """The file is not a modelops model (exit 2): never a traceback, never a payload run."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: not a modelops model: {why}")


def save_model(model, path: str | Path) -> None:
    """Write the model with skops, byte-for-byte the same for the same fitted model.

    The DVC hash then tells a retrained-but-identical model from a new one.
    """
    write_bytes(model_bytes(model), path)


def model_bytes(model) -> bytes:
    import skops.io

    return _stable_archive(skops.io.dumps(model))


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
    """The fitted model stored at path, trusting only TRUSTED_TYPES.

    Anything else (not a skops archive, a damaged one, untrusted types, an object that is not
    a fitted binary classifier with a decision threshold) is a NotAModel error.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"model file {path} not found" + (" (a folder)" if path.is_dir() else ""))
    data = path.read_bytes()
    if not data:
        raise NotAModel(path, "the file is empty")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise NotAModel(path, "not a skops archive (skops files are zip archives)")
    model = _load_skops(path, data)
    _check_fitted_classifier(path, model)
    return model


def _load_skops(path: Path, data: bytes):
    import skops.io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise NotAModel(path, f"the archive entry {bad} is damaged")
            if "schema.json" not in archive.namelist():
                raise NotAModel(path, "the archive has no schema.json (not written by skops)")
        untrusted = [t for t in skops.io.get_untrusted_types(data=data) if t not in TRUSTED_TYPES]
        if untrusted:
            raise NotAModel(path, f"it holds untrusted types: {', '.join(sorted(untrusted))}")
        return skops.io.loads(data, trusted=TRUSTED_TYPES)
    except NotAModel:
        raise
    # The file is untrusted input: whatever skops fails with, it is not a model we can use.
    except Exception as err:
        reason = shown_text(str(err).strip().splitlines()[0] if str(err).strip() else "", 120)
        raise NotAModel(path, f"skops cannot read it ({type(err).__name__}: {reason})") from None


def _check_fitted_classifier(path: Path, model) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.model_selection import FixedThresholdClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    if not isinstance(model, FixedThresholdClassifier):
        raise NotAModel(
            path,
            f"it holds a {type(model).__name__}, not a classifier with its decision threshold "
            "(FixedThresholdClassifier)",
        )
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise NotAModel(path, "the classifier was never fitted") from None
    if not isinstance(model.estimator_, Pipeline):
        raise NotAModel(path, "its classifier is not a scikit-learn Pipeline")
    if len(getattr(model, "classes_", ())) != 2 or model.pos_label not in model.classes_:
        raise NotAModel(path, "it is not a binary classifier of the positive class")
    if not hasattr(model, "feature_names_in_"):
        raise NotAModel(path, "it was fitted without column names")
