"""A store of finished trainings that outlives the server: one SQLite file and a folder per run.

The store is a folder holding ``runs.sqlite`` (one row per run: what it was, its headline scores
and per-epoch history) and ``models/<id>/``, each the estimator saved by
:func:`aecore.persistence.save` plus ``frames.npz``, the probe's codes after every epoch (so the
latent-space replay works after a restart) and ``tables/``, the tables a page computed for the
run on demand (:meth:`RunStore.save_table`: the Denoising page's robustness matrix)::

    store = RunStore()                       # $AECORE_RUNS_DIR, else <data home>/runs
    run_id = store.add(estimator, config, {"5-NN accuracy": 0.75}, "8×8 digits")
    store.table()                            # one row per run, newest first
    same = store.load_estimator(run_id)

Several threads and processes may use one store at once: every call opens its own connection,
the database runs in WAL mode, and a run's row and files appear together (the files are written
to a temporary folder and renamed into place inside the transaction that inserts the row).

Importing this module imports no TensorFlow; :meth:`RunStore.add` and
:meth:`RunStore.load_estimator` do, through :mod:`aecore.persistence`.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aecore import persistence
from aecore.data import data_home
from aecore.spec import readable_score

SCHEMA_VERSION = 1  # kept in the database's PRAGMA user_version
DATABASE_FILE, MODELS_DIR, FRAMES_FILE = "runs.sqlite", "models", "frames.npz"
TABLES_DIR = "tables"
STORED_STATUSES = ("finished", "stopped")  # diverged runs have no usable model
BASE_COLUMNS = ("created", "page", "dataset_name", "status", "epochs_done", "seconds")
_TEMP_PREFIX = ".tmp-"
_STALE_TEMP_S = 3600.0  # a temporary folder this old is left over from a crashed add
_TIMEOUT_S = 30.0  # how long a call waits for another writer's lock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a folder name is never reused
    created TEXT NOT NULL,
    page TEXT NOT NULL,
    dataset TEXT NOT NULL,
    dataset_name TEXT NOT NULL,
    config TEXT NOT NULL,
    scores TEXT NOT NULL,
    status TEXT NOT NULL,
    epochs_done INTEGER NOT NULL,
    seconds REAL NOT NULL,
    history TEXT NOT NULL
)
"""
_COLUMNS = ("id, created, page, dataset, dataset_name, config, scores, status, epochs_done, "
            "seconds, history")


def store_dir() -> Path:
    """The default folder of the run store (not created here).

    Returns
    -------
    pathlib.Path
        ``$AECORE_RUNS_DIR`` if set and not empty, else ``aecore.data.data_home() / "runs"``
        (``$AECORE_HOME``, else ``$XDG_DATA_HOME/autoencoder-lab``, else
        ``~/.local/share/autoencoder-lab``).
    """
    if os.environ.get("AECORE_RUNS_DIR"):
        return Path(os.environ["AECORE_RUNS_DIR"]).expanduser()
    return data_home() / "runs"


@dataclass(frozen=True, eq=False)  # eq=False: comparing DataFrames field-wise is ambiguous
class StoredRun:
    """One stored training, as read back from the store.

    Attributes
    ----------
    id : int
        The run's id in its store, from 1; never reused after a delete.
    created : str
        When it was stored, ISO 8601 in UTC to the second, e.g. ``"2025-05-01T12:00:00+00:00"``.
    page : str
        The page that trained it (``config["page"]``), e.g. ``"reduction"``.
    dataset : str
        The dataset's registry key (``config["dataset"]``), e.g. ``"mnist_sample"``.
    dataset_name : str
        The dataset's display name.
    config : dict
        Everything needed to rebuild the run, as given to :meth:`RunStore.add` (after a JSON
        round trip: tuples come back as lists).
    scores : dict of str to float
        Headline scores by name, e.g. ``{"5-NN accuracy": 0.75}``.
    status : {"finished", "stopped"}
        How the fit ended.
    epochs_done : int
        Epochs finished.
    seconds : float
        Training time in seconds: the elapsed time at the end of the last epoch.
    history : pandas.DataFrame
        One row per epoch (index ``epoch``, from 1): the loss columns (``loss``, ``val_loss``
        …) and ``elapsed_s``, seconds since the fit started.
    folder : pathlib.Path
        The folder of its model files (``<store>/models/<id>``).
    """

    id: int
    created: str
    page: str
    dataset: str
    dataset_name: str
    config: dict
    scores: dict[str, float]
    status: str
    epochs_done: int
    seconds: float
    history: pd.DataFrame
    folder: Path


class RunStore:
    """Finished trainings kept in a folder: ``runs.sqlite`` and ``models/<id>/``.

    Parameters
    ----------
    folder : str, pathlib.Path or None, default=None
        The store's folder, created with its database if missing; None means
        :func:`store_dir`.

    Attributes
    ----------
    folder : pathlib.Path
        The store's folder.
    path : pathlib.Path
        Its database file, ``folder / "runs.sqlite"``.

    Raises
    ------
    ValueError
        If the database was written by a newer version of aecore (a newer schema), or
        ``folder`` is a file.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(store_dir() if folder is None else folder).expanduser()
        if self.folder.exists() and not self.folder.is_dir():
            raise ValueError(f"{self.folder} is a file; a run store is a folder.")
        self.path = self.folder / DATABASE_FILE
        self._models.mkdir(parents=True, exist_ok=True)
        self._create_schema()
        self._remove_stale_temporaries()

    def __repr__(self) -> str:
        return f"RunStore({str(self.folder)!r})"

    @property
    def _models(self) -> Path:
        return self.folder / MODELS_DIR

    # ---- database ------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are the explicit BEGIN IMMEDIATE of _transaction
        return sqlite3.connect(self.path, timeout=_TIMEOUT_S, isolation_level=None)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A new connection in a write transaction: committed on leaving, rolled back on an
        exception, then closed. ``BEGIN IMMEDIATE`` takes the write lock at once (waiting up to
        30 s for another writer), so a read-then-write inside cannot be overtaken."""
        with closing(self._connect()) as connection, connection:
            connection.execute("BEGIN IMMEDIATE")
            yield connection

    def _read(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        with closing(self._connect()) as connection:
            return connection.execute(sql, parameters).fetchall()

    def _create_schema(self) -> None:
        with closing(self._connect()) as connection:
            # persistent in the file; concurrent readers then never block the writer
            connection.execute("PRAGMA journal_mode=WAL")
        with self._transaction() as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ValueError(
                    f"{self.path} was written by a newer version of aecore (schema "
                    f"{version}; this one reads up to {SCHEMA_VERSION}). Upgrade aecore, or "
                    f"set AECORE_RUNS_DIR to another folder.")
            if version < SCHEMA_VERSION:
                connection.execute(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary folders left by an ``add`` that crashed an hour or more ago."""
        now = time.time()
        for temporary in self._models.glob(f"{_TEMP_PREFIX}*"):
            try:
                if now - temporary.stat().st_mtime > _STALE_TEMP_S:
                    shutil.rmtree(temporary, ignore_errors=True)
            except OSError:  # another process removed it first
                pass

    # ---- writing -------------------------------------------------------------------------
    def add(self, estimator: Any, config: dict, scores: dict[str, float],
            dataset_name: str) -> int:
        """Store a fitted estimator with what it was and how it scored.

        Saves it with :func:`aecore.persistence.save` into ``models/<id>/``, with the probe's
        codes of every epoch that has them (``estimator.log_.events[i].frame``) in
        ``frames.npz``, and inserts its row. The row and the files appear together: the files
        are written to a temporary folder first and renamed in the transaction that inserts the
        row, so a failure or crash leaves no row without files.

        Parameters
        ----------
        estimator : aecore.Autoencoder, aecore.VariationalAutoencoder or
                aecore.ReconstructionDetector
            Fitted, with status "finished" or "stopped".
        config : dict
            JSON-able; everything needed to rebuild the run, with at least ``"page"`` and
            ``"dataset"`` (str) and usually ``"params"`` (dict of hyperparameters, the
            :meth:`table`'s last columns) and ``"n_train"``.
        scores : dict of str to float
            Headline scores by name.
        dataset_name : str
            The dataset's display name.

        Returns
        -------
        int
            The new run's id.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        aecore.estimators.DivergedError
            If the fit diverged (its weights are not numbers).
        ValueError
            If the fit is still running, ``config`` lacks ``"page"`` or ``"dataset"`` or is not
            JSON-able, or a score is not a number. Nothing is stored then.
        sqlite3.OperationalError
            If another writer held the database for more than 30 s.
        OSError
            If the files cannot be written (nothing is stored then either).
        """
        estimator._usable()  # NotFittedError or DivergedError, as persistence.save raises
        log = estimator.log_
        if log.status not in STORED_STATUSES:
            raise ValueError(f"The fit is still {log.status}; store it once it has ended.")
        row = _row(config, scores, dataset_name, log.status, log.epochs_done, log.seconds,
                   persistence.history_table(estimator))
        temporary = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=self._models))
        target: Path | None = None
        try:
            persistence.save(estimator, temporary)
            _save_frames(log.events, temporary / FRAMES_FILE)
            with self._transaction() as connection:
                run_id = connection.execute(
                    "INSERT INTO runs (created, page, dataset, dataset_name, config, scores, "
                    "status, epochs_done, seconds, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row).lastrowid
                target = self._models / str(run_id)
                if target.exists():  # left by an add that crashed before its commit: no row
                    shutil.rmtree(target)
                temporary.rename(target)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            if target is not None:  # renamed, but the row was rolled back
                shutil.rmtree(target, ignore_errors=True)
            raise
        return int(run_id)

    def delete(self, run_ids: Iterable[int]) -> None:
        """Remove runs: their rows, then their folders. Ids not in the store are ignored.

        Parameters
        ----------
        run_ids : iterable of int
            The runs to remove.
        """
        ids = [int(run_id) for run_id in run_ids]
        if not ids:
            return
        with self._transaction() as connection:
            connection.executemany("DELETE FROM runs WHERE id = ?", [(i,) for i in ids])
        for run_id in ids:  # after the commit: a crash here leaves only unlisted files
            shutil.rmtree(self._models / str(run_id), ignore_errors=True)

    def save_table(self, run_id: int, name: str, table: pd.DataFrame) -> None:
        """Keep a table of numbers that a page computed for a stored run on demand (the
        Denoising page's robustness matrix takes four trainings), so that the run reopens with
        it; a table saved again under the same name replaces the first.

        Parameters
        ----------
        run_id : int
            The run.
        name : str
            The table's name, as :meth:`tables` returns it; letters, digits, spaces, ``-``
            and ``_``.
        table : pandas.DataFrame
            Numbers, with a named index and named columns (e.g. ``train level`` × ``test
            level``). Stored as CSV, one row per cell, so the names and number types survive
            (pandas' JSON forms drop the columns' name).

        Raises
        ------
        ValueError
            If the store has no such run, or ``name`` has other characters.
        OSError
            If the file cannot be written (a table saved before stays as it was).
        """
        if not name or not all(c.isalnum() or c in " -_" for c in name):
            raise ValueError(f"A table name has letters, digits, spaces, - and _; got {name!r}.")
        folder = self.get(run_id).folder / TABLES_DIR
        folder.mkdir(exist_ok=True)
        temporary = folder / f"{_TEMP_PREFIX}{name}.csv"
        table.stack().rename("value").to_csv(temporary)
        temporary.replace(folder / f"{name}.csv")  # whole or not at all

    def tables(self, run_id: int) -> dict[str, pd.DataFrame]:
        """The tables saved with a run by :meth:`save_table`, by name (none: an empty dict).

        Raises
        ------
        ValueError
            If the store has no such run.
        """
        folder = self.get(run_id).folder / TABLES_DIR
        tables = {}
        for path in sorted(folder.glob("*.csv")):
            if not path.name.startswith(_TEMP_PREFIX):
                cells = pd.read_csv(path)
                tables[path.stem] = cells.set_index(list(cells.columns[:2]))["value"].unstack()
        return tables

    # ---- reading -------------------------------------------------------------------------
    def runs(self) -> list[StoredRun]:
        """Every stored run, newest first.

        Returns
        -------
        list of StoredRun
        """
        rows = self._read(f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC")
        return [self._stored_run(row) for row in rows]

    def get(self, run_id: int) -> StoredRun:
        """One stored run.

        Parameters
        ----------
        run_id : int
            Its id.

        Returns
        -------
        StoredRun

        Raises
        ------
        ValueError
            If the store has no run with that id.
        """
        rows = self._read(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (int(run_id),))
        if not rows:
            raise ValueError(f"There is no run {run_id} in {self.folder}.")
        return self._stored_run(rows[0])

    def load_estimator(self, run_id: int) -> Any:
        """The run's fitted estimator, as :func:`aecore.persistence.load` reads it, with the
        probe's codes of every epoch put back into ``log_.events[i].frame``.

        Parameters
        ----------
        run_id : int
            Its id.

        Returns
        -------
        aecore.Autoencoder, aecore.VariationalAutoencoder or aecore.ReconstructionDetector
            Its ``transform`` gives the same codes as the estimator that was stored.

        Raises
        ------
        ValueError
            If the store has no run with that id, or its files are missing or unreadable.
        """
        folder = self.get(run_id).folder
        estimator = persistence.load(folder)
        frames = _load_frames(folder / FRAMES_FILE)
        log = estimator.log_
        log.events = [replace(event, frame=frames.get(event.epoch)) for event in log.events]
        return estimator

    def table(self) -> pd.DataFrame:
        """All runs as a table, newest first, for comparing them.

        Returns
        -------
        pandas.DataFrame
            Index ``id``; columns ``created``, ``page``, ``dataset_name``, ``status``,
            ``epochs_done``, ``seconds``, then one per score name, then one per hyperparameter
            in ``config["params"]``, then one per page setting by its label ("Noise level";
            :func:`aecore.runconfig.labelled_settings`), each in the order they first appear,
            oldest run first. A missing score, hyperparameter or setting is NaN, and so is a
            hyperparameter the run's model does not use (a convolutional network's code size:
            :func:`aecore.runconfig.used_params`); a column of whole numbers with blanks is
            ``Int64`` (3, not 3.0), one of numbers and text is all text; a list or tuple
            hyperparameter is shown as text, ``(400, 200, 100)`` as ``"400-200-100"``. A
            hyperparameter whose name is already a column is named ``"<name> (param)"``. With
            no runs, an empty table with the base columns.
        """
        from aecore.runconfig import labelled_settings, used_params

        runs = self.runs()
        score_names = _first_seen(run.scores for run in reversed(runs))
        param_names = _first_seen(run.config.get("params", {}) for run in reversed(runs))
        settings = {run.id: labelled_settings(run.config) for run in runs}
        setting_names = _first_seen(settings[run.id] for run in reversed(runs))
        taken = {"id", *BASE_COLUMNS, *score_names}
        param_columns = {name: f"{name} (param)" if name in taken else name
                         for name in param_names}
        records = []
        for run in runs:
            record: dict[str, Any] = {"id": run.id, **{c: getattr(run, c) for c in BASE_COLUMNS}}
            record.update({name: run.scores.get(name, math.nan) for name in score_names})
            params = used_params(run.config)
            record.update({column: _shown(params[name]) if name in params else math.nan
                           for name, column in param_columns.items()})
            record.update({name: settings[run.id].get(name, math.nan) for name in setting_names})
            records.append(record)
        columns = ["id", *BASE_COLUMNS, *score_names, *param_columns.values(), *setting_names]
        if not records:
            empty = {"id": "int64", "created": "str", "page": "str", "dataset_name": "str",
                     "status": "str", "epochs_done": "int64", "seconds": "float64"}
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in empty.items()}).set_index("id")
        table = pd.DataFrame.from_records(records, columns=columns).set_index("id")
        for column in [*param_columns.values(), *setting_names]:  # ints stay ints beside blanks
            values = table[column]
            if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
                table[column] = values.astype("Int64")
            elif values.dropna().map(type).nunique() > 1:  # class 0 beside "benign": Arrow,
                table[column] = values.map(lambda v: v if pd.isna(v) else str(v))  # wants text
        return table

    def _stored_run(self, row: tuple) -> StoredRun:
        (run_id, created, page, dataset, dataset_name, config, scores, status, epochs_done,
         seconds, history) = row
        return StoredRun(id=run_id, created=created, page=page, dataset=dataset,
                         dataset_name=dataset_name, config=json.loads(config),
                         scores={readable_score(name): value  # runs saved before the names
                                 for name, value in json.loads(scores).items()},  # were readable
                         status=status, epochs_done=epochs_done,
                         seconds=seconds, history=_history_from_json(history),
                         folder=self._models / str(run_id))


# ---- encoding ------------------------------------------------------------------------------
def _row(config: dict, scores: dict[str, float], dataset_name: str, status: str,
         epochs_done: int, seconds: float, history: pd.DataFrame) -> tuple:
    """The values of a new row (without id), checked before anything is written."""
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict, not {type(config).__name__}.")
    for key in ("page", "dataset"):
        if not isinstance(config.get(key), str):
            raise ValueError(f'config needs a "{key}" (str); it has {sorted(config)}.')
    try:
        config_text = json.dumps(config, default=_plain)
    except (TypeError, ValueError) as error:
        raise ValueError(f"config must be JSON-able: {error}") from error
    try:
        plain_scores = {str(name): float(value) for name, value in scores.items()}
    except (TypeError, ValueError) as error:
        raise ValueError(f"Every score must be a number: {error}") from error
    created = datetime.now(UTC).isoformat(timespec="seconds")
    return (created, config["page"], config["dataset"], str(dataset_name), config_text,
            json.dumps(plain_scores), status, int(epochs_done), float(seconds),
            _history_to_json(history))


def _plain(value: Any) -> Any:
    """NumPy numbers and arrays as JSON values."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    raise TypeError(f"a {type(value).__name__} is not JSON-able")


def _history_to_json(history: pd.DataFrame) -> str:
    # Python's float repr round-trips exactly, so the losses come back bit for bit
    return json.dumps({"columns": [str(c) for c in history.columns],
                       "data": history.to_numpy(dtype="float64").tolist()})


def _history_from_json(text: str) -> pd.DataFrame:
    table = json.loads(text)
    return pd.DataFrame(np.asarray(table["data"], dtype="float64").reshape(
        len(table["data"]), len(table["columns"])), columns=table["columns"],
        index=pd.RangeIndex(1, len(table["data"]) + 1, name="epoch"))


def _save_frames(events: list, path: Path) -> None:
    """The probe's codes of each epoch that has them, as ``epoch_<n>`` arrays."""
    frames = {f"epoch_{e.epoch}": np.asarray(e.frame) for e in events if e.frame is not None}
    np.savez(path, **frames)


def _load_frames(path: Path) -> dict[int, np.ndarray]:
    """Epoch → the probe's codes, shape (n_probe, n_codes); empty if the file is missing."""
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as saved:
        return {int(name.removeprefix("epoch_")): saved[name] for name in saved.files}


def _first_seen(mappings: Iterable[dict]) -> list[str]:
    """The keys of ``mappings``, each once, in the order they first appear."""
    return list(dict.fromkeys(key for mapping in mappings for key in mapping))


def _shown(value: Any) -> Any:
    """A hyperparameter as a table cell: lists and tuples as "400-200-100", dicts as JSON."""
    if isinstance(value, list | tuple):
        return "-".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def record(result: Any, store: RunStore | None = None,
           scores: dict[str, float] | None = None) -> int:
    """Score a page's trained result and add it to the run store, as every page and the CLI do
    after a training that finished or was stopped.

    Parameters
    ----------
    result : aecore.results.TrainedResult
        Fitted (not diverged).
    store : RunStore or None, default=None
        None means the store at :func:`store_dir`.
    scores : dict of str to float or None, default=None
        The result's ``headline_scores()`` if already computed (a sweep's worker scores its
        own model); None computes them here.

    Returns and raises as :meth:`RunStore.add` (and the result's ``headline_scores``).
    """
    from aecore.runconfig import config_of

    store = RunStore() if store is None else store
    scores = result.headline_scores() if scores is None else scores
    return store.add(result.estimator, config_of(result).to_dict(), scores, result.dataset_name)


def unlike_conditions(runs: Mapping[int, StoredRun]) -> dict[str, dict[int, Any]]:
    """What differs between runs besides the hyperparameters being compared, so that their
    losses and scores are not like for like: the page, the data, the page settings (noise,
    set-up…) and the reconstruction loss.

    Parameters
    ----------
    runs : mapping of int to StoredRun
        The runs compared, by id.

    Returns
    -------
    dict of str to dict of int to object
        For each condition on which runs differ, in the order page, dataset, reconstruction
        loss, then the page settings by label: run id → its value, for the runs that have it
        (a setting of another page is absent). Two uploads with the same file name but other
        contents differ, and are told apart by their keys ("fruit.npz (upload-3f2a…)").
    """
    from aecore.runconfig import PAGES, labelled_settings

    conditions: dict[str, dict[int, Any]] = {"page": {}, "dataset": {}, "reconstruction loss": {}}
    for run_id, run in runs.items():
        conditions["page"][run_id] = PAGES.get(run.page, run.page)
        conditions["dataset"][run_id] = run.dataset_name
        if isinstance(run.config.get("params", {}).get("loss"), str):
            conditions["reconstruction loss"][run_id] = run.config["params"]["loss"].upper()
        for label, value in labelled_settings(run.config).items():
            if value is not None:
                conditions.setdefault(label, {})[run_id] = value
    # an upload is known by its contents (its key), a built-in dataset or set-up by its name
    data = {i: runs[i].dataset if runs[i].dataset.startswith("upload-") else name
            for i, name in conditions["dataset"].items()}
    if len(set(data.values())) > len(set(conditions["dataset"].values())):
        conditions["dataset"] = {i: f"{name} ({runs[i].dataset})"
                                 for i, name in conditions["dataset"].items()}
    return {name: values for name, values in conditions.items()
            if len({str(value) for value in values.values()}) > 1}


def reopen(store: RunStore, run_id: int) -> Any:
    """A stored run as its page's result, with the model as it was trained (nothing retrains).

    Parameters
    ----------
    store : RunStore
        The store.
    run_id : int
        The run.

    Returns
    -------
    aecore.results.TrainedResult
        :func:`aecore.runconfig.result_for` of the run's config, holding the stored estimator
        (with its per-epoch history and probe frames) and the tables saved with the run
        (:meth:`RunStore.save_table`) as computed views (``result.memo(name, …)``).

    Raises
    ------
    ValueError
        If there is no such run, its dataset is not on this machine, or its files are damaged.
    """
    import dataclasses

    from aecore.runconfig import RunConfig, result_for

    config = RunConfig.from_dict(store.get(run_id).config)
    result = dataclasses.replace(result_for(config), estimator=store.load_estimator(run_id))
    for name, table in store.tables(run_id).items():
        result.memo(name, lambda table=table: table)
    return result
