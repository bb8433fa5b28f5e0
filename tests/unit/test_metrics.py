import numpy as np
import pytest

from aecore.embed import code_map, pca_map, tsne_map
from aecore.metrics import (
    knn_accuracy,
    map_scores,
    pca_reconstruction_mse,
    reconstruction_mse,
    trustworthiness,
)


def two_blobs(rng, n=40):
    points = np.vstack([rng.normal(0, 0.1, (n, 2)), rng.normal(5, 0.1, (n, 2))])
    return points, np.repeat([0, 1], n)


def test_knn_accuracy_is_one_for_separated_blobs_and_chance_for_noise(rng):
    points, labels = two_blobs(rng)
    assert knn_accuracy(points, labels) == 1.0
    shuffled = rng.permutation(labels)
    assert knn_accuracy(points, shuffled) < 0.75


def test_knn_accuracy_needs_two_points_per_label():
    with pytest.raises(ValueError, match="at least two points"):
        knn_accuracy(np.zeros((3, 2)), np.array([0, 0, 1]))


def test_one_label_has_no_knn_accuracy_not_a_perfect_one(rng):
    points = rng.normal(size=(30, 2))
    with pytest.raises(ValueError, match="at least two labels"):
        knn_accuracy(points, np.zeros(30, dtype=int))
    scores = map_scores(points, np.zeros(30, dtype=int), points)
    assert set(scores) == {"trustworthiness"}


def test_trustworthiness_of_an_identity_map_is_one(rng):
    x = rng.normal(size=(60, 2))
    assert trustworthiness(x, x) == pytest.approx(1.0)
    assert trustworthiness(x, rng.normal(size=(60, 2))) < 0.8
    with pytest.raises(ValueError, match=r"^Trustworthiness with 5 neighbours needs more than "
                                         r"10 points; there are 8\.$"):
        trustworthiness(x[:8], x[:8])


def test_reconstruction_mse_on_known_values():
    assert reconstruction_mse(np.zeros((2, 2)), np.full((2, 2), 0.5)) == pytest.approx(0.25)


def test_pca_with_all_components_reconstructs_exactly(rng):
    x = rng.normal(size=(50, 4))
    assert pca_reconstruction_mse(x, x, 4) == pytest.approx(0.0, abs=1e-12)
    assert pca_reconstruction_mse(x, x, 1) > 0.1


def test_maps_give_two_coordinates_per_point(digits):
    x = digits.x_test[:120]
    assert pca_map(digits.x_train, x).points.shape == (120, 2)
    tsne = tsne_map(x)
    assert tsne.points.shape == (120, 2) and tsne.seconds > 0


def test_wide_codes_are_drawn_through_pca_and_say_so(rng):
    assert code_map(rng.normal(size=(30, 2)), 1.0).note == ""
    wide = code_map(rng.normal(size=(30, 8)), 1.0)
    assert wide.points.shape == (30, 2) and "first two principal components" in wide.note
    assert code_map(rng.normal(size=(30, 1)), 1.0).points.shape == (30, 2)


def test_knn_accuracy_on_a_subset_of_labels_counts_only_those_present(rng):
    points, labels = two_blobs(rng)
    assert knn_accuracy(points, np.where(labels == 0, 3, 8)) == 1.0  # only 3s and 8s


def test_tsne_of_degenerate_data_gives_a_defined_map_instead_of_crashing():
    import subprocess
    import sys

    # run in a child process: before the fix, constant data killed the process (SIGSEGV)
    code = ("import numpy as np; from aecore.embed import tsne_map; "
            "m = tsne_map(np.full((40, 6), 0.5)); print(m.points.shape, m.note); "
            "x = np.zeros((40, 6)); x[:, 2] = np.linspace(0, 1, 40); "
            "m = tsne_map(x); print(np.isfinite(m.points).all(), m.note)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert done.returncode == 0, done.stderr[-2000:]
    first, second = done.stdout.splitlines()
    assert first.startswith("(40, 2)") and "identical" in first
    assert second.startswith("True") and "one direction" in second
    with pytest.raises(ValueError, match="at least 2 points"):
        tsne_map(np.zeros((1, 4)))


def test_a_1d_code_is_scored_against_one_pca_component_drawn_on_a_line(digits):
    """A 1-D code was scored against PCA's 2-D map: 5-NN accuracy 0.16 against 0.40 read as
    PCA keeping neighbours better at the same size, with twice the dimensions."""
    from aecore import Autoencoder
    from aecore.evaluate import compare_with_baselines

    x = digits.x_test[:120]
    line = pca_map(digits.x_train, x, 1)
    assert line.points.shape == (120, 2) and not line.points[:, 1].any()
    assert line.note == "1 component: x is the map, y a random spread"
    assert np.allclose(line.points[:, 0], pca_map(digits.x_train, x).points[:, 0], atol=1e-5)
    ae = Autoencoder(code_size=1, hidden_layers=(16,), epochs=1).fit(digits.x_train[:300])
    maps, _ = compare_with_baselines(ae, digits.x_train[:300], x, digits.y_test[:120],
                                     baselines=[])
    assert maps[1].method == "PCA" and not maps[1].points[:, 1].any()
