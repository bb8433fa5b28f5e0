"""Sweep one hyperparameter of the reduction page: one training per value, run in parallel.

::

    sweep = Sweep(RunConfig("reduction", "digits", {"epochs": 5}), "code_size", [1, 2, 4, 8])
    sweep.run(on_update=print)   # each finished training becomes a run in the run store
    sweep.table()                # held-out reconstruction error per value, PCA's beside it

Each job is the page's own training (:func:`aecore.runconfig.result_for` of the config with the
swept value, then its ``fit``). Jobs run through joblib, with no pool of our own: its ``loky``
backend (worker processes on this machine) by default, and Ray's joblib backend when
``RAY_ADDRESS`` (Ray's own variable) or ``AECORE_RAY_ADDRESS`` names a cluster; the sweep's code is
the same, only the backend differs. ``AECORE_RAY_ADDRESS=local`` (Ray's address for "start a Ray
instance on this machine") runs the Ray path without a cluster; the tests use it. Ray is imported
only on that path.

How the parent and the jobs talk, whatever the backend: through a temporary sweep folder. Each
job overwrites a small progress file after every epoch, which the parent polls, and stops
between batches once a stop file appears there. On a cluster without a shared filesystem (unless
``TMPDIR`` points to one) the jobs cannot see that folder: the parent then sees each job only
when it ends, and a Stop cancels nothing that already runs there. The fitted model comes back
from the job as the files of :func:`aecore.persistence.save` with its scores (the jobs score
side by side), and the parent (the page or the CLI) adds it to the run store itself.

Importing this module imports neither TensorFlow nor Ray.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import os
import queue
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from aecore.devices import import_tensorflow_quietly
from aecore.events import epochs_only
from aecore.runconfig import PAGES, RunConfig, parse_param, result_for
from aecore.runs import RunStore, record
from aecore.spec import PARAMS, quoted

SWEEPABLE: tuple[str, ...] = ("code_size", "epochs", "batch_size", "learning_rate",
                              "input_noise", "seed")
MAX_VALUES = 12
POLL_S = 0.2  # how often the parent looks at results, progress files and the Stop request
RAY_ADDRESS_VARIABLES = ("RAY_ADDRESS", "AECORE_RAY_ADDRESS")
SCORE_COLUMNS = ("reconstruction MSE", "PCA reconstruction MSE", "5-NN accuracy",
                 "PCA 5-NN accuracy")
_STOP_FILE, _PROGRESS_SUFFIX = "stop", ".progress"
UpdateCallback = Callable[[list["JobStatus"]], None]


def parse_values(param: str, text: str) -> list:
    """The values to sweep ``param`` over, from comma-separated text.

    Parameters
    ----------
    param : str
        One of :data:`SWEEPABLE`.
    text : str
        E.g. ``"1,2,4,8"`` or ``"0.001, 0.01"``; empty pieces (a trailing comma) are ignored.

    Returns
    -------
    list of int or float
        The values in the order given, each as :func:`aecore.runconfig.parse_param` reads it.

    Raises
    ------
    ValueError
        One sentence: ``param`` cannot be swept, a value is not a number of that hyperparameter
        or is out of its range, a value repeats, or there are fewer than 2 or more than
        :data:`MAX_VALUES` values.
    """
    _check_param(param)
    values = [parse_param(param, piece.strip()) for piece in text.split(",") if piece.strip()]
    label = PARAMS[param].label.lower()
    if len(values) < 2:
        raise ValueError(f"A sweep needs at least 2 values of {label}, comma-separated; got "
                         f"{quoted(text)}.")
    if len(values) > MAX_VALUES:
        raise ValueError(f"A sweep takes at most {MAX_VALUES} values of {label}; got "
                         f"{len(values)}.")
    repeated = next((v for i, v in enumerate(values) if v in values[:i]), None)
    if repeated is not None:
        raise ValueError(f"{PARAMS[param].label} {repeated} is given twice; give each value "
                         "once.")
    return values


def unfit_values(estimator: Any, param: str, values: Sequence, X: Any) -> dict[Any, str]:
    """The values ``estimator`` cannot be built with for ``X``, each with why (one sentence),
    found before any training (e.g. a code wider than a hidden layer).

    Parameters
    ----------
    estimator : aecore.estimators.Autoencoder
        The network every job starts from (unfitted).
    param : str
        The swept hyperparameter.
    values : sequence
        Its values, e.g. from :func:`parse_values`.
    X : array-like of shape (n_samples, n_features)
        The training data.

    Returns
    -------
    dict
        Value → the ValueError's message ``fit`` would raise with it; empty when all fit.
    """
    from sklearn.base import clone

    refused = {}
    for value in values:
        try:
            clone(estimator).set_params(**{param: value}).validate_for(X)
        except ValueError as err:
            refused[value] = _one_line(err)
    return refused


def _check_param(param: str) -> None:
    if param not in SWEEPABLE:
        raise ValueError(f"Cannot sweep {quoted(param)}; choose one of {', '.join(SWEEPABLE)}.")


@dataclass
class JobStatus:
    """One value's training in a sweep, updated in place while the sweep runs.

    Attributes
    ----------
    value : int or float
        The swept hyperparameter's value.
    state : {"waiting", "running", "done", "stopped", "cancelled", "failed"}
        "done": trained all its epochs; "stopped": a Stop ended it early (stored if it finished
        an epoch); "cancelled": a Stop came before it started, so it never trained; "failed":
        it could not train, or diverged (see ``error``).
    epoch : int
        Epochs finished so far.
    epochs : int
        Epochs asked for.
    run_id : int or None
        Its run in the run store, once stored.
    scores : dict of str to float
        Once stored, on the held-out points: ``"reconstruction MSE"`` and ``"PCA
        reconstruction MSE"`` (PCA with as many components as the code), per feature in
        squared feature units; ``"5-NN accuracy"`` of the code's map
        (:func:`aecore.embed.code_map`) and ``"PCA 5-NN accuracy"`` of PCA's map of as many
        dimensions (1 or 2), in [0, 1], where there are enough held-out points.
    error : str
        Why it failed, one line; empty otherwise.
    seconds : float or None
        Training time in seconds, once it ended after at least one epoch.
    """

    value: Any
    state: str = "waiting"
    epoch: int = 0
    epochs: int = 0
    run_id: int | None = None
    scores: dict[str, float] = field(default_factory=dict)
    error: str = ""
    seconds: float | None = None


@dataclass(frozen=True)
class _Outcome:
    """What a job sends back: how its fit ended, and the model if there is one to keep."""

    index: int
    status: str  # a TrainingLog status, "cancelled" or "failed"
    files: dict[str, bytes] | None = None  # aecore.persistence.save's folder, file by file
    log: Any = None  # the TrainingLog, with the probe's codes of every epoch
    headline: dict[str, float] | None = None  # the result's headline_scores, for the run store
    scores: dict[str, float] | None = None  # the sweep table's scores (JobStatus.scores)
    error: str = ""


@dataclass(frozen=True)
class _Channel:
    """The sweep folder: a progress file per job and the stop file. Inert on a machine where
    the folder does not exist (a cluster node without a shared filesystem)."""

    folder: Path

    def stop_requested(self) -> bool:
        return (self.folder / _STOP_FILE).exists()

    def request_stop(self) -> None:
        (self.folder / _STOP_FILE).touch()

    def report(self, index: int, epoch: int, epochs: int) -> None:
        if self.folder.is_dir():
            partial = self.folder / f".{index}.tmp"
            partial.write_text(f"{epoch} {epochs}")
            os.replace(partial, self.folder / f"{index}{_PROGRESS_SUFFIX}")  # never half read

    def progress(self, index: int) -> tuple[int, int] | None:
        try:
            epoch, epochs = (self.folder / f"{index}{_PROGRESS_SUFFIX}").read_text().split()
        except FileNotFoundError:
            return None
        return int(epoch), int(epochs)


def _fit_job(index: int, result: Any, folder: str, caller: tuple[str, int]) -> _Outcome:
    """One job, run by a joblib worker: fit ``result`` (a page's unfitted result), reporting each
    epoch and obeying the stop file in ``folder``. Never raises: a failure is an outcome."""
    channel = _Channel(Path(folder))
    if channel.stop_requested():
        return _Outcome(index, "cancelled")
    try:
        if (socket.gethostname(), os.getpid()) != caller:
            _become_worker()
        channel.report(index, 0, result.estimator.epochs)
        result.fit(on_epoch=epochs_only(lambda event: channel.report(index, event.epoch,
                                                                     event.epochs)),
                   should_stop=channel.stop_requested)
        log = result.estimator.log_
        if log.epochs_done == 0 or log.status == "diverged":
            return _Outcome(index, log.status, log=log)
        # Scored here, not by the caller: the workers score side by side, and the caller only
        # stores (the caller's serial work per job is what limits a sweep's speed-up).
        headline = result.headline_scores()
        return _Outcome(index, log.status, _saved_files(result.estimator), log, headline,
                        _table_scores(result, headline))
    except Exception as err:  # a job's failure is its own; the other jobs carry on
        return _Outcome(index, "failed", error=_one_line(err))


def _table_scores(result: Any, headline: dict[str, float]) -> dict[str, float]:
    """A fitted job's :attr:`JobStatus.scores`: its own from ``headline`` (its headline scores,
    the 5-NN accuracy of its code's map as the page and the Runs page give it) and PCA's: its
    reconstruction with as many components as the code, its map with as many as the code's
    map (one for a 1-D code, else two), as the page's score table compares them."""
    from aecore.embed import pca_map
    from aecore.metrics import knn_accuracy, pca_reconstruction_mse

    codes = result.held_out_codes
    width = codes.reshape(len(codes), -1).shape[1]
    x_eval, y_eval = result.evaluation
    scores = {"reconstruction MSE": headline["reconstruction MSE"],
              "PCA reconstruction MSE": pca_reconstruction_mse(result.x_train, x_eval, width)}
    if "5-NN accuracy" in headline:  # absent when too few held-out points
        scores["5-NN accuracy"] = headline["5-NN accuracy"]
        scores["PCA 5-NN accuracy"] = knn_accuracy(
            pca_map(result.x_train, x_eval, min(width, 2)).points, y_eval)
    return scores


def _note(job: JobStatus) -> str:
    """Why a job has no scores, if it has none."""
    if job.error:
        return job.error
    if job.state == "stopped" and job.run_id is None:
        return "stopped before its first epoch ended; not stored"
    return ""


def _one_line(error: BaseException) -> str:
    """An exception's message on one line (its type's name if it has none)."""
    return " ".join(str(error).split()) or type(error).__name__


def _become_worker() -> None:
    """Set up a worker process (never the caller's) for training.

    * One TensorFlow thread, intra- and inter-op: two workers on two cores must not each start
      a pool as wide as the machine and fight over it. ``tf.config.threading`` sizes the pools
      TensorFlow creates when it first runs an op, so it is set here, before this process's
      first fit; a worker that already trained keeps the pools of its first job (already 1).
    * Ctrl-C is the caller's: a terminal sends it to the whole process group, loky's workers
      included, where it would end the fit with an error. The caller turns it into a Stop.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ chatter
    import_tensorflow_quietly()  # and its start-up lines
    import tensorflow as tf

    threads = tf.config.threading
    if (threads.get_intra_op_parallelism_threads(),
            threads.get_inter_op_parallelism_threads()) != (1, 1):
        try:
            threads.set_intra_op_parallelism_threads(1)
            threads.set_inter_op_parallelism_threads(1)
        except RuntimeError:  # something else ran TensorFlow in this worker first: keep its pools
            pass


def _saved_files(estimator: Any) -> dict[str, bytes]:
    """The files :func:`aecore.persistence.save` writes for ``estimator``, by name."""
    from aecore.persistence import save

    with tempfile.TemporaryDirectory(prefix="aecore-sweep-job-") as folder:
        save(estimator, folder)
        return {path.name: path.read_bytes() for path in Path(folder).iterdir()}


def _rebuilt(files: dict[str, bytes], log: Any) -> Any:
    """The estimator a job saved, loaded here, with the job's log (its probe frames too)."""
    from aecore.persistence import load

    with tempfile.TemporaryDirectory(prefix="aecore-sweep-model-") as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        estimator = load(folder)
    estimator.log_ = log
    return estimator


def _ray_variable() -> str | None:
    """The first of :data:`RAY_ADDRESS_VARIABLES` that is set, if any."""
    return next((name for name in RAY_ADDRESS_VARIABLES if os.environ.get(name)), None)


def _ray_address() -> str | None:
    variable = _ray_variable()
    return os.environ[variable] if variable else None


def _connect_ray() -> None:
    """Connect to the Ray cluster at :func:`_ray_address`, unless this process already is.

    Called in the caller's thread: Ray ties the processes of a local instance (address
    ``"local"``) to the thread that starts them, and kills them when it ends.
    """
    import ray

    if not ray.is_initialized():
        # py_modules ships this package to the cluster's workers; log_to_driver=False keeps
        # their TensorFlow chatter out of the caller's terminal
        ray.init(address=_ray_address(), log_to_driver=False,
                 runtime_env={"py_modules": [str(Path(__file__).resolve().parent)]})


@contextmanager
def _joblib_backend(backend: str) -> Iterator[None]:
    """joblib's backend in this thread (joblib's configuration is per thread): loky, or Ray's
    (once :func:`_connect_ray` has connected)."""
    if backend == "ray":
        from ray.util.joblib import register_ray

        register_ray()
    with joblib.parallel_config(backend=backend):
        yield


class _Feed:
    """The jobs' outcomes, as joblib returns them, read in a thread into a queue, so that the
    caller can poll the queue, the progress files and its Stop between outcomes."""

    END = object()

    def __init__(self, outcomes: Callable[[], Iterator[_Outcome]]) -> None:
        self.queue: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._read, args=(outcomes,), daemon=True,
                                       name="aecore-sweep")
        self.thread.start()

    def _read(self, outcomes: Callable[[], Iterator[_Outcome]]) -> None:
        try:
            for outcome in outcomes():
                self.queue.put(outcome)
        except BaseException as err:  # the engine failed (a worker killed, no cluster)
            self.error = err
        finally:
            self.queue.put(self.END)

    def get(self) -> Any:
        """The next outcome, :attr:`END`, or None after :data:`POLL_S` without one."""
        try:
            return self.queue.get(timeout=POLL_S)
        except queue.Empty:
            return None


class Sweep:
    """Train the reduction page's model once per value of one hyperparameter, in parallel.

    Parameters
    ----------
    config : aecore.runconfig.RunConfig
        The run every job starts from (page ``"reduction"``); its dataset and ``n_train`` are
        used as they are.
    param : str
        The hyperparameter to sweep, one of :data:`SWEEPABLE`.
    values : sequence
        Its values, e.g. from :func:`parse_values`; one job each, in this order.
    n_jobs : int, default=2
        Jobs that train at once. With loky, each in its own process with one TensorFlow thread,
        so about the number of cores; 1 trains them one after another in this process.
    store : aecore.runs.RunStore or None, default=None
        Where finished jobs are stored; None means the default one
        (:func:`aecore.runs.store_dir`).

    Attributes
    ----------
    jobs : list of JobStatus
        One per value, in the order given, updated in place by :meth:`run`.
    backend : {"loky", "ray"}
        joblib's backend: "ray" when ``RAY_ADDRESS`` or ``AECORE_RAY_ADDRESS`` is set.

    Raises
    ------
    ValueError
        If the config is not the reduction page's, ``param`` cannot be swept, ``values`` is
        empty, ``n_jobs`` is less than 1, or a Ray address is set and Ray is not installed.
    """

    def __init__(self, config: RunConfig, param: str, values: Sequence, *, n_jobs: int = 2,
                 store: RunStore | None = None) -> None:
        if config.page != "reduction":
            raise ValueError(f"Sweeps train the {PAGES['reduction']} page's model; this config "
                             f"is for the {PAGES.get(config.page, config.page)} page.")
        _check_param(param)
        if len(values) == 0:
            raise ValueError("A sweep needs at least one value.")
        if n_jobs < 1:
            raise ValueError(f"n_jobs must be at least 1; got {n_jobs}.")
        self.config, self.param, self.n_jobs, self.store = config, param, n_jobs, store
        self.jobs = [JobStatus(value) for value in values]
        self.backend = "ray" if _ray_address() else "loky"
        if self.backend == "ray" and importlib.util.find_spec("ray") is None:
            raise ValueError(f"{_ray_variable()} is set, so sweeps run on Ray, but Ray is not "
                             "installed here: pip install 'aecore[cluster]' (or ray==2.60.0), "
                             "or unset the variable to run on this machine.")

    def run(self, on_update: UpdateCallback | None = None,
            should_stop: Callable[[], bool] | None = None) -> None:
        """Train every job, storing each that finished (or was stopped after an epoch or more).

        A sweep runs once; its :attr:`jobs` then keep how each ended.

        Parameters
        ----------
        on_update : callable or None, default=None
            Called here with :attr:`jobs` at the start, whenever a job starts, ends or finishes
            an epoch (at most every :data:`POLL_S` seconds), and after the last one ends.
        should_stop : callable or None, default=None
            Asked every :data:`POLL_S` seconds; once True, jobs not yet started are cancelled,
            running ones stop within about a second, finished ones are kept.

        Raises
        ------
        ValueError
            If the config's dataset cannot be loaded. A job's own error (invalid values for the
            data, a failure in its worker) makes it "failed" instead; the others carry on.
        RuntimeError
            If this sweep has already run.
        BaseException
            Whatever ``on_update`` or ``should_stop`` raise (e.g. Streamlit ending the script
            run) acts as a Stop and is raised again once the running jobs have stopped and
            what finished is stored.
        """
        from aecore.data import load_dataset

        if any(job.state != "waiting" for job in self.jobs):
            raise RuntimeError("This sweep has already run; make a new Sweep to run it again.")
        data = load_dataset(self.config.dataset)
        store = RunStore() if self.store is None else self.store
        results = self._prepared(data)
        on_update = on_update or (lambda jobs: None)
        on_update(self.jobs)
        if should_stop is not None and should_stop():
            self._cancel_waiting()
            on_update(self.jobs)
            return
        if not results:
            return
        if self.backend == "ray":
            _connect_ray()
        with tempfile.TemporaryDirectory(prefix="aecore-sweep-") as folder:
            channel = _Channel(Path(folder))
            feed = _Feed(lambda: self._outcomes(results, folder))
            try:
                self._follow(feed, channel, results, store, on_update, should_stop)
            except BaseException:
                self._stop(channel)
                self._follow(feed, channel, results, store, lambda jobs: None, None)
                raise

    def _prepared(self, data: Any) -> dict[int, Any]:
        """Each job's unfitted page result by index; a value the data refuses fails here."""
        results = {}
        for index, job in enumerate(self.jobs):
            config = dataclasses.replace(self.config,
                                         params={**self.config.params, self.param: job.value})
            try:
                results[index] = result_for(config, data)
            except ValueError as err:
                job.state, job.error = "failed", _one_line(err)
                continue
            job.epochs = results[index].estimator.epochs
        return results

    def _outcomes(self, results: dict[int, Any], folder: str) -> Iterator[_Outcome]:
        """The jobs' outcomes from joblib, as each ends (loky) or all at once (Ray's backend,
        a multiprocessing-style pool, cannot return a generator)."""
        caller = (socket.gethostname(), os.getpid())
        with _joblib_backend(self.backend):
            parallel = joblib.Parallel(
                n_jobs=self.n_jobs, batch_size=1,
                return_as="list" if self.backend == "ray" else "generator_unordered")
            yield from parallel(joblib.delayed(_fit_job)(index, result, folder, caller)
                                for index, result in results.items())

    def _follow(self, feed: _Feed, channel: _Channel, results: dict[int, Any], store: RunStore,
                on_update: UpdateCallback, should_stop: Callable[[], bool] | None) -> None:
        """Take outcomes, progress and Stop until the feed ends."""
        while (item := feed.get()) is not _Feed.END:
            changed = item is not None
            if changed:
                self._finish(item, results[item.index], store)
            changed |= self._read_progress(channel)
            if should_stop is not None and not channel.stop_requested() and should_stop():
                self._stop(channel)
                changed = True
            if changed:
                on_update(self.jobs)
        if feed.error is not None:
            self._fail_unfinished(feed.error)
            on_update(self.jobs)

    def _read_progress(self, channel: _Channel) -> bool:
        """Update waiting and running jobs from their progress files; whether any changed."""
        changed = False
        for index, job in enumerate(self.jobs):
            progress = channel.progress(index) if job.state in ("waiting", "running") else None
            if progress is not None and (job.state, job.epoch) != ("running", progress[0]):
                job.state, (job.epoch, job.epochs) = "running", progress
                changed = True
        return changed

    def _stop(self, channel: _Channel) -> None:
        channel.request_stop()
        self._cancel_waiting()

    def _cancel_waiting(self) -> None:
        for job in self.jobs:
            if job.state == "waiting":
                job.state = "cancelled"

    def _fail_unfinished(self, error: BaseException) -> None:
        for job in self.jobs:
            if job.state in ("waiting", "running"):
                job.state, job.error = "failed", _one_line(error)

    def _finish(self, outcome: _Outcome, result: Any, store: RunStore) -> None:
        """Set a job's final state from its outcome; store and score a model worth keeping."""
        job = self.jobs[outcome.index]
        if job.state == "cancelled" and not (outcome.log and outcome.log.epochs_done):
            return  # a Stop came while it was starting: it trained nothing, as it was told
        if outcome.status in ("cancelled", "failed"):
            job.state, job.error = outcome.status, outcome.error
            return
        log = outcome.log
        job.epoch, job.seconds = log.epochs_done, log.seconds if log.epochs_done else None
        if outcome.status == "diverged":
            job.state, job.error = "failed", log.outcome()
            return
        job.state = "done" if outcome.status == "finished" else "stopped"
        if outcome.files is None:
            return
        fitted = dataclasses.replace(result, estimator=_rebuilt(outcome.files, log))
        try:
            job.run_id = record(fitted, store, outcome.headline)
        except (ValueError, OSError) as err:
            job.state, job.error = "failed", f"not stored: {_one_line(err)}"
            return
        job.scores = outcome.scores

    def table(self) -> pd.DataFrame:
        """The sweep so far, one row per value in the order given.

        Returns
        -------
        pandas.DataFrame
            Columns: the swept hyperparameter (its values), ``"state"``,
            ``"epochs trained"`` (fewer than asked for a stopped job), the scores of
            :attr:`JobStatus.scores` (``"reconstruction MSE"``, ``"PCA reconstruction MSE"``,
            ``"5-NN accuracy"``, ``"PCA 5-NN accuracy"``; NaN where a job has none, e.g. a
            job that failed), ``"seconds"`` (training time, NaN if it
            trained no epoch), ``"run id"`` (nullable integer) and ``"note"`` (why a job
            failed or was not stored; empty otherwise).
        """
        rows = [{self.param: job.value, "state": job.state, "epochs trained": job.epoch,
                 **{name: job.scores.get(name, math.nan) for name in SCORE_COLUMNS},
                 "seconds": math.nan if job.seconds is None else job.seconds,
                 "run id": job.run_id, "note": _note(job)} for job in self.jobs]
        table = pd.DataFrame(rows, columns=[self.param, "state", "epochs trained",
                                            *SCORE_COLUMNS, "seconds", "run id", "note"])
        return table.astype({"run id": "Int64", "seconds": "float64",
                             **{name: "float64" for name in SCORE_COLUMNS}})

    def error_hardly_changes(self, within: float = 0.05) -> bool:
        """Whether the autoencoder's held-out reconstruction MSE moves by less than ``within``
        (a fraction of its largest value) over the values scored, two at least: for a sweep
        of the code size, the sign of trainings too short to use a wider code."""
        errors = self.table()["reconstruction MSE"].dropna()
        return len(errors) >= 2 and bool(np.ptp(errors) < within * errors.max())

    def run_ids_by_value(self) -> list[int]:
        """The stored runs' ids in the order of their values (not of finishing)."""
        stored = sorted((job.value, job.run_id) for job in self.jobs if job.run_id is not None)
        return [run_id for _, run_id in stored]
