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
from dataclasses import dataclass, field
from typing import Literal

import keras
import numpy as np

from aecore.models import Network
from aecore.spec import TrainingSpec

Status = Literal["running", "finished", "stopped", "diverged"]
DIVERGENCE_ADVICE = ("Try a learning rate ten times lower, the MSE loss instead of binary "
                     "cross-entropy, or (for a VAE) a smaller β.")


@dataclass(frozen=True)
class EpochEvent:
    """What a page needs after each epoch: progress, losses, time and the probe's codes."""

    epoch: int  # 1-based
    epochs: int
    logs: dict[str, float]
    elapsed: float  # seconds since the fit started
    frame: np.ndarray | None = None  # codes of the probe points, or None without a probe


@dataclass
class TrainingLog:
    """One fit's events as they arrive, and how it ended."""

    epochs: int  # as many as were asked for
    events: list[EpochEvent] = field(default_factory=list)
    status: Status = "running"

    @property
    def epochs_done(self) -> int:
        return len(self.events)

    @property
    def history(self) -> dict[str, list[float]]:
        """Per-epoch losses by name, like ``keras.callbacks.History.history``."""
        names = self.events[0].logs if self.events else {}
        return {name: [e.logs[name] for e in self.events] for name in names}

    @property
    def seconds(self) -> float:
        return self.events[-1].elapsed if self.events else 0.0

    def outcome(self) -> str:
        """One sentence on how the fit ended, for people."""
        if self.status == "diverged":
            return (f"Training diverged in epoch {self.epochs_done}: the loss became NaN or "
                    f"infinite, so the model's weights are unusable. {DIVERGENCE_ADVICE}")
        if self.status == "stopped":
            return (f"Stopped after {self.epochs_done} of {self.epochs} epochs "
                    f"({self.seconds:.1f} s); the model trained so far is kept.")
        return f"Trained {self.epochs_done} epochs in {self.seconds:.1f} s."


def train(net: Network, spec: TrainingSpec, log: TrainingLog, x: np.ndarray,
          targets: np.ndarray | None = None,
          validation_data: tuple[np.ndarray, np.ndarray] | None = None,
          probe: np.ndarray | None = None,
          on_epoch: Callable[[EpochEvent], None] | None = None,
          should_stop: Callable[[], bool] | None = None) -> None:
    """Fit ``net`` for ``spec.epochs`` (x → x unless ``targets`` are given), recording into ``log``.

    ``on_epoch`` gets an :class:`EpochEvent` after every epoch; ``should_stop`` is asked after
    every epoch and ends the fit early when it returns True (status "stopped"). A non-finite
    batch loss ends the fit at once (Keras' ``TerminateOnNaN``) with status "diverged".
    """
    events = _EpochEvents(net, log, probe, on_epoch, should_stop)
    schedule = [_CosineDecay(spec.learning_rate, spec.epochs)] if spec.lr_decay else []
    log.status = "running"
    try:
        net.model.fit(
            x, x if targets is None else targets, validation_data=validation_data,
            epochs=spec.epochs, batch_size=spec.batch_size, shuffle=True, verbose=0,
            callbacks=[*net.callbacks, *schedule, keras.callbacks.TerminateOnNaN(), events],
        )
        if log.status == "running":
            log.status = "stopped" if events.stopped else "finished"
    finally:
        if log.status == "running":  # interrupted by an exception
            log.status = "stopped"


def predict_batched(model: keras.Model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Batched forward pass; a direct call avoids ``predict``'s per-call set-up cost."""
    parts = [np.asarray(model(x[i:i + batch_size], training=False))
             for i in range(0, len(x), batch_size)]
    return np.concatenate(parts) if parts else np.empty((0, *model.output_shape[1:]), "float32")


def cosine_learning_rate(base: float, epoch: int, epochs: int) -> float:
    """The rate for 0-based ``epoch``: ``base`` at the start, half of it midway, near 0 last."""
    return base * 0.5 * (1 + math.cos(math.pi * epoch / epochs))


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
    def __init__(self, net: Network, log: TrainingLog, probe: np.ndarray | None,
                 on_epoch: Callable[[EpochEvent], None] | None,
                 should_stop: Callable[[], bool] | None) -> None:
        super().__init__()
        self.net, self.log, self.probe = net, log, probe
        self.on_epoch, self.should_stop = on_epoch, should_stop
        self.stopped = False

    def on_train_begin(self, logs=None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        losses = {k: float(v) for k, v in (logs or {}).items()}
        if not all(math.isfinite(v) for v in losses.values()):
            self.log.status = "diverged"  # TerminateOnNaN has already stopped the fit
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
