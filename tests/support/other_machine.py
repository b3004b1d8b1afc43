"""Another machine, simulated: a fitted model whose float parameters are moved.

On another CPU the BLAS adds in another order, so a rebuilt model's floats differ in their
last bits (and its md5 with them). A test cannot change this machine's CPU, and must not set
OPENBLAS_CORETYPE; it moves every float parameter of a real fitted model instead: a few ulps
with `np.nextafter` (what another CPU does), or by a relative step (a model that really is
another one).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from modelops.model.persistence import load_model, save_model


def _fitted_parts(model):
    """Every fitted estimator inside the model (pipeline steps, column transformers)."""
    seen, todo = [], [model, getattr(model, "estimator_", None)]
    while todo:
        part = todo.pop()
        if part is None or any(part is s for s in seen):
            continue
        seen.append(part)
        todo += [step for _, step in getattr(part, "steps", [])]
        todo += [t for _, t, _ in getattr(part, "transformers_", []) if not isinstance(t, str)]
    return seen


def moved(model, ulps: int = 0, relative: float = 0.0) -> int:
    """Move the model's float parameters in place (coefficients, intercepts, the scaler's
    means and scales, the threshold): `ulps` steps of np.nextafter up, then times
    (1 + relative). Returns how many arrays were moved."""
    count = 0
    for part in _fitted_parts(model):
        for name, value in list(vars(part).items()):
            if not name.endswith("_") or name.startswith("_"):
                continue
            if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
                new = value.copy()
                for _ in range(ulps):
                    new = np.nextafter(new, np.inf)
                setattr(part, name, new * (1 + relative))
                count += 1
    if hasattr(model, "threshold"):
        threshold = float(model.threshold)
        for _ in range(ulps):
            threshold = float(np.nextafter(threshold, np.inf))
        model.threshold = threshold
    return count


def rebuild_elsewhere(model_file: Path, ulps: int = 0, relative: float = 0.0) -> None:
    """The model file as another machine would have built it (moved floats, other bytes)."""
    model = load_model(model_file)
    assert moved(model, ulps, relative) > 0, "no float parameter to move"
    model_file.unlink()  # DVC may have linked it to its cache, read-only
    save_model(model, model_file)
