"""Evaluation plots written through dvclive, for `dvc plots show` and `dvc plots diff`."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def log_evaluation_plots(
    live_dir: str | Path,
    is_bad: np.ndarray,
    p_bad: np.ndarray,
    actual: np.ndarray,
    predicted: np.ndarray,
    importance: list[dict],
) -> None:
    """ROC, precision-recall, calibration, confusion matrix and a feature-importance chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from dvclive import Live

    # dvc.yaml declares these plots itself; dvclive must not edit it or save experiments.
    with Live(dir=str(live_dir), dvcyaml=None, save_dvc_exp=False, report=None) as live:
        for kind in ("roc", "precision_recall", "calibration"):
            live.log_sklearn_plot(kind, is_bad.astype(int), p_bad, name=kind)
        live.log_sklearn_plot("confusion_matrix", actual, predicted, name="confusion_matrix")

        fig, ax = plt.subplots(figsize=(6, 0.35 * len(importance) + 1.2))
        ordered = importance[::-1]
        ax.barh(
            [r["feature"] for r in ordered],
            [r["importance"] for r in ordered],
            xerr=[r["std"] for r in ordered],
            color="#4c72b0",
        )
        ax.set_xlabel("drop in ROC AUC when shuffled")
        ax.set_title("Permutation feature importance (test set)")
        fig.tight_layout()
        live.log_image("permutation_importance.png", fig)
        plt.close(fig)
