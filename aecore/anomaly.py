"""Anomaly detection by reconstruction error: set-ups, scores, threshold rules and their metrics.

Labels are 1 = anomaly and 0 = normal throughout, and a row is flagged when its score is above
the threshold (``score > threshold``), as in PyOD.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.ndimage import gaussian_filter
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import auc, confusion_matrix, precision_recall_curve, roc_curve
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors

from aecore.data import Dataset
from aecore.spec import counted

SOURCES = {"one-class": "This dataset: one class is normal",
           "hold-out": "This dataset: one class is the anomaly",
           "breast-cancer": "Breast cancer table (benign normal)"}  # the page's set-ups
BREAST_CANCER = "Breast cancer (30 features)"  # the table's name, whatever the page's dataset
MAX_CONTAMINATION = 0.2  # most anomalies the page mixes into training rows
# One line on each of the detector's anomaly scores (aecore.spec.SCORES; its ``score``)
SCORE_EXPLANATIONS = {
    "error": "The mean squared difference between input and reconstruction (for images, after "
             "the error smoothing): trained on normal data only, the network rebuilds anomalies "
             "badly.",
    "error+code": "Two signs summed, each standardised on the training images: the worst-rebuilt "
                  "pixels relative to the ink drawn, and how far the code lies from the nearest "
                  "training code, which also flags anomalies the network rebuilds well (a 1 "
                  "among other digits)."}
TOP_PIXELS = 50  # pixels whose errors make the ink-relative error (bench/anomaly.py)


@dataclass(frozen=True)
class AnomalySetup:
    """Training data (mostly normal) and labelled validation and test splits.

    Made by :func:`image_setup` or :func:`breast_cancer_setup`.

    Attributes
    ----------
    x_train : ndarray of shape (n_train, n_features), dtype float32
        Training rows, features in [0, 1]: the normal rows plus any contamination, shuffled.
    train_is_anomaly : ndarray of shape (n_train,), dtype int
        1 for the anomalies mixed into ``x_train`` (see :func:`contaminate`), else 0.
    x_val : ndarray of shape (n_val, n_features), dtype float32
        Validation rows, for the threshold rules that need labels.
    y_val : ndarray of shape (n_val,), dtype int
        1 = anomaly, 0 = normal.
    x_test : ndarray of shape (n_test, n_features), dtype float32
        Test rows, for the final scores.
    y_test : ndarray of shape (n_test,), dtype int
        1 = anomaly, 0 = normal.
    test_classes : ndarray of shape (n_test,), dtype str
        The class each test row came from, by name (e.g. "3", "malignant").
    image_shape : tuple of (int, int) or None
        (height, width) of an image row; None for tabular data.
    description : str
        What is normal and what is anomalous, for display.
    drawn_as_ink : bool, default=True
        How its images are drawn (:attr:`aecore.data.Dataset.drawn_as_ink`).
    """

    x_train: np.ndarray
    train_is_anomaly: np.ndarray  # the contamination mixed into training
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    test_classes: np.ndarray
    image_shape: tuple[int, int] | None  # None for tabular data
    description: str
    drawn_as_ink: bool = True

    @property
    def sample_noun(self) -> str:
        """What one sample is called: "image", or "row" of a table."""
        return "image" if self.image_shape is not None else "row"


def contaminate(x_normal: np.ndarray, x_anomalous: np.ndarray, share: float,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All normal rows plus as many anomalies as make up ``share`` of the result, shuffled.

    ``round(share * n_normal / (1 - share))`` anomalies are drawn without replacement, and all rows
    are then shuffled, both by ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    x_normal : ndarray of shape (n_normal, n_features)
        Normal rows, all kept.
    x_anomalous : ndarray of shape (n_anomalous, n_features)
        The pool of anomalous rows to draw from.
    share : float
        Fraction of anomalies in the result, in [0, 1); 0 adds none.
    seed : int, default=0
        Seed of the draw and the shuffle.

    Returns
    -------
    x : ndarray of shape (n_normal + n_added, n_features)
        The rows, shuffled.
    is_anomaly : ndarray of shape (n_normal + n_added,), dtype int
        1 for the added anomalies, 0 for the normal rows.

    Raises
    ------
    ValueError
        If ``share`` is outside [0, 1), or it needs more anomalies than ``x_anomalous`` holds.
    """
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


def _labelled_halves(x: np.ndarray, y: np.ndarray, classes: np.ndarray, seed: int):
    """Split held-out rows, their anomaly labels and class names in half, stratified by label:
    validation (for rules that need labels) and test, as ``x_val, x_test, y_val, y_test,
    classes_val, classes_test``; a ValueError in one sentence when there are too few held-out
    rows of a kind."""
    counts = np.bincount(y, minlength=2)
    if counts.min() < 2:
        raise ValueError(f"The held-out data have {counts[0]} normal and "
                         f"{counted(counts[1], 'anomalous row')}; splitting them into validation "
                         "and test rows needs at least two of each, so use more data.")
    return train_test_split(x, y, classes, test_size=0.5, random_state=seed, stratify=y)


def image_setup(data: Dataset, mode: str, digit: int, contamination: float = 0.0,
                seed: int = 0) -> AnomalySetup:
    """An anomaly set-up from an image dataset: one class against the rest.

    ``mode="one-class"``: ``digit`` is normal and every other class anomalous; ``mode="hold-out"``:
    every class but ``digit`` is normal and ``digit`` anomalous. Training rows come from
    ``data.x_train`` (the normal rows plus ``contamination`` of anomalies, see :func:`contaminate`);
    ``data.x_test`` is split in half, stratified by the anomaly label, into validation and test.

    Parameters
    ----------
    data : aecore.data.Dataset
        Flattened images with pixels in [0, 1] and integer labels.
    mode : {"one-class", "hold-out"}
        Which side ``digit`` is on.
    digit : int
        A class label present in ``data.y_train``.
    contamination : float, default=0.0
        Share of anomalies in the training rows, in [0, 1).
    seed : int, default=0
        Seed of the contamination draw and of the validation/test split.

    Returns
    -------
    AnomalySetup
        With ``image_shape=data.image_shape`` and a description naming the dataset.

    Raises
    ------
    ValueError
        If ``mode`` is unknown, ``digit`` is not a training label, or ``contamination`` is outside
        [0, 1) or needs more anomalous training images than there are, or if the normal or the
        anomalous held-out rows number fewer than two.
    """
    anomalous = _anomalous_class(data, mode, digit)
    x_train, flags = contaminate(data.x_train[~anomalous(data.y_train)],
                                 data.x_train[anomalous(data.y_train)], contamination, seed)
    class_names = np.array([data.label_name(label) for label in data.y_test])
    x_val, x_test, y_val, y_test, _, test_classes = _labelled_halves(
        data.x_test, anomalous(data.y_test).astype(int), class_names, seed)
    name = data.label_name(digit)
    others = sorted(set(data.y_train.tolist()) - {digit})
    rest = data.label_name(others[0]) if len(others) == 1 else None  # two classes: name it
    what = (f"normal = {name}, anomalies = {rest or 'every other class'}" if mode == "one-class"
            else f"normal = {rest or f'every class but {name}'}, anomalies = {name}")
    return AnomalySetup(x_train, flags, x_val, y_val, x_test, y_test, test_classes,
                        data.image_shape, f"{data.name}: {what}", data.drawn_as_ink)


def _anomalous_class(data: Dataset, mode: str, digit: int):
    """The test for anomalous labels of an image set-up, after checking ``mode`` and ``digit``."""
    if mode not in ("one-class", "hold-out"):
        raise ValueError(f"Mode must be 'one-class' or 'hold-out'; got {mode!r}.")
    if len(np.unique(data.y_train)) < 2:
        what = "has no labels" if data.class_names == ("all",) else (
            f"has one class only ({data.label_name(int(data.y_train[0]))})")
        raise ValueError(f"{data.name} {what}, but this set-up needs two classes (one normal, "
                         "one anomalous): for a CSV, pick a label column that holds two values "
                         "or more; for an .npz, an array y with two; for a zip, images in two "
                         "folders or more, one per label.")
    if digit not in set(data.y_train):
        raise ValueError(f"There is no class {digit} in {data.name}.")
    return (lambda y: y != digit) if mode == "one-class" else (lambda y: y == digit)


def max_contamination(data: Dataset, mode: str, digit: int) -> float:
    """The largest training contamination an image set-up can have, rounded down to 0.01.

    All normal training images are kept, so a share c needs c/(1 − c) anomalies per normal
    image (:func:`contaminate`); the training split holds only so many.

    Parameters
    ----------
    data, mode, digit
        As for :func:`image_setup`.

    Returns
    -------
    float
        In [0, 1): e.g. 0.1 when one digit of ten is the anomaly ("hold-out").

    Raises
    ------
    ValueError
        If ``mode`` is unknown or ``digit`` is not a training label.
    """
    n_anomalous = int(np.sum(_anomalous_class(data, mode, digit)(data.y_train)))
    n_normal = len(data.y_train) - n_anomalous
    share = n_anomalous / (n_normal + n_anomalous)
    while share > 0 and round(share * n_normal / (1 - share)) > n_anomalous:
        share -= 0.01  # contaminate() rounds the count; stay below what it needs
    return max(0.0, np.floor(share * 100) / 100)


def breast_cancer_setup(contamination: float = 0.0, seed: int = 0) -> AnomalySetup:
    """scikit-learn's breast-cancer data as an anomaly set-up: benign normal, malignant anomalous.

    The 569 rows of :func:`sklearn.datasets.load_breast_cancer` are split 60/40, stratified. The
    benign rows of the 60 % are the normal training rows, and its malignant rows the pool for
    ``contamination``; the 40 % is split in half, stratified, into validation and test. Each of the
    30 features is min–max scaled on the normal training rows (a constant one is only shifted) and
    clipped to [0, 1].

    Parameters
    ----------
    contamination : float, default=0.0
        Share of malignant rows in the training data, in [0, 1); at most about 0.37.
    seed : int, default=0
        Seed of both splits and of the contamination draw.

    Returns
    -------
    AnomalySetup
        Features as float32 in [0, 1], ``image_shape=None``.

    Raises
    ------
    ValueError
        If ``contamination`` is outside [0, 1) or needs more malignant training rows than the
        split holds (see :func:`contaminate`).
    """
    bunch = load_breast_cancer()
    x, anomalous = bunch.data, (bunch.target == 0).astype(int)  # target 0 = malignant
    x_fit, x_held, y_fit, y_held = train_test_split(x, anomalous, test_size=0.4,
                                                    random_state=seed, stratify=anomalous)
    normal = x_fit[y_fit == 0]
    low, high = normal.min(axis=0), normal.max(axis=0)

    def scale(a: np.ndarray) -> np.ndarray:
        return np.clip((a - low) / np.where(high > low, high - low, 1), 0, 1).astype("float32")

    x_train, flags = contaminate(scale(normal), scale(x_fit[y_fit == 1]), contamination, seed)
    x_val, x_test, y_val, y_test, _, test_classes = _labelled_halves(
        scale(x_held), y_held, np.array(bunch.target_names)[1 - y_held], seed)
    return AnomalySetup(x_train, flags, x_val, y_val, x_test, y_test, test_classes, None,
                        f"{BREAST_CANCER}: normal = benign, anomalies = malignant")


def error_maps(x: np.ndarray, x_hat: np.ndarray, image_shape: tuple[int, int] | None = None,
               smoothing: float = 0.0) -> np.ndarray:
    """Input minus reconstruction per feature; for images, blurred by a Gaussian first.

    Why blur: a stroke drawn one pixel to the side costs as much squared error as a missing
    stroke, so raw pixel errors partly measure handwriting jitter. Compared at the scale of a
    stroke's width, the error counts shapes the model cannot rebuild. The blur is
    :func:`scipy.ndimage.gaussian_filter` over each image's two axes (not across images), with
    SciPy's defaults (``mode="reflect"``, truncated at 4 σ).

    Parameters
    ----------
    x : array-like of shape (n_samples, n_features)
        Inputs, e.g. flattened images with pixels in [0, 1].
    x_hat : array-like of shape (n_samples, n_features)
        Reconstructions of ``x``, in the same units.
    image_shape : tuple of (int, int) or None, default=None
        (height, width) of an image row, height × width = n_features; None (tabular data) means
        no blur.
    smoothing : float, default=0.0
        σ of the Gaussian blur, in pixels; 0 means no blur.

    Returns
    -------
    ndarray of shape (n_samples, n_features), dtype float32
        ``x - x_hat``, blurred when ``image_shape`` is given and ``smoothing`` > 0.

    Raises
    ------
    ValueError
        If ``smoothing`` < 0; from NumPy if ``x`` and ``x_hat`` cannot be subtracted or, when
        blurring, ``image_shape`` does not hold n_features.
    """
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
    """The anomaly score: mean squared (smoothed, for images) reconstruction error per row.

    Parameters
    ----------
    x, x_hat, image_shape, smoothing
        As for :func:`error_maps`.

    Returns
    -------
    ndarray of shape (n_samples,), dtype float32
        Mean over features of the squared :func:`error_maps`, in squared feature units; higher is
        more anomalous.

    Raises
    ------
    ValueError
        As :func:`error_maps` does.
    """
    return np.mean(error_maps(x, x_hat, image_shape, smoothing) ** 2, axis=1)


def ink_relative_errors(x: np.ndarray, x_hat: np.ndarray, image_shape: tuple[int, int],
                        smoothing: float = 0.0, top: int = TOP_PIXELS) -> np.ndarray:
    """The mean of each image's ``top`` largest squared (smoothed) errors over its ink.

    Two corrections of :func:`reconstruction_errors` for images. A missing or extra stroke is
    local: averaged over every pixel it is diluted by the many well-rebuilt background pixels,
    while the mean of the worst pixels measures the worst-rebuilt part (pooling an error map by
    its largest values, as image anomaly detectors do, e.g. Bergmann et al. 2019). And an image
    with little ink (a 1) has little to get wrong, so its error is divided by the ink of input
    and reconstruction, the mean pixel value of each, added. Both were chosen with
    ``bench.anomaly`` (see BENCHMARKS.md).

    Parameters
    ----------
    x, x_hat : array-like of shape (n_samples, n_features)
        Images and their reconstructions, flattened, pixels in [0, 1].
    image_shape : tuple of (int, int)
        (height, width) of an image, height × width = n_features.
    smoothing : float, default=0.0
        σ of the error blur, in pixels (see :func:`error_maps`).
    top : int, default=TOP_PIXELS
        Number of largest squared errors averaged, ≥ 1; all pixels when larger than n_features.

    Returns
    -------
    ndarray of shape (n_samples,), dtype float32
        Mean of the ``top`` largest squared errors over (mean of ``x`` + mean of ``x_hat``), ≥ 0;
        0 for a blank image rebuilt blank.

    Raises
    ------
    ValueError
        If ``top`` < 1, or as :func:`error_maps` does.

    References
    ----------
    .. [1] P. Bergmann, S. Löwe, M. Fauser, D. Sattlegger and C. Steger, "Improving Unsupervised
       Defect Segmentation by Applying Structural Similarity to Autoencoders", VISAPP 2019.
    """
    if top < 1:
        raise ValueError(f"The number of pixels averaged must be ≥ 1; got {top}.")
    squared = error_maps(x, x_hat, image_shape, smoothing) ** 2
    top = min(top, squared.shape[1])
    worst = np.partition(squared, squared.shape[1] - top, axis=1)[:, -top:]
    ink = np.mean(x, axis=1) + np.mean(x_hat, axis=1)
    return np.divide(worst.mean(axis=1), ink, out=np.zeros(len(ink), "float32"),
                     where=ink > 0).astype("float32")


def code_distances(neighbors: NearestNeighbors, codes: np.ndarray | None = None) -> np.ndarray:
    """Distance from each code to its nearest training code: kNN anomaly detection, k = 1.

    The distance to the k-th nearest neighbour as an outlier score is Ramaswamy, Rastogi and
    Shim's (2000), PyOD's ``KNN``; here it is measured between codes, so that an input the
    network rebuilds well but encodes unlike any training input still stands out.

    Parameters
    ----------
    neighbors : sklearn.neighbors.NearestNeighbors
        Fitted on the training codes (the detector uses the cosine distance).
    codes : ndarray of shape (n_samples, code_size) or None, default=None
        Codes to score; None scores the training codes themselves, each against its nearest
        *other* training code (scikit-learn's ``kneighbors()`` without ``X``), as PyOD's
        training scores are.

    Returns
    -------
    ndarray of shape (n_samples,) or (n_train,)
        Distances in ``neighbors``' metric, ≥ 0.

    Raises
    ------
    ValueError
        From scikit-learn, if ``codes`` has another width, or ``codes`` is None and there is one
        training code only.

    References
    ----------
    .. [1] S. Ramaswamy, R. Rastogi and K. Shim, "Efficient Algorithms for Mining Outliers from
       Large Data Sets", SIGMOD 2000.
    """
    return neighbors.kneighbors(codes, n_neighbors=1)[0][:, 0]


def standardised_sum(components: np.ndarray, center: np.ndarray,
                     scale: np.ndarray) -> np.ndarray:
    """Combine anomaly scores: standardise each by its training mean and deviation, then add.

    Σ_j (s_j − μ_j) / σ_j, with μ_j and σ_j the mean and standard deviation of score j on the
    training rows: the z-score normalisation and averaging of outlier ensembles (Aggarwal &
    Sathe 2015; PyOD's ``standardizer`` with ``combination.average``, up to the factor 1/m).

    Parameters
    ----------
    components : ndarray of shape (n_samples, n_scores)
        Each column one score, higher meaning more anomalous.
    center, scale : ndarray of shape (n_scores,)
        Training means and standard deviations; a scale of 0 counts as 1.

    Returns
    -------
    ndarray of shape (n_samples,), dtype float32
        The combined score; 0 is a training row average in every score.

    References
    ----------
    .. [1] C. C. Aggarwal and S. Sathe, "Theoretical Foundations and Algorithms for Outlier
       Ensembles", ACM SIGKDD Explorations 17(1), 24–47, 2015.
    """
    scale = np.where(np.asarray(scale) > 0, scale, 1.0)
    return np.sum((components - center) / scale, axis=1).astype("float32")


def split_scores(detector, setup: AnomalySetup, smoothing: float,
                 score: str | None = None) -> dict[str, np.ndarray]:
    """A fitted detector's scores of a set-up's training, validation and test rows.

    Parameters
    ----------
    detector : aecore.ReconstructionDetector
        Fitted on ``setup.x_train``.
    setup : AnomalySetup
        The rows to score.
    smoothing : float
        σ of the error blur in pixels (see :func:`error_maps`); overrides the detector's own
        without refitting.
    score : str or None, default=None
        A key of :data:`aecore.spec.SCORES`; overrides the detector's own without refitting
        (None keeps it).

    Returns
    -------
    dict of str to ndarray of shape (n_rows,)
        ``"train"``: :meth:`aecore.ReconstructionDetector.training_scores` of ``setup.x_train``;
        ``"val"`` and ``"test"``: :meth:`aecore.ReconstructionDetector.anomaly_scores` of
        ``setup.x_val`` and ``setup.x_test``.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``detector`` is not fitted.
    aecore.DivergedError
        If its fit diverged.
    ValueError
        If rows are invalid for the detector (see :func:`aecore.validation.check_data`), or as
        the detector's scoring methods raise for ``smoothing`` and ``score``.
    """
    return {"train": detector.training_scores(setup.x_train, smoothing, score),
            **{part: detector.anomaly_scores(x, smoothing, score)
               for part, x in (("val", setup.x_val), ("test", setup.x_test))}}


# Threshold rules: a score above the threshold is flagged as an anomaly.
def max_training_error(train_scores: np.ndarray) -> float:
    """Threshold rule: the highest training score, so that no training row is flagged.

    Parameters
    ----------
    train_scores : ndarray of shape (n_train,)
        Anomaly scores of the training rows.

    Returns
    -------
    float
        The threshold, in the scores' units.

    Raises
    ------
    ValueError
        From NumPy, if ``train_scores`` is empty.
    """
    return float(np.max(train_scores))


def mean_plus_k_sigma(train_scores: np.ndarray, k: float = 3.0) -> float:
    """Threshold rule: the mean of the training scores plus ``k`` standard deviations.

    Parameters
    ----------
    train_scores : ndarray of shape (n_train,)
        Anomaly scores of the training rows.
    k : float, default=3.0
        Number of standard deviations (population, ``ddof=0``) above the mean.

    Returns
    -------
    float
        The threshold, in the scores' units.
    """
    return float(np.mean(train_scores) + k * np.std(train_scores))


def percentile_rule(train_scores: np.ndarray, contamination: float) -> float:
    """Threshold rule: flag the top ``contamination`` share of the training scores.

    The ``1 - contamination`` quantile of the training scores (NumPy's linear interpolation): PyOD's
    contamination convention (``BaseDetector._process_decision_scores`` in ``pyod/models/base.py``),
    which :class:`aecore.ReconstructionDetector` also uses for ``threshold_``.

    Parameters
    ----------
    train_scores : ndarray of shape (n_train,)
        Anomaly scores of the training rows.
    contamination : float
        Expected share of anomalies in the training data, in [0, 1].

    Returns
    -------
    float
        The threshold, in the scores' units.

    Raises
    ------
    ValueError
        From NumPy, if ``contamination`` is outside [0, 1].
    IndexError
        From NumPy, if ``train_scores`` is empty.
    """
    return float(np.quantile(train_scores, 1 - contamination))


def best_f1(val_scores: np.ndarray, val_labels: np.ndarray) -> float:
    """Threshold rule: the threshold with the highest F1 on labelled validation data.

    F1 = 2·P·R / (P + R), the harmonic mean of precision P and recall R (van Rijsbergen 1979), at
    each threshold of :func:`sklearn.metrics.precision_recall_curve`; on ties the lowest threshold
    wins. scikit-learn counts scores ≥ a threshold as positive, while every flag here is a score
    > the threshold, so the threshold returned is the float just below scikit-learn's: flagging
    scores above it achieves exactly the F1 this rule found (all scores tied: everything flagged).

    Parameters
    ----------
    val_scores : ndarray of shape (n_val,)
        Anomaly scores of the validation rows.
    val_labels : ndarray of shape (n_val,)
        1 = anomaly, 0 = normal.

    Returns
    -------
    float
        The threshold, one of ``val_scores``.

    Raises
    ------
    ValueError
        From scikit-learn, if ``val_labels`` is not binary or the lengths differ.

    References
    ----------
    .. [1] C. J. van Rijsbergen, "Information Retrieval", 2nd ed., Butterworths, 1979.
    """
    precision, recall, thresholds = precision_recall_curve(val_labels, val_scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return _flagging_at_least(thresholds[np.argmax(f1)])


def youden_j(val_scores: np.ndarray, val_labels: np.ndarray) -> float:
    """Threshold rule: the threshold maximising Youden's J on labelled validation data.

    J = sensitivity + specificity − 1 = TPR − FPR (Youden 1950), at each threshold of
    :func:`sklearn.metrics.roc_curve` but its first (+inf, which flags nothing); on ties the highest
    threshold wins. As for :func:`best_f1`, the threshold returned is the float just below
    scikit-learn's (which counts scores ≥ it), so flagging scores above it achieves that J.

    Parameters
    ----------
    val_scores : ndarray of shape (n_val,)
        Anomaly scores of the validation rows.
    val_labels : ndarray of shape (n_val,)
        1 = anomaly, 0 = normal.

    Returns
    -------
    float
        The threshold, one of ``val_scores``.

    Raises
    ------
    ValueError
        From scikit-learn, if ``val_labels`` is not binary or the lengths differ.

    References
    ----------
    .. [1] W. J. Youden, "Index for rating diagnostic tests", Cancer 3(1), 32–35, 1950.
    """
    fpr, tpr, thresholds = roc_curve(val_labels, val_scores, drop_intermediate=False)
    return _flagging_at_least(thresholds[1:][np.argmax((tpr - fpr)[1:])])  # skip the +inf


def _flagging_at_least(threshold: float) -> float:
    """The threshold under which "score > it" flags exactly the scores ≥ ``threshold``
    (scikit-learn's curves use ≥, this module's flags use >)."""
    return float(np.nextafter(np.float64(threshold), -np.inf))


def threshold_rules(train_scores: np.ndarray, val_scores: np.ndarray, val_labels: np.ndarray,
                    k: float = 3.0, contamination: float = 0.05) -> dict[str, float]:
    """Every threshold rule's threshold, by display name.

    Parameters
    ----------
    train_scores : ndarray of shape (n_train,)
        Anomaly scores of the training rows, for the rules without labels.
    val_scores : ndarray of shape (n_val,)
        Anomaly scores of the validation rows, for the rules that need labels.
    val_labels : ndarray of shape (n_val,)
        1 = anomaly, 0 = normal.
    k : float, default=3.0
        For :func:`mean_plus_k_sigma`.
    contamination : float, default=0.05
        For :func:`percentile_rule`.

    Returns
    -------
    dict of str to float
        ``"max training error"``, ``"mean + {k}σ"``, ``"top {contamination:.0%} of training"``,
        ``"best F1 (validation)"`` and ``"Youden's J (validation)"``, in that order.

    Raises
    ------
    ValueError, IndexError
        As the rules do.
    """
    return {
        "max training error": max_training_error(train_scores),
        f"mean + {k:g}σ": mean_plus_k_sigma(train_scores, k),
        f"top {contamination:.0%} of training": percentile_rule(train_scores, contamination),
        "best F1 (validation)": best_f1(val_scores, val_labels),
        "Youden's J (validation)": youden_j(val_scores, val_labels),
    }


def operating_point(scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall, F1 and false-positive rate of flagging scores > ``threshold``.

    Parameters
    ----------
    scores : ndarray of shape (n_samples,)
        Anomaly scores.
    labels : ndarray of shape (n_samples,)
        1 = anomaly, 0 = normal.
    threshold : float
        Rows scoring above it are flagged.

    Returns
    -------
    dict of str to float
        ``"threshold"``; ``"precision"`` TP / (TP + FP), NaN when nothing is flagged (0/0 is
        undefined, scikit-learn's ``zero_division=np.nan``); ``"recall"`` TP / (TP + FN);
        ``"F1"`` 2TP / (2TP + FP + FN), their harmonic mean where both are defined;
        ``"false-positive rate"`` FP / (FP + TN). Recall, F1 and the rate are 0 when their
        denominator is.

    Raises
    ------
    ValueError
        From scikit-learn, if the lengths differ.
    """
    tn, fp, fn, tp = confusion_counts(scores, labels, threshold).ravel()
    precision = tp / (tp + fp) if tp + fp else np.nan
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"threshold": threshold, "precision": precision, "recall": recall, "F1": f1,
            "false-positive rate": fp / (fp + tn) if fp + tn else 0.0}


def confusion_counts(scores: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Counts of flagging scores > ``threshold``, as a 2×2 confusion matrix.

    Parameters
    ----------
    scores : ndarray of shape (n_samples,)
        Anomaly scores.
    labels : ndarray of shape (n_samples,)
        1 = anomaly, 0 = normal.
    threshold : float
        Rows scoring above it are flagged.

    Returns
    -------
    ndarray of shape (2, 2), dtype int64
        ``[[TN, FP], [FN, TP]]``: rows the truth (normal, anomaly), columns the flag, from
        :func:`sklearn.metrics.confusion_matrix` with ``labels=[0, 1]``.

    Raises
    ------
    ValueError
        From scikit-learn, if the lengths differ.
    """
    return confusion_matrix(labels, scores > threshold, labels=[0, 1])


EXAMPLE_VIEWS = ("Highest scores", "False positives", "False negatives")


def flagged_examples(scores: np.ndarray, labels: np.ndarray, threshold: float, view: str,
                     n: int) -> np.ndarray:
    """Indices of up to ``n`` rows to show, highest score first.

    Parameters
    ----------
    scores : ndarray of shape (n_samples,)
        Anomaly scores.
    labels : ndarray of shape (n_samples,)
        1 = anomaly, 0 = normal.
    threshold : float
        Rows scoring above it are flagged.
    view : {"Highest scores", "False positives", "False negatives"}
        All rows, normal rows flagged, or anomalies missed (see :data:`EXAMPLE_VIEWS`).
    n : int
        Most indices returned.

    Returns
    -------
    ndarray of shape (n_shown,), dtype intp
        Row indices, n_shown ≤ ``n``, by descending score (ties in row order).

    Raises
    ------
    KeyError
        If ``view`` is not one of :data:`EXAMPLE_VIEWS`.
    """
    flagged = scores > threshold
    rows = {"Highest scores": np.arange(len(scores)),
            "False positives": np.flatnonzero(flagged & (labels == 0)),
            "False negatives": np.flatnonzero(~flagged & (labels == 1))}[view]
    return rows[np.argsort(-scores[rows], kind="stable")][:n]


def rules_table(rules: dict[str, float], scores: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """Each rule's operating point on labelled rows, one table row per rule.

    Parameters
    ----------
    rules : dict of str to float
        Thresholds by rule name, e.g. from :func:`threshold_rules`.
    scores : ndarray of shape (n_samples,)
        Anomaly scores, e.g. of the test rows.
    labels : ndarray of shape (n_samples,)
        1 = anomaly, 0 = normal.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``rule`` in the order of ``rules``, with the keys of :func:`operating_point` as
        columns.

    Raises
    ------
    ValueError
        From scikit-learn, if the lengths differ.
    """
    return pd.DataFrame({name: operating_point(scores, labels, t)
                         for name, t in rules.items()}).T.rename_axis("rule")


def all_or_nothing(table: pd.DataFrame) -> dict[str, str]:
    """The rules of a :func:`rules_table` that flag every row or none of them (when the data
    hold both normal and anomalous rows): such a threshold tells nothing apart, which its
    precision and recall alone do not make plain (best F1 falls there when the scores barely
    separate the classes, e.g. after a short training).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`rules_table`.

    Returns
    -------
    dict of str to str
        Rule name → ``"every"`` (recall and false-positive rate 1) or ``"no"`` (both 0), in the
        table's order; the other rules are left out.
    """
    ends = {(1.0, 1.0): "every", (0.0, 0.0): "no"}
    return {rule: ends[key] for rule, key in zip(
        table.index, zip(table["recall"], table["false-positive rate"], strict=True),
        strict=True) if key in ends}


@dataclass(frozen=True)
class Curves:
    """ROC and precision–recall curves of anomaly scores, with their areas.

    Attributes
    ----------
    fpr, tpr : ndarray of shape (n_roc,)
        False- and true-positive rates at the thresholds of :func:`sklearn.metrics.roc_curve`.
    roc_auc : float
        Area under the ROC curve (AUROC), in [0, 1].
    precision, recall : ndarray of shape (n_pr,)
        From :func:`sklearn.metrics.precision_recall_curve`; recall falls to 0.
    pr_auc : float
        Trapezoidal area under the precision–recall curve (:func:`sklearn.metrics.auc`), in
        [0, 1]; not average precision (linear interpolation can make it optimistic).
    """

    fpr: np.ndarray
    tpr: np.ndarray
    roc_auc: float
    precision: np.ndarray
    recall: np.ndarray
    pr_auc: float


def curves(scores: np.ndarray, labels: np.ndarray) -> Curves:
    """ROC and precision–recall curves of anomaly scores, with their areas.

    Parameters
    ----------
    scores : ndarray of shape (n_samples,)
        Anomaly scores; higher is more anomalous.
    labels : ndarray of shape (n_samples,)
        1 = anomaly, 0 = normal.

    Returns
    -------
    Curves
        Curves and areas from :func:`sklearn.metrics.roc_curve`,
        :func:`sklearn.metrics.precision_recall_curve` and :func:`sklearn.metrics.auc`.

    Raises
    ------
    ValueError
        From scikit-learn, if ``labels`` is not binary or the lengths differ.
    """
    fpr, tpr, _ = roc_curve(labels, scores)
    precision, recall, _ = precision_recall_curve(labels, scores)
    return Curves(fpr, tpr, float(auc(fpr, tpr)), precision, recall,
                  float(auc(recall, precision)))


def scores_table(scores: np.ndarray, labels: np.ndarray, classes: np.ndarray,
                 threshold: float) -> pd.DataFrame:
    """Anomaly scores with labels, classes and flags at a threshold, for export.

    Parameters
    ----------
    scores : ndarray of shape (n_rows,)
        Anomaly scores (e.g. reconstruction errors).
    labels : ndarray of shape (n_rows,)
        1 for an anomaly, 0 for normal.
    classes : ndarray of shape (n_rows,)
        The class each row came from, by name (:attr:`AnomalySetup.test_classes`).
    threshold : float
        A score above it is flagged.

    Returns
    -------
    pandas.DataFrame
        Index ``row``; columns ``anomaly_score``, ``is_anomaly`` (0/1), ``class``, ``flagged``
        (0/1).
    """
    return pd.DataFrame({"anomaly_score": scores, "is_anomaly": labels, "class": classes,
                         "flagged": (scores > threshold).astype(int)}).rename_axis("row")
