"""Scores for 2-D maps and reconstructions."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness as _sk_trustworthiness
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier


def knn_accuracy(embedding: np.ndarray, labels: np.ndarray, k: int = 5, folds: int = 5) -> float:
    """Cross-validated k-NN accuracy in the map: how well neighbours in it share a label."""
    folds = min(folds, int(np.bincount(labels).min()) if len(labels) else 2)
    if folds < 2:
        raise ValueError("k-NN accuracy needs at least two points of every label.")
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    return float(cross_val_score(KNeighborsClassifier(k), embedding, labels, cv=cv).mean())


def trustworthiness(x: np.ndarray, embedding: np.ndarray, k: int = 5) -> float:
    """Share of the map's neighbourhoods that are true neighbourhoods in the data (1 is best)."""
    return float(_sk_trustworthiness(x, embedding, n_neighbors=k))


def reconstruction_errors(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    """Mean squared error per row: shape (n_samples,), in squared feature units."""
    return np.mean((np.asarray(x, "float64") - np.asarray(x_hat, "float64")) ** 2, axis=1)


def reconstruction_mse(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Mean squared error per pixel."""
    return float(np.mean(reconstruction_errors(x, x_hat)))


def pca_reconstruction_mse(x_train: np.ndarray, x_eval: np.ndarray, n_components: int) -> float:
    """MSE per pixel of PCA with ``n_components`` fitted on ``x_train``: the linear baseline.
    ``n_components`` is capped at what ``x_train`` allows (its rows and columns)."""
    pca = PCA(min(n_components, *x_train.shape), random_state=0).fit(x_train)
    return reconstruction_mse(x_eval, pca.inverse_transform(pca.transform(x_eval)))


def map_scores(x_eval: np.ndarray, y_eval: np.ndarray, points: np.ndarray) -> dict[str, float]:
    """The two scores every 2-D map gets: 5-NN accuracy and trustworthiness (k = 5)."""
    return {"5-NN accuracy": knn_accuracy(points, y_eval),
            "trustworthiness": trustworthiness(x_eval, points)}
