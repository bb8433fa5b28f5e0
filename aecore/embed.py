"""2-D maps of the same held-out points: the autoencoder's code, PCA, t-SNE and UMAP."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE


@dataclass(frozen=True)
class Map2D:
    """One method's 2-D coordinates for the evaluation points, and how long it took.

    Attributes
    ----------
    method : str
        Display name: ``"Autoencoder"``, ``"PCA"``, ``"t-SNE"`` or ``"UMAP"``.
    points : ndarray of shape (n_samples, 2)
        Coordinates of the evaluation points, one row per point.
    seconds : float
        Wall-clock time in seconds (for the autoencoder, its training time).
    note : str, default=""
        A caveat shown with the map, or empty.
    """

    method: str
    points: np.ndarray
    seconds: float
    note: str = ""


def pca_map(x_train: np.ndarray, x_eval: np.ndarray, n_components: int = 2) -> Map2D:
    """Project ``x_eval`` onto the top principal components of ``x_train``.

    Parameters
    ----------
    x_train : ndarray of shape (n_train, n_features)
        Data PCA is fitted on (``random_state=0``), e.g. flattened images in [0, 1].
    x_eval : ndarray of shape (n_samples, n_features)
        Points to map.
    n_components : {1, 2}, default=2
        1 to match a 1-D code: the first component, placed on a line (y = 0) as
        :func:`code_map` places a 1-D code, so the two are scored alike (the maps' figures
        spread such points over y at random).

    Returns
    -------
    Map2D
        Method ``"PCA"``, points of shape (n_samples, 2); ``seconds`` covers the fit and the
        projection.
    """
    start = time.perf_counter()
    points = PCA(n_components, random_state=0).fit(x_train).transform(x_eval)
    if n_components == 1:
        return Map2D("PCA", np.column_stack([points[:, 0], np.zeros(len(points))]),
                     time.perf_counter() - start,
                     note="1 component: x is the map, y a random spread")
    return Map2D("PCA", points, time.perf_counter() - start)


def tsne_map(x_eval: np.ndarray, seed: int = 0) -> Map2D:
    """t-SNE of ``x_eval`` (sklearn, PCA-initialised); ~4 s for 1,000 MNIST points here.

    It depends only on the data, so callers should compute it once per dataset and cache it.
    Uses :class:`sklearn.manifold.TSNE` (van der Maaten & Hinton, 2008) with perplexity
    ``min(30, (n_samples - 1) / 3)``.

    Parameters
    ----------
    x_eval : ndarray of shape (n_samples, n_features)
        Points to map, e.g. flattened images with pixels in [0, 1].
    seed : int, default=0
        ``random_state`` of the t-SNE.

    Returns
    -------
    Map2D
        Method ``"t-SNE"``, the run time in seconds, and a note that it cannot place new points.
        Degenerate data get a defined map and say so in the note: identical points all sit at
        the origin, and points that vary along fewer than two directions start from a random
        layout (PCA's second axis would be empty; scikit-learn then divides by zero and its
        Barnes–Hut code crashes the process).

    Raises
    ------
    ValueError
        If there are fewer than 2 points.

    References
    ----------
    .. [1] L. van der Maaten and G. Hinton, "Visualizing Data using t-SNE", JMLR 9, 2008.
    """
    start = time.perf_counter()
    if len(x_eval) < 2:
        raise ValueError(f"t-SNE needs at least 2 points; got {len(x_eval)}.")
    note = "no encoder: it cannot place new points"
    if np.ptp(x_eval, axis=0).max() == 0:
        return Map2D("t-SNE", np.zeros((len(x_eval), 2)), time.perf_counter() - start,
                     note="all points are identical, so they all sit at one place")
    flat = PCA(2).fit(x_eval).explained_variance_[-1] <= 0
    perplexity = min(30.0, (len(x_eval) - 1) / 3)
    points = TSNE(2, perplexity=perplexity, init="random" if flat else "pca",
                  random_state=seed).fit_transform(x_eval)
    if flat:
        note += "; the points vary along one direction only, so t-SNE started from random places"
    return Map2D("t-SNE", points, time.perf_counter() - start, note=note)


def umap_map(x_eval: np.ndarray, seed: int = 0) -> Map2D:
    """UMAP of ``x_eval`` (umap-learn, Euclidean, its defaults otherwise: 15 neighbours,
    ``min_dist`` 0.1, spectral initialisation).

    Like t-SNE it depends only on the data, so callers should compute it once per dataset and
    cache it (:mod:`aecore.baseline_maps`). Imports umap-learn, which imports numba and
    TensorFlow (seconds): call it where that does not matter, e.g. in a worker process.

    Parameters
    ----------
    x_eval : ndarray of shape (n_samples, n_features)
        Points to map, e.g. flattened images with pixels in [0, 1].
    seed : int, default=0
        ``random_state`` of UMAP, which makes it reproducible (and single-threaded).

    Returns
    -------
    Map2D
        Method ``"UMAP"``, the run time in seconds, and a note that it was fitted on these very
        points. With fewer than 16 points the neighbourhood shrinks to n_samples − 1 and the
        layout starts at random; identical points all sit at the origin (the note says so).

    Raises
    ------
    ValueError
        If there are fewer than 3 points (UMAP needs 2 neighbours per point).

    References
    ----------
    .. [1] L. McInnes, J. Healy and J. Melville, "UMAP: Uniform Manifold Approximation and
       Projection for Dimension Reduction", arXiv:1802.03426, 2018.
    """
    start = time.perf_counter()
    points = umap_embedding(x_eval, seed=seed)
    note = ("all points are identical, so they all sit at one place" if not points.any()
            else "fitted on these very points, as t-SNE is")
    return Map2D("UMAP", points, time.perf_counter() - start, note=note)


def umap_embedding(x: np.ndarray, n_components: int = 2, seed: int = 0) -> np.ndarray:
    """UMAP's embedding of the rows of ``x`` (umap-learn, Euclidean, 15 neighbours, ``min_dist``
    0.1, spectral initialisation), made safe for small and degenerate data.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
        Points, e.g. flattened images with pixels in [0, 1]; n_samples ≥ 3.
    n_components : int, default=2
        Dimensions of the embedding.
    seed : int, default=0
        ``random_state`` of UMAP, which makes it reproducible (and single-threaded).

    Returns
    -------
    ndarray of shape (n_samples, n_components), float64
        With n_samples ≤ max(15, n_components + 1) the neighbourhood shrinks to n_samples − 1
        and the layout starts at random (a spectral start needs more points than dimensions);
        identical points all get the origin.

    Raises
    ------
    ValueError
        If there are fewer than 3 points (UMAP needs 2 neighbours per point).
    """
    if len(x) < 3:
        raise ValueError(f"UMAP needs at least 3 points; got {len(x)}.")
    if np.ptp(x, axis=0).max() == 0:
        return np.zeros((len(x), n_components))
    import warnings

    from umap import UMAP

    small = len(x) <= max(15, n_components + 1)
    with warnings.catch_warnings():  # "n_jobs overridden by random_state": wanted here
        warnings.simplefilter("ignore", UserWarning)
        points = UMAP(n_components=n_components, n_neighbors=min(15, len(x) - 1),
                      init="random" if small else "spectral",
                      random_state=seed).fit_transform(x)
    return points.astype("float64")


def code_map(codes: np.ndarray, train_seconds: float) -> Map2D:
    """The autoencoder's codes as a map: as they are when 2-D, else their top 2 principal axes.

    Parameters
    ----------
    codes : ndarray of shape (n_samples, code_size)
        The encoder's output for the evaluation points.
    train_seconds : float
        The autoencoder's training time in seconds, stored as the map's ``seconds``.

    Returns
    -------
    Map2D
        Method ``"Autoencoder"``. A 1-D code is placed on a line (y = 0); a code wider than 2 is
        projected on its first two principal components (PCA fitted on ``codes``); both cases
        carry a ``note`` saying so.
    """
    size = codes.shape[1]
    if size == 2:
        return Map2D("Autoencoder", codes, train_seconds)
    if size == 1:
        points = np.column_stack([codes[:, 0], np.zeros(len(codes))])
        return Map2D("Autoencoder", points, train_seconds,
                     note="1-D code: x is the code, y a random spread")
    points = PCA(2, random_state=0).fit_transform(codes)
    return Map2D("Autoencoder", points, train_seconds,
                 note=f"{size}-D code shown through its first two principal components")
