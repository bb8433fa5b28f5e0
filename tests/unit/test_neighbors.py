"""The neighbour-preserving autoencoder (reconstruction + w · UMAP loss) and the UMAP map."""

import math

import numpy as np
import pytest
from scipy import sparse

from aecore import Autoencoder, load
from aecore.embed import umap_map
from aecore.events import EpochEvent, StageEvent
from aecore.metrics import knn_accuracy, trustworthiness

SMALL = dict(code_size=2, hidden_layers=(64, 32), epochs=6, batch_size=64, seed=0)


def test_the_neighbour_loss_on_a_tiny_graph_has_its_hand_computed_value():
    from aecore.neighbors import umap_cross_entropy

    # three points: 0–1 sure neighbours, 1–2 half, 0–2 no edge; codes 1, √5 and 2 apart
    graph = sparse.coo_matrix(([1.0, 1.0, 0.5, 0.5], ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(3, 3))
    codes = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]], "float32")
    i, j = np.triu_indices(3, k=1)
    loss = float(umap_cross_entropy(codes[i], codes[j], graph.toarray()[i, j], a=1.0, b=1.0))
    # q = 1 / (1 + d² + 0.001) with d² = 1, 5, 4; −[p log q + (1 − p) log(1 − q)] per pair
    by_hand = (-math.log(1 / 2.001)
               - 0.5 * math.log(1 / 6.001) - 0.5 * math.log(5.001 / 6.001)
               - math.log(4.001 / 5.001)) / 3
    assert loss == pytest.approx(by_hand, rel=1e-5)  # 0.6345…


def test_the_fuzzy_graph_is_symmetric_with_each_nearest_neighbour_a_full_member(digits):
    from aecore.neighbors import fuzzy_neighbor_graph

    x = digits.x_train[:200]
    graph = fuzzy_neighbor_graph(x).tocsr()
    assert graph.shape == (200, 200) and graph.diagonal().max() == 0
    assert abs(graph - graph.T).max() < 1e-6
    assert 0 < graph.data.min() and graph.data.max() <= 1
    distances = np.linalg.norm(x[:, None] - x[None], axis=-1) + np.eye(200) * 1e9
    nearest = distances.argmin(axis=1)  # local connectivity 1: membership 1 (UMAP, Sec. 3)
    np.testing.assert_allclose(graph[np.arange(200), nearest].A1, 1.0, atol=1e-6)


@pytest.fixture(scope="module")
def neighbour_pair(digits):
    """The same small autoencoder trained without and with the neighbour loss."""
    plain = Autoencoder(**SMALL).fit(digits.x_train, X_val=digits.x_test)
    neighbour = Autoencoder(neighbor_weight=0.5, **SMALL).fit(digits.x_train,
                                                              X_val=digits.x_test)
    return plain, neighbour


def test_the_neighbour_loss_keeps_digits_apart_on_held_out_images(neighbour_pair, digits):
    plain, neighbour = neighbour_pair
    scores = {}
    for name, ae in (("plain", plain), ("neighbour", neighbour)):
        codes = ae.transform(digits.x_test)
        scores[name] = (knn_accuracy(codes, digits.y_test),
                        trustworthiness(digits.x_test, codes))
    assert scores["neighbour"][0] > scores["plain"][0] + 0.1, scores
    assert scores["neighbour"][1] > scores["plain"][1], scores
    assert neighbour.status_ == "finished"
    history = neighbour.history_
    assert set(history) == {"loss", "reconstruction", "neighbor", "val_reconstruction"}
    assert history["neighbor"][-1] < history["neighbor"][0]
    np.testing.assert_allclose(history["loss"], np.add(history["reconstruction"],
                                                       0.5 * np.array(history["neighbor"])),
                               rtol=1e-4)
    assert neighbour.reconstruct(digits.x_test).shape == digits.x_test.shape  # a decoder too


def test_a_neighbour_autoencoder_saves_loads_and_repeats_with_its_seed(neighbour_pair, digits,
                                                                       tmp_path):
    _, neighbour = neighbour_pair
    neighbour.save(tmp_path / "nae")
    again = load(tmp_path / "nae")
    assert again.neighbor_weight == 0.5
    np.testing.assert_allclose(again.transform(digits.x_test), neighbour.transform(digits.x_test),
                               atol=1e-6)
    twin = Autoencoder(neighbor_weight=0.5, **{**SMALL, "epochs": 1}).fit(digits.x_train)
    other = Autoencoder(neighbor_weight=0.5, **{**SMALL, "epochs": 1}).fit(digits.x_train)
    np.testing.assert_array_equal(twin.transform(digits.x_test), other.transform(digits.x_test))


def test_the_embedding_loss_pulls_codes_to_umaps_map_and_keeps_digits_apart(neighbour_pair,
                                                                            digits, tmp_path):
    from aecore.neighbors import umap_places

    plain, _ = neighbour_pair
    events = []
    ae = Autoencoder(neighbor_weight=0.5, neighbor_loss="embedding", **SMALL).fit(
        digits.x_train, X_val=digits.x_test, on_epoch=events.append)
    assert isinstance(events[0], StageEvent) and "UMAP's map" in events[0].text  # before epoch 1
    assert [type(e) for e in events[1:]] == [EpochEvent] * SMALL["epochs"]
    history = ae.history_
    assert history["neighbor"][-1] < history["neighbor"][0] / 2  # codes reach their places
    np.testing.assert_allclose(history["loss"], np.add(history["reconstruction"],
                                                       0.5 * np.array(history["neighbor"])),
                               rtol=1e-4)
    codes = ae.transform(digits.x_test)
    assert knn_accuracy(codes, digits.y_test) > knn_accuracy(plain.transform(digits.x_test),
                                                             digits.y_test) + 0.1
    places = umap_places(digits.x_train, 2, seed=0)  # the targets: standardised, per axis
    np.testing.assert_allclose(places.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(places.std(axis=0), 1, atol=1e-4)
    ae.save(tmp_path / "embedding")
    again = load(tmp_path / "embedding")
    assert again.neighbor_loss == "embedding"
    np.testing.assert_allclose(again.transform(digits.x_test), codes, atol=1e-6)


def test_umap_embeddings_of_any_code_size_and_of_few_or_identical_points(digits):
    from aecore.embed import umap_embedding

    assert umap_embedding(digits.x_test[:200], n_components=5).shape == (200, 5)
    assert umap_embedding(digits.x_test[:10], n_components=12).shape == (10, 12)  # random start
    assert not umap_embedding(np.full((8, 4), 0.2), n_components=3).any()


@pytest.mark.parametrize("params, message", [
    (dict(neighbor_weight=-0.1), "Neighbour loss weight must be between 0 and"),
    (dict(neighbor_weight=0.5, batch_size=1), "at least 2 training samples"),
    (dict(neighbor_weight=0.5, neighbor_loss="tsne"), "Neighbour loss must be one of graph, "
                                                       "embedding"),
])
def test_bad_neighbour_settings_are_explained(params, message, digits):
    with pytest.raises(ValueError, match=message):
        Autoencoder(**{**SMALL, **params}).fit(digits.x_train[:1])


def test_the_embedding_loss_needs_three_samples_and_says_so(digits):
    with pytest.raises(ValueError, match="at least 3 training samples"):
        Autoencoder(**{**SMALL, "batch_size": 2}, neighbor_weight=0.5,
                    neighbor_loss="embedding").fit(digits.x_train[:2])


def test_umap_maps_the_digits_with_neighbours_sharing_labels(digits):
    m = umap_map(digits.x_test)
    assert m.method == "UMAP" and m.points.shape == (len(digits.x_test), 2)
    assert np.isfinite(m.points).all() and m.seconds > 0
    assert knn_accuracy(m.points, digits.y_test) > 0.9
    np.testing.assert_array_equal(umap_map(digits.x_test).points, m.points)  # random_state
    assert umap_map(np.full((20, 6), 0.5)).note.startswith("all points are identical")
    assert umap_map(digits.x_test[:5]).points.shape == (5, 2)
    with pytest.raises(ValueError, match="at least 3 points"):
        umap_map(digits.x_test[:2])
