"""t-SNE starts in the background when a page opens and is kept on disk across restarts."""

import numpy as np
from joblib import Memory

from aecore import baseline_maps
from aecore.embed import tsne_map


def test_the_disk_cache_returns_the_same_map_after_a_restart(digits, tmp_path, monkeypatch):
    monkeypatch.setenv("AECORE_HOME", str(tmp_path))
    x = digits.x_test[:120]
    first = baseline_maps.tsne_in_background(x).result()
    assert baseline_maps.tsne_in_background(x.copy()).result() is first  # same data, same future
    cached = Memory(baseline_maps.cache_dir(), verbose=0).cache(tsne_map)
    assert cached.check_call_in_cache(x)  # on disk, keyed by the points' hash
    monkeypatch.setattr(baseline_maps, "_futures", {})  # a new server process
    again = baseline_maps.tsne_in_background(x).result()
    assert again is not first
    np.testing.assert_array_equal(again.points, first.points)
    assert again.seconds == first.seconds  # read back, not recomputed


def test_other_points_get_their_own_map(digits, tmp_path, monkeypatch):
    monkeypatch.setenv("AECORE_HOME", str(tmp_path))
    one = baseline_maps.tsne_in_background(digits.x_test[:60])
    other = baseline_maps.tsne_in_background(digits.x_test[60:120])
    assert one is not other and one.result().points.shape == (60, 2)
