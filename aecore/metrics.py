"""Scores for 2-D maps and reconstructions."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness as _sk_trustworthiness
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier


def knn_accuracy(embedding: np.ndarray, labels: np.ndarray, k: int = 5, folds: int = 5) -> float:
    """Cross-validated k-NN accuracy in the map: how well neighbours in it share a label.

    A ``k``-nearest-neighbour classifier is scored by stratified, shuffled k-fold cross-validation
    (``random_state=0``) on the map's coordinates, as in Sainburg et al. (2021).

    Parameters
    ----------
    embedding : ndarray of shape (n_samples, n_components)
        The map's coordinates, e.g. ``n_components`` = 2.
    labels : ndarray of shape (n_samples,)
        Non-negative integer class labels.
    k : int, default=5
        Number of neighbours that vote; lowered to the points a fold leaves for training when
        there are fewer (only for a handful of points).
    folds : int, default=5
        Number of cross-validation folds; lowered to the size of the smallest class. Only the
        labels present count as classes (a subset such as only 3s and 8s is two classes).

    Returns
    -------
    float
        Mean held-out accuracy over the folds, in [0, 1].

    Raises
    ------
    ValueError
        If there are fewer than two labels (every neighbour would share the one label: a
        meaningless 1.0), a label present has fewer than two points, or ``folds`` < 2.

    References
    ----------
    .. [1] T. Sainburg, L. McInnes and T. Q. Gentner, "Parametric UMAP Embeddings for
       Representation and Semisupervised Learning", Neural Computation 33(11), 2021.
    """
    counts = np.unique(labels, return_counts=True)[1]  # labels absent from the points are
    if len(counts) < 2:  # no class of their own
        raise ValueError("k-NN accuracy needs at least two labels; these points have "
                         f"{len(counts)}.")
    folds = min(folds, int(counts.min()))
    if folds < 2:
        raise ValueError("k-NN accuracy needs at least two points of every label.")
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    k = min(k, len(labels) - int(np.ceil(len(labels) / folds)))  # as many as a fold leaves
    return float(cross_val_score(KNeighborsClassifier(k), embedding, labels, cv=cv).mean())


def trustworthiness(x: np.ndarray, embedding: np.ndarray, k: int = 5) -> float:
    """Trustworthiness of the map: how far its neighbourhoods are true neighbourhoods in the data.

    Computed by :func:`sklearn.manifold.trustworthiness` with Euclidean distances, after
    Venna & Kaski (2001).

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
        The data, e.g. flattened images with pixels in [0, 1].
    embedding : ndarray of shape (n_samples, n_components)
        The map's coordinates for the same rows.
    k : int, default=5
        Neighbourhood size.

    Returns
    -------
    float
        Trustworthiness in [0, 1]; 1 means no point in a map neighbourhood is an intruder.

    Raises
    ------
    ValueError
        If ``k`` >= n_samples / 2 (scikit-learn's limit), in a sentence that counts the points.

    References
    ----------
    .. [1] J. Venna and S. Kaski, "Neighborhood Preservation in Nonlinear Projection Methods:
       An Experimental Study", ICANN 2001.
    """
    if k >= len(x) / 2:
        raise ValueError(f"Trustworthiness with {k} neighbours needs more than {2 * k} points; "
                         f"there are {len(x)}.")
    return float(_sk_trustworthiness(x, embedding, n_neighbors=k))


def reconstruction_errors(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    """Mean squared error per row.

    Parameters
    ----------
    x : array-like of shape (n_samples, n_features)
        Originals, e.g. flattened images with pixels in [0, 1].
    x_hat : array-like of shape (n_samples, n_features)
        Reconstructions of ``x`` in the same units.

    Returns
    -------
    ndarray of shape (n_samples,), dtype float64
        Mean over features of the squared difference, in squared feature units.
    """
    return np.mean((np.asarray(x, "float64") - np.asarray(x_hat, "float64")) ** 2, axis=1)


def reconstruction_mse(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Mean squared error per pixel, averaged over all rows.

    Parameters
    ----------
    x : array-like of shape (n_samples, n_features)
        Originals, e.g. flattened images with pixels in [0, 1].
    x_hat : array-like of shape (n_samples, n_features)
        Reconstructions of ``x`` in the same units.

    Returns
    -------
    float
        Mean of :func:`reconstruction_errors`, in squared feature units.
    """
    return float(np.mean(reconstruction_errors(x, x_hat)))


def pca_reconstruction_mse(x_train: np.ndarray, x_eval: np.ndarray, n_components: int) -> float:
    """MSE per pixel of PCA fitted on ``x_train``: the linear baseline.

    Parameters
    ----------
    x_train : ndarray of shape (n_train, n_features)
        Data PCA is fitted on, e.g. flattened images with pixels in [0, 1].
    x_eval : ndarray of shape (n_samples, n_features)
        Data that is projected and reconstructed.
    n_components : int
        Number of principal components kept; capped at ``min(n_train, n_features)``.

    Returns
    -------
    float
        :func:`reconstruction_mse` of ``x_eval`` against its PCA reconstruction, in squared
        feature units.
    """
    pca = PCA(min(n_components, *x_train.shape), random_state=0).fit(x_train)
    return reconstruction_mse(x_eval, pca.inverse_transform(pca.transform(x_eval)))


def map_scores(x_eval: np.ndarray, y_eval: np.ndarray, points: np.ndarray) -> dict[str, float]:
    """The two scores every 2-D map gets: 5-NN accuracy and trustworthiness (k = 5).

    Parameters
    ----------
    x_eval : ndarray of shape (n_samples, n_features)
        The mapped data, e.g. flattened images with pixels in [0, 1].
    y_eval : ndarray of shape (n_samples,)
        Non-negative integer labels of ``x_eval``.
    points : ndarray of shape (n_samples, 2)
        The map's coordinates for ``x_eval``.

    Returns
    -------
    dict of str to float
        ``"5-NN accuracy"`` (:func:`knn_accuracy`; only where ``y_eval`` holds two labels or
        more: unlabelled data have none) and ``"trustworthiness"`` (:func:`trustworthiness`),
        both in [0, 1].

    Raises
    ------
    ValueError
        As :func:`knn_accuracy` and :func:`trustworthiness` do.
    """
    accuracy = ({"5-NN accuracy": knn_accuracy(points, y_eval)}
                if len(np.unique(y_eval)) > 1 else {})
    return {**accuracy, "trustworthiness": trustworthiness(x_eval, points)}
