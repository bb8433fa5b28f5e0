"""The export buttons every page shows under its last run: the model, the hyperparameters,
the history and what the page computed. Files are made only when a button is clicked."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from aecore.data import UPLOAD_KEY
from aecore.persistence import history_table
from aecore.results import TrainedResult
from aecore.runconfig import RunConfig, config_of
from lab_ui.layout import wrapping_area


def run_config(result: TrainedResult, scoring: dict[str, Any] | None = None) -> RunConfig:
    """The run's config as the Hyperparameters export writes it: ``config_of(result)``, with
    ``scoring`` (hyperparameters that only score the trained model, e.g. the anomaly page's
    smoothing and score) as the page now uses them, so that the JSON gives what the page shows,
    as its link does, rather than the values the model was trained with."""
    config = config_of(result)
    return dataclasses.replace(config, params={**config.params, **scoring}) if scoring else config


def file_slug(result: TrainedResult, config: RunConfig) -> str:
    """The data in export file names: ``config.data_slug``, after an upload's own file name
    ("flowers-upload-58e9dfec5fa8", not only the key), in letters, digits, ``-`` and ``_``."""
    if not UPLOAD_KEY.fullmatch(config.data_slug):
        return config.data_slug
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(result.dataset_name).stem).strip("-")[:40]
    return f"{name}-{config.data_slug}" if name else config.data_slug


def export_section(result: TrainedResult, tables: dict[str, Callable[[], pd.DataFrame]],
                   scoring: dict[str, Any] | None = None) -> None:
    """An "Export" row of download buttons for ``result``.

    Parameters
    ----------
    result : aecore.results.TrainedResult
        The page's last run.
    tables : dict of str to callable
        The page's own tables: file stem (e.g. ``"embeddings"``) → a function returning the
        table, written as CSV with its index.
    scoring : dict or None, default=None
        As :func:`run_config` takes it.
    """
    config = run_config(result, scoring)
    stem = f"{config.page}-{file_slug(result, config)}"
    st.subheader("Export")
    files = {
        "Model (.keras)": (f"{stem}-model.keras", lambda: result.keras_file,
                           "application/octet-stream"),
        "Hyperparameters (JSON)": (f"{stem}-run.json", config.to_json, "application/json"),
        "History (CSV)": (f"{stem}-history.csv",
                          lambda: history_table(result.estimator).to_csv(), "text/csv"),
        **{f"{name.capitalize()} (CSV)": (f"{stem}-{name.replace(' ', '-')}.csv",
                                          lambda make=make: make().to_csv(), "text/csv")
           for name, make in tables.items()},
    }
    columns = wrapping_area("widgets", "exports").columns(len(files))
    for column, (label, (file_name, data, mime)) in zip(columns, files.items(), strict=True):
        column.download_button(label, data, file_name=file_name, mime=mime, on_click="ignore",
                               key=f"export_{file_name}", width="stretch")
    st.caption("The JSON is what `python -m aecore train --config run.json` and the page's link "
               "accept; load the model with `keras.models.load_model` after `import aecore.vae`. "
               "Each chart has its own PNG download in its toolbar.")
