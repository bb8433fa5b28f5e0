"""The code as features: a classifier trained on a few labelled points, on raw pixels, on PCA
and on an autoencoder's code, each as a scikit-learn Pipeline.

The autoencoder and PCA learn from every training image without labels; only the logistic
regression sees labels. That is the semi-supervised use of autoencoder codes the seed tutorial
names: a good code makes a few labels go further.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from aecore.spec import counted

LABEL_COUNTS = (10, 100, 1000)


def feature_pipelines(autoencoder: Any, x_unlabelled: np.ndarray,
                      raw: str = "raw pixels") -> dict[str, Pipeline]:
    """Unfitted classifiers on three representations: the raw inputs (named ``raw``), PCA with
    as many components as the code, and the fitted ``autoencoder``'s code (frozen, so fitting
    the pipeline fits only the classifier)."""
    n_codes = autoencoder.transform(x_unlabelled[:1]).shape[1]
    n_components = min(n_codes, *x_unlabelled.shape)
    pca = PCA(n_components, random_state=0).fit(x_unlabelled)

    def classifier() -> list:
        return [StandardScaler(), LogisticRegression(max_iter=1000)]

    return {
        raw: make_pipeline(*classifier()),
        f"PCA ({counted(n_components, 'component')})": make_pipeline(FrozenEstimator(pca),
                                                                     *classifier()),
        f"autoencoder code ({n_codes})": make_pipeline(FrozenEstimator(autoencoder),
                                                       *classifier()),
    }


def few_label_accuracy(autoencoder: Any, x_train: np.ndarray, y_train: np.ndarray,
                       x_eval: np.ndarray, y_eval: np.ndarray,
                       label_counts: tuple[int, ...] = LABEL_COUNTS,
                       seed: int = 0, raw: str = "raw pixels") -> pd.DataFrame:
    """Held-out accuracy of each representation's classifier against the number of labels.

    Parameters
    ----------
    autoencoder : fitted estimator with ``transform``
    x_train, y_train : arrays of shape (n_train, n_features), (n_train,)
        The unlabelled pool (all of it fits PCA; the autoencoder was fitted on it) and the labels
        from which each labelled subset is drawn, stratified.
    x_eval, y_eval : arrays of shape (n_eval, n_features), (n_eval,)
        Held-out points the accuracy is measured on.
    label_counts : tuple of int
        Labelled training points per run; counts above ``n_train`` are dropped, and a count
        below the number of classes is raised to one point per class.
    seed : int, default=0
        Seed of the stratified draws of the labelled subsets.
    raw : str, default="raw pixels"
        The name of the raw inputs' column ("raw features" for a table's rows).

    Returns
    -------
    DataFrame
        Index ``labels`` (the counts used), one column of accuracies (0–1) per representation.

    Raises
    ------
    ValueError
        If ``y_train`` holds fewer than two classes (a classifier needs two), or fewer samples
        than the smallest of ``label_counts``.
    """
    n_classes = len(np.unique(y_train))
    if n_classes < 2:
        raise ValueError("A classifier needs labels of at least two classes, and these data "
                         "have one (upload them with a label column to see this section).")
    counts = sorted({max(c, n_classes) for c in label_counts if c <= len(x_train)})
    if not counts:
        raise ValueError(f"The fewest labels compared is {min(label_counts)}, and these data "
                         f"have {counted(len(x_train), 'training sample')}.")
    pipelines = feature_pipelines(autoencoder, x_train, raw)
    rows = {}
    for count in counts:
        x_few, y_few = _labelled_subset(x_train, y_train, count, seed)
        rows[count] = {name: pipe.fit(x_few, y_few).score(x_eval, y_eval)
                       for name, pipe in pipelines.items()}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("labels")


def _labelled_subset(x: np.ndarray, y: np.ndarray, count: int,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
    if count >= len(x):
        return x, y
    x_few, _, y_few, _ = train_test_split(x, y, train_size=count, stratify=y, random_state=seed)
    return x_few, y_few
