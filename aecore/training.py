"""The training engine every model uses: Keras ``fit`` with one event per epoch, stop and
divergence.

:func:`train` writes into a :class:`TrainingLog` that the caller owns and keeps before the fit
starts, so if the fit is interrupted by anything, even an exception that is not an ``Exception``
(Streamlit's rerun), the caller keeps the model, the history so far and a log that says it
stopped. Importing this module imports Keras (and TensorFlow, ~5 s).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from aecore.events import EpochEvent, TrainingLog
from aecore.models import Network
from aecore.spec import TrainingSpec

VALIDATION_BATCH = 1024
BATCH_CHECK_INTERVAL_S = 0.05  # how often the batch watch looks at the loss and the Stop flag


def train(net: Network, spec: TrainingSpec, log: TrainingLog, x: np.ndarray,
          targets: np.ndarray | None = None,
          validation_data: tuple[np.ndarray, np.ndarray] | None = None,
          probe: np.ndarray | None = None,
          on_epoch: Callable[[EpochEvent], None] | None = None,
          should_stop: Callable[[], bool] | None = None, started: float | None = None) -> None:
    """Fit ``net`` for ``spec.epochs`` epochs, recording each epoch into ``log``.

    The model learns x → x, or x → ``targets`` (a denoiser), by Keras' ``fit`` with shuffled
    batches of ``spec.batch_size``, silently. Callbacks, in order: ``net.callbacks`` (a VAE's KL
    warm-up); :func:`cosine_learning_rate` set each epoch when ``spec.lr_decay``; a batch
    watch, which stops the fit after a batch whose loss is NaN or infinite (a silent twin of
    Keras' ``TerminateOnNaN``) or when ``should_stop`` says so; and the recorder, which appends
    an :class:`EpochEvent` to ``log`` after each epoch. An epoch whose logs hold a non-finite
    value sets ``log.status`` to "diverged"; ``should_stop`` returning True ends the fit with
    "stopped" (an epoch it cut short is not recorded); otherwise it ends "finished".

    Parameters
    ----------
    net : aecore.models.Network
        The compiled model; ``net.encoder`` encodes the probe.
    spec : aecore.spec.TrainingSpec
        Supplies ``epochs``, ``batch_size``, ``learning_rate`` and ``lr_decay``.
    log : TrainingLog
        Receives the events and the final status; owned by the caller.
    x : ndarray of shape (n_samples, n_inputs)
        Validated model inputs, float32 in [0, 1] (a conditional VAE's end with one-hot labels).
    targets : ndarray of shape (n_samples, n_outputs) or None, default=None
        What the model should output; None means ``x``.
    validation_data : tuple of (ndarray, ndarray) or None, default=None
        Inputs and targets evaluated after each epoch; adds the ``val_*`` logs.
    probe : ndarray of shape (n_probe, n_inputs) or None, default=None
        Inputs whose codes are stored in each event's ``frame``.
    on_epoch : callable or None, default=None
        Called with each :class:`EpochEvent`.
    should_stop : callable or None, default=None
        Called with no arguments after each batch (on Keras' callback thread) and each epoch;
        True stops the fit within a batch, whatever the batch size.
    started : float or None, default=None
        ``time.perf_counter()`` when the fit began, if before this call (e.g. before a
        pretraining stage), so that the events' ``elapsed`` counts from there; None: from the
        start of Keras' fit.

    Raises
    ------
    BaseException
        Whatever Keras, ``on_epoch`` or ``should_stop`` raise is passed on (an ``Exception`` or
        not, e.g. Streamlit's rerun), with ``log.status`` set to "stopped" unless it is
        "diverged".
    """
    watch = _BatchWatch(should_stop)
    events = _EpochEvents(net, log, probe, on_epoch, should_stop, watch, validation_data,
                          max(spec.batch_size, VALIDATION_BATCH), started)
    schedule = [_CosineDecay(spec.learning_rate, spec.epochs)] if spec.lr_decay else []
    log.status = "running"
    try:
        net.model.fit(
            shuffled_batches(x, targets, spec.batch_size, spec.epochs, spec.seed),
            epochs=spec.epochs, steps_per_epoch=math.ceil(len(x) / spec.batch_size),
            shuffle=False, verbose=0,  # the batches come shuffled
            callbacks=[*net.callbacks, *schedule, watch, events],
        )
        if log.status == "running":
            log.status = "stopped" if events.stopped else "finished"
    finally:
        if log.status == "running":  # interrupted by an exception
            log.status = "stopped"


def shuffled_batches(x: np.ndarray, targets: np.ndarray | None, batch_size: int, epochs: int,
                     seed: int) -> tf.data.Dataset:
    """(inputs, targets) batches for ``epochs`` epochs, each epoch in its own random order.

    Epoch e's order is a stateless shuffle keyed by (``seed``, e), so it depends on nothing
    else: Keras' own shuffle (``fit(shuffle=True)``) draws from TensorFlow's process-wide seed
    and op counter, which other sessions training in the same server move, so the same seed
    gave other batches, and other losses, whenever someone else was training.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_inputs)
        Model inputs.
    targets : ndarray of shape (n_samples, n_outputs) or None
        Model outputs to learn; None means ``x``.
    batch_size : int
        Rows per batch; each epoch's last batch holds the rest.
    epochs : int
        Number of passes over the rows.
    seed : int
        Seed of the orders, 0 ≤ seed < 2^31.

    Returns
    -------
    tf.data.Dataset
        ``epochs · ceil(n_samples / batch_size)`` batches of (inputs, targets), in order.
    """
    n = len(x)
    inputs = tf.constant(x)  # an eager tensor the map captures, not a copy in its graph
    outputs = inputs if targets is None else tf.constant(targets)

    def epoch_order(epoch: tf.Tensor) -> tf.data.Dataset:
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size)

    return (tf.data.Dataset.range(epochs).flat_map(epoch_order)
            .map(lambda i: (tf.gather(inputs, i), tf.gather(outputs, i)),
                 num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE))


def predict_batched(model: keras.Model, x: np.ndarray | list[np.ndarray],
                    batch_size: int = 1024) -> np.ndarray:
    """The model's outputs for ``x``, computed batch by batch.

    A direct call ``model(batch, training=False)`` per batch avoids ``predict``'s per-call set-up
    cost.

    Parameters
    ----------
    model : keras.Model
        A single-output model, e.g. an encoder or a whole autoencoder.
    x : ndarray of shape (n_samples, n_inputs), or a list of them
        Model inputs; a list holds one array per input of a multi-input model (a conditional
        decoder's codes and one-hot labels), batched together.
    batch_size : int, default=1024
        Rows per call.

    Returns
    -------
    ndarray of shape (n_samples, ``*model.output_shape[1:]``)
        The outputs, in the model's dtype (float32 here); for no rows, an empty float32 array.
    """
    inputs = x if isinstance(x, list) else [x]
    parts = [np.asarray(model([a[i:i + batch_size] for a in inputs] if isinstance(x, list)
                              else x[i:i + batch_size], training=False))
             for i in range(0, len(inputs[0]), batch_size)]
    return np.concatenate(parts) if parts else np.empty((0, *model.output_shape[1:]), "float32")


def cosine_learning_rate(base: float, epoch: int, epochs: int) -> float:
    """The learning rate for a 0-based ``epoch``: ``base`` at the start, half midway, near 0 last.

    η = base · ½ · (1 + cos(π · epoch / epochs)): the cosine annealing of SGDR (Loshchilov &
    Hutter 2017) with η_min = 0 and no restarts, stepped once per epoch rather than per batch.

    Parameters
    ----------
    base : float
        Initial learning rate (Adam's step size).
    epoch : int
        0-based epoch, 0 ≤ ``epoch`` < ``epochs``.
    epochs : int
        Number of epochs.

    Returns
    -------
    float
        The learning rate for that epoch.

    Raises
    ------
    ZeroDivisionError
        If ``epochs`` is 0.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
       ICLR 2017.
    """
    return base * 0.5 * (1 + math.cos(math.pi * epoch / epochs))


class _BatchWatch(keras.callbacks.Callback):
    """After each batch: stop at a loss that is NaN or ±inf (Keras' ``TerminateOnNaN``, without
    its print), or when ``should_stop()`` is True, so a Stop takes effect within a batch rather
    than at the end of a long epoch.

    ``async_safe`` lets Keras call it from its callback thread, as it does when no callback
    hooks batches: a batch hook on the training thread waits for every batch's loss, which
    cost 10 % of the fit's time here (bench.live_overhead 1.148 against 1.04). The stop flag
    is then seen a batch or so later."""

    async_safe = True

    def __init__(self, should_stop: Callable[[], bool] | None) -> None:
        super().__init__()
        self.should_stop = should_stop
        self.batches = 0  # batches seen in this epoch (Keras flushes this thread at its end)
        self.next_check = 0.0  # time.monotonic() of the next check

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self.batches = 0

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        self.batches = max(self.batches, batch + 1)
        # Checks are throttled: with tiny batches, a check per batch (it waits for the batch's
        # loss) fell behind the training thread, and Keras drains that backlog before the fit
        # returns, which delayed a Stop by seconds. A NaN loss stays NaN (the loss is the
        # epoch's running mean), so a later check still sees it.
        now = time.monotonic()
        if now < self.next_check:
            return
        self.next_check = now + BATCH_CHECK_INTERVAL_S
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.model.stop_training = True
        elif self.should_stop is not None and self.should_stop():
            self.model.stop_training = True

    @property
    def cut_short(self) -> bool:
        """The fit was stopped (by ``should_stop`` or by setting the model's ``stop_training``
        from outside) before this epoch's last batch."""
        return self.model.stop_training and self.batches < self.params["steps"]


class _CosineDecay(keras.callbacks.Callback):
    """Sets the optimiser's rate each epoch (unlike Keras' LearningRateScheduler, it adds
    nothing to the epoch's logs, which the pages plot as losses)."""

    def __init__(self, base: float, epochs: int) -> None:
        super().__init__()
        self.base, self.epochs = base, epochs

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self.model.optimizer.learning_rate.assign(
            cosine_learning_rate(self.base, epoch, self.epochs))


class _EpochEvents(keras.callbacks.Callback):
    """Records each whole epoch: validates (here rather than through ``fit``'s
    ``validation_data``, which would still evaluate after a Stop had cut the epoch short and
    delay the Stop by seconds), encodes the probe and appends the event."""

    def __init__(self, net: Network, log: TrainingLog, probe: np.ndarray | None,
                 on_epoch: Callable[[EpochEvent], None] | None,
                 should_stop: Callable[[], bool] | None, watch: _BatchWatch,
                 validation_data: tuple[np.ndarray, np.ndarray] | None,
                 validation_batch: int, started: float | None) -> None:
        super().__init__()
        self.net, self.log, self.probe = net, log, probe
        self.on_epoch, self.should_stop, self.watch = on_epoch, should_stop, watch
        self.validation_data, self.validation_batch = validation_data, validation_batch
        self.started = started
        self.stopped = False

    def _validation_logs(self) -> dict[str, float]:
        if self.validation_data is None:
            return {}
        x, y = self.validation_data
        # big batches: validation only evaluates, and at batch size 1 it took 15 s an epoch
        logs = self.model.evaluate(x, y, batch_size=self.validation_batch, verbose=0,
                                   return_dict=True)
        return {f"val_{k}": float(v) for k, v in logs.items()}

    def on_train_begin(self, logs=None) -> None:
        self.start = time.perf_counter() if self.started is None else self.started

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        losses = {k: float(v) for k, v in (logs or {}).items()}
        finite = all(math.isfinite(v) for v in losses.values())
        if finite and self.watch.cut_short:
            self.stopped = True  # a Stop inside the epoch: part of an epoch is no epoch
            return
        if finite:
            losses |= self._validation_logs()
        if not all(math.isfinite(v) for v in losses.values()):
            self.log.status = "diverged"
            self.model.stop_training = True  # the batch watch may not have looked yet
        frame = None
        if self.probe is not None and self.log.status != "diverged":
            frame = predict_batched(self.net.encoder, self.probe)
        event = EpochEvent(epoch=epoch + 1, epochs=self.log.epochs, logs=losses,
                           elapsed=time.perf_counter() - self.start, frame=frame)
        self.log.events.append(event)
        if self.on_epoch is not None:
            self.on_epoch(event)
        if self.should_stop is not None and self.should_stop():
            self.stopped = self.model.stop_training = True
