"""One place that turns what a user passes into the float32 matrices the models take.

Every estimator calls :func:`check_data` at ``fit``, ``transform`` and scoring time, and the pages
call the same function, so a page never shows a message the library would not. It follows
``sklearn.utils.validation.check_array`` (which it calls for the conversion) but names the first
bad row and column in every message, so a person can find the cell to fix.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

from aecore.spec import quoted


def check_data(X: Any, *, n_features: int | None = None, unit_interval: bool = True,
               name: str = "X", fitted_by: str = "the model") -> np.ndarray:
    """Validate ``X``; return it as a C-contiguous float32 array (n_samples, n_features).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        A NumPy array, nested lists or a pandas DataFrame of numbers.
    n_features : int, optional
        The number of features the model was fitted on; ``X`` must have exactly as many.
    unit_interval : bool, default True
        Refuse values outside [0, 1]. The models end in a sigmoid, so they cannot reconstruct
        anything outside that range, whatever the loss.
    name : str, default "X"
        What to call the data in messages.
    fitted_by : str, default "the model"
        What to call the fitted model in messages (scikit-learn's wording names its class).

    Returns
    -------
    ndarray of shape (n_samples, n_features), dtype float32

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, is empty, has a non-numeric cell, NaN or ±inf (the message names the
        first such row and column), a feature count other than ``n_features``, or values outside
        [0, 1] when ``unit_interval``.
    """
    _check_rows(X, name)
    _check_numeric(X, name)
    try:
        array = check_array(X, dtype=np.float32, ensure_all_finite=False, input_name=name)
    except ValueError as err:
        if np.ndim(X) == 1:
            raise ValueError(f"{name} must be 2-D (samples × features); got a 1-D array of "
                             f"shape {np.shape(X)}. Reshape your data with X.reshape(-1, 1) if "
                             "it has one feature, or X.reshape(1, -1) if it is one sample.") \
                from None
        first_line = str(err).splitlines()[0]  # scikit-learn's next lines print the array
        raise ValueError(f"{name} must be a non-empty 2-D table of numbers (samples × "
                         f"features): {first_line}") from None
    bad = ~np.isfinite(array)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"{name} has a missing or infinite value ({array[row, col]}) at row "
                         f"{row}, column {_column_name(X, col)}; remove or fill it first.")
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(f"{name} has {array.shape[1]} features, but {fitted_by} is expecting "
                         f"{n_features} features as input.")
    if unit_interval:
        outside = (array < 0) | (array > 1)
        if outside.any():
            row, col = np.argwhere(outside)[0]
            raise ValueError(
                f"{name} must lie in [0, 1] (the models end in a sigmoid); row {row}, column "
                f"{_column_name(X, col)} is {array[row, col]:g}. Rescale it first (e.g. with "
                "sklearn.preprocessing.MinMaxScaler), or pass rescale=True to the estimator.")
    return np.ascontiguousarray(array)


def check_labels(y: Any, n_samples: int, name: str = "y") -> np.ndarray:
    """Class labels as an int64 vector of length ``n_samples``.

    Raises
    ------
    ValueError
        If ``y`` is not 1-D, has another length, or holds a value that is not a whole number.
    """
    labels = np.asarray(y)
    if labels.ndim != 1 or len(labels) != n_samples:
        raise ValueError(f"{name} must hold one label per sample ({n_samples}); got shape "
                         f"{labels.shape}.")
    try:
        as_int = labels.astype(np.int64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold whole-number class labels.") from None
    if not np.array_equal(as_int, labels.astype(np.float64, copy=False)):
        raise ValueError(f"{name} must hold whole-number class labels.")
    return as_int


def _check_rows(X: Any, name: str) -> None:
    """Rows of different lengths in nested lists, which NumPy reports obscurely."""
    if not isinstance(X, list | tuple) or not all(isinstance(r, list | tuple) for r in X):
        return
    for row, values in enumerate(X):
        if len(values) != len(X[0]):
            raise ValueError(f"{name} has rows of different lengths: row 0 has {len(X[0])} "
                             f"values, row {row} has {len(values)}.")


def _check_numeric(X: Any, name: str) -> None:
    """Name the first cell that is not a number, which scikit-learn's message does not."""
    if isinstance(X, pd.DataFrame):
        for col_index, column in enumerate(X.columns):
            cells = X[column]
            bad = (cells.notna() & pd.to_numeric(cells, errors="coerce").isna()).to_numpy()
            if bad.any():
                row = int(np.argmax(bad))
                raise ValueError(f"{name} has a non-numeric value {cells.iloc[row]!r} at row "
                                 f"{row}, column {column!r} (column {col_index}); every feature "
                                 "must be a number.")
        return
    array = np.asarray(X, dtype=object) if not isinstance(X, np.ndarray) else X
    if array.dtype.kind in "biufc":
        return  # numbers (check_array refuses complex ones)
    if array.ndim != 2:
        return  # check_array explains the shape
    for (row, col), value in np.ndenumerate(array):
        try:
            float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} has a non-numeric value {quoted(value)} at row {row}, column "
                             f"{col}; every feature must be a number.") from None


def _column_name(X: Any, col: int) -> str:
    if isinstance(X, pd.DataFrame):
        return f"{X.columns[col]!r} (column {col})"
    return str(col)
