"""Train a page's result in a worker process, with live events sent back.

Why worker processes, not a thread of the server:

* **Memory.** TensorFlow keeps every traced training step, with the model's and optimiser's
  variables it captured, for the life of the process: about 50 MB per training of the default
  784-1000-500-250-2 network, which neither ``gc`` nor ``keras.backend.clear_session`` (which is
  process-wide anyway) returns. A worker is recycled (it ends, returning all of it) once it has
  grown by :data:`RECYCLE_GROWTH_MB` or served :data:`RECYCLE_JOBS` trainings.
* **Seeds and isolation.** A worker trains one result at a time: its random state cannot be
  moved by another session, a crash inside TensorFlow ends the worker, not the server, and two
  sessions train on two cores without sharing one interpreter lock.

Starting a worker costs a process and a TensorFlow import (about 5 s), so idle workers wait in a
small pool, and one is started ahead whenever the pool runs empty. Stop requests reach the worker
through a pipe it polls between batches; epochs come back through another, with the page's live
view (see :meth:`aecore.results.TrainedResult.live_view`) computed in the worker. The trained
model comes back as a saved estimator (:mod:`aecore.persistence`).
"""

from __future__ import annotations

import importlib
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

from aecore.events import StageEvent, TrainingLog

_POLL_S = 0.05  # how often the waiting side looks for a Stop request
_UNWIND_S = 60.0  # how long an interrupted training may take to stop and save
_STOP_GRACE_S = 2.0  # how long a worker may take to obey a Stop before its first epoch ends
MAX_IDLE = 2  # idle workers kept waiting, each holding TensorFlow (a few hundred MB)
RECYCLE_JOBS = 20  # trainings a worker serves at most before it ends
RECYCLE_GROWTH_MB = 400  # or memory it may gain over its first training's start
LiveCallback = Callable[[Any, Any], None]  # (EpochEvent, live view), or (StageEvent, None)


@dataclass
class _Worker:
    process: subprocess.Popen
    connection: Connection  # jobs out, messages back
    stop: Connection  # anything written here asks the worker's fit to stop
    stopping: bool = False  # a stop was requested in the current job
    job: int = 0  # number of the current job; a stop request names the job it is for


_idle: list[_Worker] = []
_pool_lock = threading.Lock()


def _start_worker() -> _Worker:
    """A fresh ``python -c`` process that serves trainings over two pipes.

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


def _end(worker: _Worker) -> None:
    """Close a worker's pipes (it ends on reading their end) and reap it."""
    worker.connection.close()
    worker.stop.close()
    try:
        worker.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        worker.process.terminate()


def warm_up() -> None:
    """Start a worker if none is idle (it imports TensorFlow in the background)."""
    with _pool_lock:
        _idle[:] = [w for w in _idle if w.process.poll() is None]
        if not _idle:
            _idle.append(_start_worker())


def _take_worker() -> _Worker:
    """An idle worker (a new one if none), starting the next one ahead if the pool ran empty."""
    with _pool_lock:
        _idle[:] = [w for w in _idle if w.process.poll() is None]
        worker = _idle.pop() if _idle else None
        if not _idle:
            _idle.append(_start_worker())
    worker = worker or _start_worker()
    worker.stopping = False
    worker.job += 1
    return worker


def _give_back(worker: _Worker) -> None:
    """Keep a worker that finished its job for the next one, or end it if enough wait."""
    with _pool_lock:
        if worker.process.poll() is None and len(_idle) < MAX_IDLE:
            _idle.append(worker)
            return
    _end(worker)


def _rss_mb() -> float:
    """This process's resident memory in MB (Linux /proc; 0 elsewhere, which never recycles)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines()
                 if line.startswith("VmRSS:")), 0.0)


def _serve(connection_fd: int, stop_fd: int) -> None:
    """A worker's life: import TensorFlow, then fit the results it receives, one at a time,
    until the server closes the pipe or the worker has served or grown enough."""
    import aecore.training  # noqa: F401  (the slow import, done before a job arrives)

    connection, stop = Connection(connection_fd), Connection(stop_fd, writable=False)
    start_mb = None
    for jobs in range(1, RECYCLE_JOBS + 1):
        try:
            job, result = connection.recv()
            connection.send(("started",))
        except EOFError:  # the server ended, or no longer needs this worker
            return
        start_mb = start_mb or _rss_mb()
        retiring = jobs == RECYCLE_JOBS  # decided after the job, once memory is known
        message = _train(result, connection, _stop_check(stop, job))
        retiring = retiring or _rss_mb() - start_mb > RECYCLE_GROWTH_MB
        connection.send((*message, retiring))
        if retiring:
            return


def _stop_check(stop: Connection, job: int) -> Callable[[], bool]:
    """True once a stop request for ``job`` has arrived (requests for earlier jobs, which came
    after those had ended, are skipped; one may arrive before the job starts training)."""
    requested = False

    def should_stop() -> bool:
        nonlocal requested
        while not requested and stop.poll():
            requested = stop.recv() == job
        return requested
    return should_stop


def _train(result: Any, connection: Connection, should_stop: Callable[[], bool]) -> tuple:
    """Fit ``result`` here, sending its epochs; the final message (without ``retiring``)."""
    from aecore.persistence import save

    def report(event: Any) -> None:  # a stage (pretraining) has no model to view yet
        connection.send(("stage", event) if isinstance(event, StageEvent)
                        else ("epoch", event, result.live_view()))

    try:
        result.fit(on_epoch=report, should_stop=should_stop)
    except Exception as err:  # e.g. a ValueError about the data: the page shows it
        return ("error", err)
    log, folder = result.estimator.log_, None
    if log.epochs_done and log.status != "diverged":
        folder = tempfile.mkdtemp(prefix="aecore-training-")
        save(result.estimator, folder)
    return ("done", log.status, folder)


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
        :meth:`~aecore.results.TrainedResult.live_view` after that epoch, and with each
        :class:`aecore.events.StageEvent` (RBM pretraining, before the epochs) and None.
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
    estimator = result.estimator
    estimator.log_ = log = TrainingLog(estimator.epochs)
    # the fitted model is loaded here at the end: import Keras meanwhile, not after a Stop
    threading.Thread(target=importlib.import_module, args=("keras",), daemon=True).start()
    worker = _take_worker()
    outcome = _Outcome("stopped")
    try:
        worker.connection.send((worker.job, result))
        try:
            outcome = _receive(worker, log, on_epoch, should_stop)
        except BaseException:  # from on_epoch: the page's script run is ending
            _request_stop(worker)
            outcome = _receive(worker, log, None, None, time.monotonic() + _UNWIND_S)
            _adopt(estimator, log, outcome, raise_error=False)
            raise
        _adopt(estimator, log, outcome)
    finally:
        if outcome.reusable:
            _give_back(worker)
        else:
            _end(worker)


@dataclass(frozen=True)
class _Outcome:
    status: str  # the fit's final status
    folder: str | None = None  # where the worker saved the fitted estimator
    error: BaseException | None = None  # what the worker raised instead
    reusable: bool = False  # the worker answered and can take another job


def _receive(worker: _Worker, log: Any, on_epoch: LiveCallback | None,
             should_stop: Callable[[], bool] | None,
             deadline: float = float("inf")) -> _Outcome:
    """Take the worker's messages until it is done, appending its epochs to ``log``.

    A Stop before the worker has taken the job (it may still be importing TensorFlow), or one
    it has not obeyed within :data:`_STOP_GRACE_S` while no epoch has ended yet, ends that
    worker at once: there is nothing trained to keep, and waiting could take a whole epoch."""
    started, stop_sent = False, None
    while time.monotonic() < deadline:
        if should_stop is not None and should_stop():
            stop_sent = stop_sent or time.monotonic()
            if not started or (not log.events and time.monotonic() - stop_sent > _STOP_GRACE_S):
                worker.process.kill()
                return _Outcome("stopped")
            _request_stop(worker)
        if not worker.connection.poll(_POLL_S):
            continue
        try:
            kind, *payload = worker.connection.recv()
        except EOFError:  # the worker ended without an answer
            return _Outcome("stopped", error=RuntimeError(
                "The training process ended without an answer (it crashed); the server is "
                "fine: press Train to try again."))
        if kind == "started":
            started = True
        elif kind == "stage":
            if on_epoch is not None:
                on_epoch(payload[0], None)
        elif kind == "epoch":
            event, view = payload
            log.events.append(event)
            if on_epoch is not None:
                on_epoch(event, view)
        elif kind == "error":
            error, retiring = payload
            return _Outcome("stopped", error=error, reusable=not retiring)
        else:
            status, folder, retiring = payload
            return _Outcome(status, folder, reusable=not retiring)
    return _Outcome("stopped")  # the worker did not stop in time; it is terminated


def _request_stop(worker: _Worker) -> None:
    if worker.stopping:
        return
    worker.stopping = True
    try:
        worker.stop.send(worker.job)
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
