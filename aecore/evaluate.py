"""One function that scores an autoencoder against PCA, t-SNE and UMAP on the same held-out points.

The page, the benchmark and the reproduction snippet all call it, so their numbers agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aecore.baseline_maps import METHODS
from aecore.embed import Map2D, code_map, pca_map
from aecore.metrics import map_scores, pca_reconstruction_mse, reconstruction_mse


def comparison_table(x_train: np.ndarray, x_eval: np.ndarray, y_eval: np.ndarray,
                     maps: list[Map2D], ae_mse: float, code_size: int) -> pd.DataFrame:
    """Scores per map: 5-NN accuracy, trustworthiness, reconstruction MSE and time.

    PCA's reconstruction uses as many components as the autoencoder's code, so the two compress
    equally; t-SNE and UMAP have no decoder and get no reconstruction score.

    Parameters
    ----------
    x_train : ndarray of shape (n_train, n_features)
        Training data the PCA baseline is fitted on, pixels in [0, 1].
    x_eval : ndarray of shape (n_samples, n_features)
        Held-out points the maps show, pixels in [0, 1].
    y_eval : ndarray of shape (n_samples,)
        Non-negative integer labels of ``x_eval``.
    maps : list of Map2D
        Maps of ``x_eval``, each ``points`` of shape (n_samples, 2).
    ae_mse : float
        The autoencoder's reconstruction MSE per pixel on ``x_eval``.
    code_size : int
        Width of the autoencoder's code: the number of PCA components for the baseline MSE.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``method`` (one row per map, in order), with columns ``"5-NN accuracy"`` and
        ``"trustworthiness"`` (both in [0, 1], see :func:`aecore.metrics.map_scores`),
        ``"reconstruction MSE"`` (squared pixel units; NaN for methods other than
        ``"Autoencoder"`` and ``"PCA"``) and ``"seconds"``.

    Raises
    ------
    ValueError
        As :func:`aecore.metrics.map_scores` does.
    """
    pca_mse = pca_reconstruction_mse(x_train, x_eval, code_size)
    mse = {"Autoencoder": ae_mse, "PCA": pca_mse}
    rows = [{"method": m.method, **map_scores(x_eval, y_eval, m.points),
             "reconstruction MSE": mse.get(m.method, np.nan), "seconds": m.seconds}
            for m in maps]
    return pd.DataFrame(rows).set_index("method")


def compare_with_baselines(autoencoder, x_train: np.ndarray, x_eval: np.ndarray,
                           y_eval: np.ndarray,
                           baselines: list[Map2D] | None = None
                           ) -> tuple[list[Map2D], pd.DataFrame]:
    """The maps of ``x_eval`` (autoencoder, PCA, t-SNE, UMAP) and their scores.

    Parameters
    ----------
    autoencoder : aecore.Autoencoder
        A fitted autoencoder; its map uses ``transform`` and its time ``log_.seconds``.
    x_train : ndarray of shape (n_train, n_features)
        Training data the PCA baselines are fitted on, pixels in [0, 1].
    x_eval : ndarray of shape (n_samples, n_features)
        Held-out points to map and score, pixels in [0, 1].
    y_eval : ndarray of shape (n_samples,)
        Non-negative integer labels of ``x_eval``.
    baselines : list of Map2D or None, default=None
        Maps of ``x_eval`` that depend only on it, e.g. cached ones
        (:func:`aecore.baseline_maps.maps_in_background`); when None, every method of
        :data:`aecore.baseline_maps.METHODS` (t-SNE, UMAP) is computed here.

    Returns
    -------
    maps : list of Map2D
        The autoencoder and PCA maps, then ``baselines``.
    table : pandas.DataFrame
        Their scores, as :func:`comparison_table` returns.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``autoencoder`` is not fitted.
    aecore.DivergedError
        If its fit diverged.
    ValueError
        As :func:`comparison_table` does.
    """
    codes = autoencoder.transform(x_eval)
    maps = [code_map(codes, autoencoder.log_.seconds),
            pca_map(x_train, x_eval, min(codes.shape[1], 2)),  # a 1-D code: one component
            *(baselines if baselines is not None else [f(x_eval) for f in METHODS.values()])]
    ae_mse = reconstruction_mse(x_eval, autoencoder.reconstruct(x_eval))
    return maps, comparison_table(x_train, x_eval, y_eval, maps, ae_mse, codes.shape[1])
