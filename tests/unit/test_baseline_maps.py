"""t-SNE and UMAP start in the background when a page opens and are kept on disk across
restarts."""

import sys

import numpy as np
import pytest
from joblib import Memory

from aecore import baseline_maps


def restart(monkeypatch):
    """What a new server process starts with: no futures (its map worker would be new too, but
    a worker reads the same disk cache; one per test would cost seconds of imports)."""
    monkeypatch.setattr(baseline_maps, "_futures", {})


@pytest.mark.parametrize("method", ["t-SNE", "UMAP"])
def test_the_disk_cache_returns_the_same_map_after_a_restart(method, digits, monkeypatch):
    x = digits.x_test[:120]
    first = baseline_maps.maps_in_background(x)[method].result()
    assert first.method == method and first.points.shape == (120, 2)
    again_now = baseline_maps.maps_in_background(x.copy())[method]
    assert again_now.result() is first  # same data, same future
    cached = Memory(baseline_maps.cache_dir(), verbose=0).cache(baseline_maps.METHODS[method])
    assert cached.check_call_in_cache(x)  # on disk (the session's AECORE_HOME), keyed by a hash
    restart(monkeypatch)
    again = baseline_maps.maps_in_background(x)[method].result()
    assert again is not first
    np.testing.assert_array_equal(again.points, first.points)
    assert again.seconds == first.seconds  # read back, not recomputed


def test_other_points_get_their_own_maps(digits):
    one = baseline_maps.maps_in_background(digits.x_test[:60])
    other = baseline_maps.maps_in_background(digits.x_test[60:120])
    assert list(one) == ["t-SNE", "UMAP"]
    assert one["t-SNE"] is not other["t-SNE"] and one["UMAP"] is not other["UMAP"]
    assert one["UMAP"].result().points.shape == (60, 2)


def test_the_maps_are_computed_in_another_process(digits):
    """UMAP imports numba and TensorFlow: the server (here, the test process) must not."""
    imported = "umap" in sys.modules
    baseline_maps.maps_in_background(digits.x_test[:40])["UMAP"].result()
    assert ("umap" in sys.modules) == imported
