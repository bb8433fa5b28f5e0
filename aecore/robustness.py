"""How a denoiser trained at one noise level does at others: one denoiser per training level."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.base import clone

from aecore.image_quality import psnr
from aecore.noise import corrupt


def robustness_matrix(denoiser, x_train: np.ndarray, x_eval: np.ndarray, kind: str,
                      train_levels: list[float], test_levels: list[float], seed: int = 0,
                      on_progress: Callable[[float, str], None] | None = None) -> pd.DataFrame:
    """Mean held-out PSNR (dB) of denoisers trained at each train level, tested at each level.

    Parameters
    ----------
    denoiser : aecore.Autoencoder
        Its hyperparameters are used (it is cloned, not refitted).
    x_train, x_eval : arrays of shape (n, n_features)
        Clean training and evaluation images in [0, 1].
    kind : str
        A noise of :data:`aecore.noise.NOISES`.
    train_levels, test_levels : list of float
        Noise levels (σ or a fraction, in [0, 1]).
    on_progress : callable, optional
        Called with (share done 0–1, text) before each training and at the end.

    Returns
    -------
    DataFrame
        PSNR in dB, index ``train level``, columns ``test level``.
    """
    rows = {}
    for i, train_level in enumerate(train_levels):
        if on_progress:
            on_progress(i / len(train_levels), f"Training at level {train_level:g}…")
        noisy_train = corrupt(x_train, kind, train_level, seed)
        model = clone(denoiser).fit(noisy_train, X_clean=x_train)
        rows[train_level] = [
            float(np.mean(psnr(x_eval, model.reconstruct(corrupt(x_eval, kind, level, seed + 1)))))
            for level in test_levels
        ]
    if on_progress:
        on_progress(1.0, "Done")
    return pd.DataFrame.from_dict(rows, orient="index", columns=test_levels).rename_axis(
        index="train level", columns="test level")
