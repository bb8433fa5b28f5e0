"""One function that scores an autoencoder against PCA and t-SNE on the same held-out points.

The page, the benchmark and the reproduction snippet all call it, so their numbers agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aecore.embed import Map2D, code_map, pca_map, tsne_map
from aecore.metrics import map_scores, pca_reconstruction_mse, reconstruction_mse


def comparison_table(x_train: np.ndarray, x_eval: np.ndarray, y_eval: np.ndarray,
                     maps: list[Map2D], ae_mse: float, code_size: int) -> pd.DataFrame:
    """Scores per map: 5-NN accuracy, trustworthiness, reconstruction MSE and time.

    PCA's reconstruction uses as many components as the autoencoder's code, so the two compress
    equally; t-SNE has no decoder and gets no reconstruction score.
    """
    pca_mse = pca_reconstruction_mse(x_train, x_eval, code_size)
    mse = {"Autoencoder": ae_mse, "PCA": pca_mse}
    rows = [{"method": m.method, **map_scores(x_eval, y_eval, m.points),
             "reconstruction MSE": mse.get(m.method, np.nan), "seconds": m.seconds}
            for m in maps]
    return pd.DataFrame(rows).set_index("method")


def compare_with_baselines(autoencoder, x_train: np.ndarray, x_eval: np.ndarray,
                           y_eval: np.ndarray,
                           tsne: Map2D | None = None) -> tuple[list[Map2D], pd.DataFrame]:
    """The three maps of ``x_eval`` (autoencoder, PCA, t-SNE) and their scores.

    ``autoencoder`` is a fitted :class:`aecore.Autoencoder`; pass a cached ``tsne`` to skip it.
    """
    codes = autoencoder.transform(x_eval)
    maps = [code_map(codes, autoencoder.log_.seconds), pca_map(x_train, x_eval),
            tsne if tsne is not None else tsne_map(x_eval)]
    ae_mse = reconstruction_mse(x_eval, autoencoder.reconstruct(x_eval))
    return maps, comparison_table(x_train, x_eval, y_eval, maps, ae_mse, codes.shape[1])
