"""Save a fitted estimator to a folder and load it back.

A folder holds ``model.keras`` (Keras' own format), ``estimator.json`` (class, hyperparameters,
fitted state, per-epoch history), ``history.csv`` (the same history for spreadsheets) and, for
an estimator with large fitted arrays (a detector's training codes), ``arrays.npz``.
Loading never runs code from the file: the class comes from a fixed registry and Keras loads
with ``safe_mode=True``, which refuses serialised lambdas.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FORMAT_VERSION = 1
MODEL_FILE, STATE_FILE, HISTORY_FILE = "model.keras", "estimator.json", "history.csv"
ARRAYS_FILE = "arrays.npz"  # fitted arrays too large for JSON, under the state's "arrays" key
_TUPLE_PARAMS = ("hidden_layers", "image_shape")


def save(estimator: Any, path: str | Path) -> Path:
    """Write ``estimator`` (fitted, not diverged) to the folder ``path``; returns the folder.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        Before ``fit``.
    aecore.estimators.DivergedError
        If the fit diverged (its weights are not numbers).
    ValueError
        If ``path`` is an existing file.
    """
    estimator._usable()
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is a file; save() writes a folder, so give a new path.")
    log = estimator.log_
    extra = estimator._extra_state()
    arrays = extra.pop("arrays", {})
    state = {
        "format": FORMAT_VERSION,
        "class": type(estimator).__name__,
        "params": estimator.get_params(),
        "n_features_in_": estimator.n_features_in_,
        "status": log.status,
        "epochs": log.epochs,
        "events": [{"epoch": e.epoch, "elapsed": e.elapsed, "logs": e.logs} for e in log.events],
        **extra,
    }
    text = json.dumps(state, indent=1, default=_plain)  # before any file, so nothing is half done
    folder.mkdir(parents=True, exist_ok=True)
    estimator.model_.save(folder / MODEL_FILE)
    (folder / STATE_FILE).write_text(text)
    history_table(estimator).to_csv(folder / HISTORY_FILE)
    if arrays:
        np.savez_compressed(folder / ARRAYS_FILE, **arrays)
    return folder


def _plain(value: Any) -> Any:
    """NumPy numbers and arrays (hyperparameters may be given as such) as JSON values."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} cannot be saved as a hyperparameter.")


def history_table(estimator: Any) -> pd.DataFrame:
    """Per-epoch losses and elapsed seconds, one row per epoch (index ``epoch``, from 1)."""
    events = estimator.log_.events
    table = pd.DataFrame([e.logs for e in events], index=pd.RangeIndex(1, len(events) + 1,
                                                                       name="epoch"))
    table["elapsed_s"] = [e.elapsed for e in events]
    return table


def load(path: str | Path) -> Any:
    """Read an estimator written by :func:`save`; its ``transform`` gives the same codes.

    Raises
    ------
    ValueError
        If the folder lacks the files, or names an unknown class or format.
    """
    import keras

    import aecore.neighbors  # noqa: F401  (registers the neighbour-preserving model)
    import aecore.vae  # noqa: F401  (registers the VAE's layers with Keras)
    from aecore.estimators import ESTIMATORS
    from aecore.training import EpochEvent, TrainingLog

    folder = Path(path)
    if not (folder / STATE_FILE).is_file() or not (folder / MODEL_FILE).is_file():
        raise ValueError(f"{folder} is not a saved aecore estimator (it needs {STATE_FILE} and "
                         f"{MODEL_FILE}).")
    state = json.loads((folder / STATE_FILE).read_text())
    if state.get("format") != FORMAT_VERSION or state.get("class") not in ESTIMATORS:
        raise ValueError(f"{folder / STATE_FILE} is not in a format this aecore can read.")
    params = {name: tuple(value) if name in _TUPLE_PARAMS and value is not None else value
              for name, value in state["params"].items()}
    estimator = ESTIMATORS[state["class"]](**params)
    model = keras.models.load_model(folder / MODEL_FILE, safe_mode=True)
    estimator._set_network(estimator._network_from_model(model))
    estimator.n_features_in_ = state["n_features_in_"]
    estimator.log_ = TrainingLog(state["epochs"], status=state["status"], events=[
        EpochEvent(e["epoch"], state["epochs"], e["logs"], e["elapsed"])
        for e in state["events"]])
    if (folder / ARRAYS_FILE).is_file():
        with np.load(folder / ARRAYS_FILE, allow_pickle=False) as saved:
            state["arrays"] = {name: saved[name] for name in saved.files}
    estimator._restore_state(state)
    return estimator
