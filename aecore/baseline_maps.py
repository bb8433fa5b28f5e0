"""Maps that depend only on the data, started in the background as soon as a page opens and
kept on disk, so a user who trains a short model never waits for them.

t-SNE of the held-out points takes seconds (about 4 s for 1,000 MNIST points here) and is the
same for every session and every training on that data. :func:`tsne_in_background` starts it
in a server thread the first time a page asks, and :mod:`joblib`'s ``Memory`` keeps the result
on disk keyed by a hash of the points, so it survives a server restart.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from aecore.data import data_home
from aecore.embed import Map2D, tsne_map

# One thread: two t-SNEs at once would only share the same cores.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baseline-maps")
_futures: dict[tuple[str, str], Future] = {}
_lock = threading.Lock()


def cache_dir() -> Path:
    """Where the maps are kept: ``data_home() / "cache"`` (see :func:`aecore.data.data_home`).

    Returns
    -------
    pathlib.Path
        The folder (created by joblib on first use).
    """
    return data_home() / "cache"


def cached_tsne(x_eval: np.ndarray) -> Map2D:
    """:func:`aecore.embed.tsne_map` of ``x_eval``, read from the disk cache when it holds it.

    Parameters
    ----------
    x_eval : ndarray of shape (n_samples, n_features)
        The held-out points.

    Returns
    -------
    aecore.embed.Map2D
        The t-SNE map; its ``seconds`` are those of the computation that filled the cache.

    Raises
    ------
    ValueError
        As :func:`aecore.embed.tsne_map` does.
    """
    from joblib import Memory  # a well-kept disk cache keyed by the arguments' hash

    return Memory(cache_dir(), verbose=0).cache(tsne_map)(x_eval)


def tsne_in_background(x_eval: np.ndarray) -> Future:
    """Start (or join) the t-SNE of ``x_eval`` in a background thread.

    Every call with the same points, from any session, gets the same future while this
    process runs; a finished one is read from the disk cache after a restart.

    ``x_eval`` is as for :func:`cached_tsne`; the returned future's ``result()`` is
    ``cached_tsne(x_eval)`` (or raises its ValueError).
    """
    from joblib import hash as data_hash

    key = (str(cache_dir()), data_hash(x_eval))
    with _lock:
        future = _futures.get(key)
        if future is None or (future.done() and future.exception() is not None):
            future = _futures[key] = _executor.submit(cached_tsne, x_eval)
    return future
