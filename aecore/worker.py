"""Train a page's result in a worker process of its own, with live events sent back.

Why a process per training, not a thread of the server:

* **Memory.** TensorFlow keeps every traced training step, with the model's and optimiser's
  variables it captured, for the life of the process: about 50 MB per training of the default
  784-1000-500-250-2 network, which neither ``gc`` nor ``keras.backend.clear_session`` (which is
  process-wide anyway) returns. A worker ends after one training and gives it all back.
* **Seeds and isolation.** Each training has the process to itself: its random state cannot be
  moved by another session, a crash inside TensorFlow ends the worker, not the server, and two
  sessions train on two cores without sharing one interpreter lock.

A worker costs a process start and a TensorFlow import (about 5 s), so one is always kept
started and waiting ("on standby"): a training takes it and starts the next. Stop requests go to
the worker through an event it checks between batches; epochs come back through a pipe, with the
page's live view (see :meth:`aecore.results.TrainedResult.live_view`) computed in the worker.
The trained model comes back as a saved estimator (:mod:`aecore.persistence`).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

_POLL_S = 0.05  # how often the waiting side looks for a Stop request
_UNWIND_S = 60.0  # how long an interrupted training may take to stop and save
LiveCallback = Callable[[Any, Any], None]  # (EpochEvent, live view)


@dataclass
class _Worker:
    process: subprocess.Popen
    connection: Connection  # jobs out, messages back
    stop: Connection  # anything written here asks the worker's fit to stop
    stopping: bool = False


_standby: _Worker | None = None
_standby_lock = threading.Lock()


def _start_worker() -> _Worker:
    """A fresh ``python -c`` process that serves one training over two pipes.

    Not ``multiprocessing.Process``: its spawn start re-imports the parent's main module, which
    in a Streamlit server or an AppTest is a page script (that would start workers itself).
    """
    ours, theirs = multiprocessing.Pipe()
    stop_theirs, stop_ours = multiprocessing.Pipe(duplex=False)
    package_root = str(Path(__file__).resolve().parents[1])
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys, aecore.worker as w; "
         "w._serve(int(sys.argv[1]), int(sys.argv[2]))",
         str(theirs.fileno()), str(stop_theirs.fileno())],
        pass_fds=(theirs.fileno(), stop_theirs.fileno()),
        env={**os.environ, "PYTHONPATH": os.pathsep.join(
            [package_root, *filter(None, [os.environ.get("PYTHONPATH")])]),
             "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")})
    theirs.close()
    stop_theirs.close()
    return _Worker(process, ours, stop_ours)


def warm_up() -> None:
    """Start a worker on standby if there is none (it imports TensorFlow in the background)."""
    global _standby
    with _standby_lock:
        if _standby is None or _standby.process.poll() is not None:
            _standby = _start_worker()


def _take_worker() -> _Worker:
    """The worker on standby (started if there is none), leaving a new one on standby."""
    global _standby
    with _standby_lock:
        worker = _standby if _standby is not None and _standby.process.poll() is None else None
        _standby = _start_worker()
    return worker or _start_worker()


def _serve(connection_fd: int, stop_fd: int) -> None:
    """A worker's life: import TensorFlow, wait for one result, fit it, send it back, end."""
    import aecore.training  # noqa: F401  (the slow import, done before a job arrives)
    from aecore.persistence import save

    connection, stop = Connection(connection_fd), Connection(stop_fd, writable=False)
    try:
        result = connection.recv()
    except EOFError:  # the server ended while this worker was on standby
        return
    try:
        result.fit(on_epoch=lambda event: connection.send(("epoch", event, result.live_view())),
                   should_stop=stop.poll)
    except Exception as err:  # e.g. a ValueError about the data: the page shows it
        connection.send(("error", err))
        return
    log, folder = result.estimator.log_, None
    if log.epochs_done and log.status != "diverged":
        folder = tempfile.mkdtemp(prefix="aecore-training-")
        save(result.estimator, folder)
    connection.send(("done", log.status, folder))


def fit_in_worker(result: Any, on_epoch: LiveCallback | None = None,
                  should_stop: Callable[[], bool] | None = None) -> None:
    """Fit ``result`` (a :class:`aecore.results.TrainedResult`) in a worker process; on return
    its estimator is fitted as if ``result.fit`` had run here.

    While it trains, ``result.estimator.log_`` receives each epoch's event as it arrives, so a
    live panel can read the history so far.

    Parameters
    ----------
    result : aecore.results.TrainedResult
        What to fit; it is pickled to the worker, so it must not hold a fitted model.
    on_epoch : callable or None, default=None
        Called here with each :class:`aecore.training.EpochEvent` and the result's
        :meth:`~aecore.results.TrainedResult.live_view` after that epoch.
    should_stop : callable or None, default=None
        Asked here every 50 ms; True stops the worker's fit within a batch or so, and the
        estimator keeps the model trained so far ("stopped").

    Raises
    ------
    ValueError
        Whatever ``result.fit`` raised in the worker (invalid data or hyperparameters).
    RuntimeError
        If the worker process ended without an answer (it crashed).
    BaseException
        Whatever ``on_epoch`` raises (e.g. Streamlit ending the script run) is passed on once
        the worker has stopped and the model so far is kept.
    """
    from aecore.training import TrainingLog

    estimator = result.estimator
    estimator.log_ = log = TrainingLog(estimator.epochs)
    worker = _take_worker()
    try:
        worker.connection.send(result)
        try:
            outcome = _receive(worker, log, on_epoch, should_stop)
        except BaseException:  # from on_epoch: the page's script run is ending
            _request_stop(worker)
            _adopt(estimator, log, _receive(worker, log, None, None,
                                            time.monotonic() + _UNWIND_S), raise_error=False)
            raise
        _adopt(estimator, log, outcome)
    finally:
        worker.connection.close()
        worker.stop.close()
        try:
            worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.process.terminate()


@dataclass(frozen=True)
class _Outcome:
    status: str  # the fit's final status
    folder: str | None = None  # where the worker saved the fitted estimator
    error: BaseException | None = None  # what the worker raised instead


def _receive(worker: _Worker, log: Any, on_epoch: LiveCallback | None,
             should_stop: Callable[[], bool] | None,
             deadline: float = float("inf")) -> _Outcome:
    """Take the worker's messages until it is done, appending its epochs to ``log``."""
    while time.monotonic() < deadline:
        if should_stop is not None and should_stop():
            _request_stop(worker)
        if not worker.connection.poll(_POLL_S):
            continue
        try:
            kind, *payload = worker.connection.recv()
        except EOFError:  # the worker ended without an answer
            return _Outcome("stopped", error=RuntimeError(
                "The training process ended without an answer (it crashed); the server is "
                "fine: press Train to try again."))
        if kind == "epoch":
            event, view = payload
            log.events.append(event)
            if on_epoch is not None:
                on_epoch(event, view)
        elif kind == "error":
            return _Outcome("stopped", error=payload[0])
        else:
            return _Outcome(*payload)
    return _Outcome("stopped")  # the worker did not stop in time; it is terminated


def _request_stop(worker: _Worker) -> None:
    if worker.stopping:
        return
    worker.stopping = True
    try:
        worker.stop.send(True)
    except OSError:  # the worker has already ended
        pass


def _adopt(estimator: Any, log: Any, outcome: _Outcome, raise_error: bool = True) -> None:
    """Give ``estimator`` the worker's fitted state (if it saved one) and ``log``; raise the
    worker's error, if any and ``raise_error``."""
    if outcome.folder is not None:
        from aecore.persistence import load

        try:
            vars(estimator).update(vars(load(outcome.folder)))
        finally:
            shutil.rmtree(outcome.folder, ignore_errors=True)
    log.status = outcome.status
    estimator.log_ = log  # with the events' probe frames, which the saved history lacks
    if outcome.error is not None and raise_error:
        raise outcome.error
