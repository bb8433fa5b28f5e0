"""Anomaly detection by reconstruction error: what is 'normal', threshold rules and their
scores. Labels: 1 = anomaly, 0 = normal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.ndimage import gaussian_filter
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import auc, confusion_matrix, precision_recall_curve, roc_curve
from sklearn.model_selection import train_test_split

from aecore.data import Dataset


@dataclass(frozen=True)
class AnomalySetup:
    """Training data (mostly normal) and labelled validation and test splits."""

    x_train: np.ndarray
    train_is_anomaly: np.ndarray  # the contamination mixed into training
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, int] | None  # None for tabular data
    description: str


def contaminate(x_normal: np.ndarray, x_anomalous: np.ndarray, share: float,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All normal rows plus as many anomalies as make up ``share`` of the result, shuffled."""
    if not 0 <= share < 1:
        raise ValueError(f"The contamination share must be in [0, 1); got {share:g}.")
    n_anomalies = round(share * len(x_normal) / (1 - share))
    if n_anomalies > len(x_anomalous):
        raise ValueError(f"Only {len(x_anomalous)} anomalies are available for training; a "
                         f"share of {share:.0%} needs {n_anomalies}.")
    rng = np.random.default_rng(seed)
    picked = x_anomalous[rng.choice(len(x_anomalous), n_anomalies, replace=False)]
    x = np.concatenate([x_normal, picked])
    flags = np.concatenate([np.zeros(len(x_normal), int), np.ones(n_anomalies, int)])
    order = rng.permutation(len(x))
    return x[order], flags[order]


def _labelled_halves(x: np.ndarray, y: np.ndarray, seed: int):
    """Split held-out data in half: validation (for rules that need labels) and test."""
    return train_test_split(x, y, test_size=0.5, random_state=seed, stratify=y)


def image_setup(data: Dataset, mode: str, digit: int, contamination: float = 0.0,
                seed: int = 0) -> AnomalySetup:
    """``mode`` 'one-class': train on ``digit``, every other digit is an anomaly;
    'hold-out': train on every digit but ``digit``, which is the anomaly."""
    if mode not in ("one-class", "hold-out"):
        raise ValueError(f"Mode must be 'one-class' or 'hold-out'; got {mode!r}.")
    if digit not in set(data.y_train):
        raise ValueError(f"There is no class {digit} in {data.name}.")
    anomalous = (lambda y: y != digit) if mode == "one-class" else (lambda y: y == digit)
    x_train, flags = contaminate(data.x_train[~anomalous(data.y_train)],
                                 data.x_train[anomalous(data.y_train)], contamination, seed)
    x_val, x_test, y_val, y_test = _labelled_halves(
        data.x_test, anomalous(data.y_test).astype(int), seed)
    what = (f"normal = {digit}, anomalies = every other class" if mode == "one-class"
            else f"normal = every class but {digit}, anomalies = {digit}")
    return AnomalySetup(x_train, flags, x_val, y_val, x_test, y_test, data.image_shape,
                        f"{data.name}: {what}")


def breast_cancer_setup(contamination: float = 0.0, seed: int = 0) -> AnomalySetup:
    """scikit-learn's breast-cancer data: benign tumours normal, malignant ones anomalies.
    Features are min–max scaled on the normal training rows and clipped to [0, 1]."""
    bunch = load_breast_cancer()
    x, anomalous = bunch.data, (bunch.target == 0).astype(int)  # target 0 = malignant
    x_fit, x_held, y_fit, y_held = train_test_split(x, anomalous, test_size=0.4,
                                                    random_state=seed, stratify=anomalous)
    normal = x_fit[y_fit == 0]
    low, high = normal.min(axis=0), normal.max(axis=0)

    def scale(a: np.ndarray) -> np.ndarray:
        return np.clip((a - low) / np.where(high > low, high - low, 1), 0, 1).astype("float32")

    x_train, flags = contaminate(scale(normal), scale(x_fit[y_fit == 1]), contamination, seed)
    x_val, x_test, y_val, y_test = _labelled_halves(scale(x_held), y_held, seed)
    return AnomalySetup(x_train, flags, x_val, y_val, x_test, y_test, None,
                        "Breast cancer (30 features): normal = benign, anomalies = malignant")


def error_maps(x: np.ndarray, x_hat: np.ndarray, image_shape: tuple[int, int] | None = None,
               smoothing: float = 0.0) -> np.ndarray:
    """Input minus reconstruction per feature; for images, blurred by a Gaussian of
    ``smoothing`` pixels first.

    Why blur: a stroke drawn one pixel to the side costs as much squared error as a missing
    stroke, so raw pixel errors partly measure handwriting jitter. Compared at the scale of a
    stroke's width, the error counts shapes the model cannot rebuild."""
    if smoothing < 0:
        raise ValueError(f"Smoothing must be ≥ 0 pixels; got {smoothing:g}.")
    diff = np.asarray(x, "float32") - np.asarray(x_hat, "float32")
    if image_shape is None or smoothing == 0:
        return diff
    images = diff.reshape(len(diff), *image_shape)
    return gaussian_filter(images, sigma=(0, smoothing, smoothing)).reshape(len(diff), -1)


def reconstruction_errors(x: np.ndarray, x_hat: np.ndarray,
                          image_shape: tuple[int, int] | None = None,
                          smoothing: float = 0.0) -> np.ndarray:
    """The anomaly score: mean squared (smoothed, for images) error per row, (n_samples,)."""
    return np.mean(error_maps(x, x_hat, image_shape, smoothing) ** 2, axis=1)


def split_scores(detector, setup: AnomalySetup, smoothing: float) -> dict[str, np.ndarray]:
    """A fitted :class:`aecore.ReconstructionDetector`'s scores of the training, validation
    and test rows, with error smoothing ``smoothing`` (pixels)."""
    return {part: detector.anomaly_scores(x, smoothing) for part, x in (
        ("train", setup.x_train), ("val", setup.x_val), ("test", setup.x_test))}


# Threshold rules: a score above the threshold is flagged as an anomaly.
def max_training_error(train_scores: np.ndarray) -> float:
    return float(np.max(train_scores))


def mean_plus_k_sigma(train_scores: np.ndarray, k: float = 3.0) -> float:
    return float(np.mean(train_scores) + k * np.std(train_scores))


def percentile_rule(train_scores: np.ndarray, contamination: float) -> float:
    """Flag the top ``contamination`` share of the training scores."""
    return float(np.quantile(train_scores, 1 - contamination))


def best_f1(val_scores: np.ndarray, val_labels: np.ndarray) -> float:
    """The threshold with the highest F1 on labelled validation data."""
    precision, recall, thresholds = precision_recall_curve(val_labels, val_scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return float(thresholds[np.argmax(f1)])


def youden_j(val_scores: np.ndarray, val_labels: np.ndarray) -> float:
    """The threshold maximising sensitivity + specificity − 1 on labelled validation data."""
    fpr, tpr, thresholds = roc_curve(val_labels, val_scores)
    return float(thresholds[1:][np.argmax((tpr - fpr)[1:])])  # skip roc_curve's +inf


def threshold_rules(train_scores: np.ndarray, val_scores: np.ndarray, val_labels: np.ndarray,
                    k: float = 3.0, contamination: float = 0.05) -> dict[str, float]:
    return {
        "max training error": max_training_error(train_scores),
        f"mean + {k:g}σ": mean_plus_k_sigma(train_scores, k),
        f"top {contamination:.0%} of training": percentile_rule(train_scores, contamination),
        "best F1 (validation)": best_f1(val_scores, val_labels),
        "Youden's J (validation)": youden_j(val_scores, val_labels),
    }


def operating_point(scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall, F1 and false-positive rate of flagging scores > threshold."""
    tn, fp, fn, tp = confusion_counts(scores, labels, threshold).ravel()
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "precision": precision, "recall": recall, "F1": f1,
            "false-positive rate": fp / (fp + tn) if fp + tn else 0.0}


def confusion_counts(scores: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """2×2 counts [[TN, FP], [FN, TP]] of flagging scores > threshold (rows: truth)."""
    return confusion_matrix(labels, scores > threshold, labels=[0, 1])


EXAMPLE_VIEWS = ("Highest scores", "False positives", "False negatives")


def flagged_examples(scores: np.ndarray, labels: np.ndarray, threshold: float, view: str,
                     n: int) -> np.ndarray:
    """Indices of up to ``n`` rows to show, highest score first: all rows ("Highest scores"),
    normal rows flagged ("False positives") or anomalies missed ("False negatives")."""
    flagged = scores > threshold
    rows = {"Highest scores": np.arange(len(scores)),
            "False positives": np.flatnonzero(flagged & (labels == 0)),
            "False negatives": np.flatnonzero(~flagged & (labels == 1))}[view]
    return rows[np.argsort(-scores[rows], kind="stable")][:n]


def rules_table(rules: dict[str, float], scores: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({name: operating_point(scores, labels, t)
                         for name, t in rules.items()}).T.rename_axis("rule")


@dataclass(frozen=True)
class Curves:
    fpr: np.ndarray
    tpr: np.ndarray
    roc_auc: float
    precision: np.ndarray
    recall: np.ndarray
    pr_auc: float


def curves(scores: np.ndarray, labels: np.ndarray) -> Curves:
    """ROC and precision–recall curves with their areas."""
    fpr, tpr, _ = roc_curve(labels, scores)
    precision, recall, _ = precision_recall_curve(labels, scores)
    return Curves(fpr, tpr, float(auc(fpr, tpr)), precision, recall,
                  float(auc(recall, precision)))
