"""2-D maps of the same held-out points: the autoencoder's code, PCA and t-SNE."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE


@dataclass(frozen=True)
class Map2D:
    """One method's 2-D coordinates for the evaluation points, and how long it took."""

    method: str
    points: np.ndarray
    seconds: float
    note: str = ""


def pca_map(x_train: np.ndarray, x_eval: np.ndarray) -> Map2D:
    """Project ``x_eval`` onto the top two principal components of ``x_train``."""
    start = time.perf_counter()
    points = PCA(2, random_state=0).fit(x_train).transform(x_eval)
    return Map2D("PCA", points, time.perf_counter() - start)


def tsne_map(x_eval: np.ndarray, seed: int = 0) -> Map2D:
    """t-SNE of ``x_eval`` (sklearn, PCA-initialised); ~4 s for 1,000 MNIST points here.

    It depends only on the data, so callers should compute it once per dataset and cache it.
    """
    start = time.perf_counter()
    perplexity = min(30.0, (len(x_eval) - 1) / 3)
    points = TSNE(2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(x_eval)
    return Map2D("t-SNE", points, time.perf_counter() - start,
                 note="no encoder: it cannot place new points")


def code_map(codes: np.ndarray, train_seconds: float) -> Map2D:
    """The autoencoder's codes as a map: as they are when 2-D, else their top 2 principal axes."""
    size = codes.shape[1]
    if size == 2:
        return Map2D("Autoencoder", codes, train_seconds)
    if size == 1:
        points = np.column_stack([codes[:, 0], np.zeros(len(codes))])
        return Map2D("Autoencoder", points, train_seconds, note="1-D code, drawn on a line")
    points = PCA(2, random_state=0).fit_transform(codes)
    return Map2D("Autoencoder", points, train_seconds,
                 note=f"{size}-D code shown through its first two principal components")
