"""Maps that depend only on the data (t-SNE, UMAP), started in the background as soon as a page
opens and kept on disk, so a user who trains a short model never waits for them.

t-SNE of the held-out points takes seconds (about 4 s for 1,000 MNIST points here), UMAP
about as long plus its imports, and both are the same for every session and every training on
that data. :func:`maps_in_background` starts them the first time a page asks, and
:mod:`joblib`'s ``Memory`` keeps each result on disk keyed by the method and a hash of the
points, so it survives a server restart.

They run in one worker process (loky's, as joblib uses), not a server thread: ``import umap``
imports numba and TensorFlow (about 15 s and a few hundred MB here), which the server must not
hold, and its numba code would hold the server's interpreter lock while it compiles. The worker
ends after :data:`IDLE_TIMEOUT_S` without work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from aecore.data import data_home
from aecore.embed import Map2D, tsne_map, umap_map

# The maps, by the name the page shows; each takes the points and returns a Map2D.
METHODS: dict[str, Callable[[np.ndarray], Map2D]] = {"t-SNE": tsne_map, "UMAP": umap_map}
IDLE_TIMEOUT_S = 300  # an idle worker process ends after this long (a new one starts on demand)

_futures: dict[tuple[str, str, str], Future] = {}
_lock = threading.Lock()
_executor = None  # created on first use: one process, so two maps do not share the same cores


def cache_dir() -> Path:
    """Where the maps are kept: ``data_home() / "cache"`` (see :func:`aecore.data.data_home`).

    Returns
    -------
    pathlib.Path
        The folder (created by joblib on first use).
    """
    return data_home() / "cache"


def cached_map(method: str, x_eval: np.ndarray, folder: Path | None = None) -> Map2D:
    """``METHODS[method](x_eval)``, read from the disk cache when it holds it.

    Parameters
    ----------
    method : {"t-SNE", "UMAP"}
        A key of :data:`METHODS`.
    x_eval : ndarray of shape (n_samples, n_features)
        The held-out points.
    folder : pathlib.Path or None, default=None
        The cache folder; None means :func:`cache_dir`. (A Path: given a str, joblib would
        keep the maps in a "joblib" folder inside it.)

    Returns
    -------
    aecore.embed.Map2D
        The map; its ``seconds`` are those of the computation that filled the cache.

    Raises
    ------
    KeyError
        If ``method`` is not a key of :data:`METHODS`.
    ValueError
        As :func:`aecore.embed.tsne_map` or :func:`aecore.embed.umap_map` does.
    """
    from joblib import Memory  # a well-kept disk cache keyed by the arguments' hash

    return Memory(folder or cache_dir(), verbose=0).cache(METHODS[method])(x_eval)


def _submit(*args) -> Future:
    """Run :func:`cached_map` in the worker process (a new one if the last one crashed)."""
    global _executor
    from joblib.externals.loky import BrokenProcessPool, ProcessPoolExecutor

    for _ in range(2):
        if _executor is None:
            _executor = ProcessPoolExecutor(max_workers=1, timeout=IDLE_TIMEOUT_S,
                                            env={"TF_CPP_MIN_LOG_LEVEL": "2"})
        try:
            return _executor.submit(cached_map, *args)
        except (BrokenProcessPool, RuntimeError):  # a crashed (or shut down) pool takes no jobs
            _executor = None
    raise RuntimeError("The background maps' process could not be started.")


def maps_in_background(x_eval: np.ndarray) -> dict[str, Future]:
    """Start (or join) every map of :data:`METHODS` of ``x_eval`` in the background.

    Every call with the same points, from any session, gets the same futures while this
    process runs; a finished map is read from the disk cache after a restart. A map whose
    computation failed is started again on the next call.

    Parameters
    ----------
    x_eval : ndarray of shape (n_samples, n_features)
        The held-out points.

    Returns
    -------
    dict of str to concurrent.futures.Future
        By method, in :data:`METHODS`' order; each future's ``result()`` is
        ``cached_map(method, x_eval)`` (or raises its error).
    """
    from joblib import hash as data_hash

    folder, points = cache_dir(), data_hash(x_eval)
    futures = {}
    with _lock:
        for method in METHODS:
            key = (method, str(folder), points)
            future = _futures.get(key)
            if future is None or (future.done() and future.exception() is not None):
                future = _futures[key] = _submit(method, x_eval, folder)
            futures[method] = future
    return futures
