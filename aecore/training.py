"""The training engine every page uses: Keras ``fit`` with one event per epoch, and stop.

A :class:`TrainingRun` is created (model built, seeded) before it is fitted, so a caller can
store it first; if the fit is interrupted by anything, even an exception that is not an
``Exception`` (Streamlit's rerun), the run keeps its model, its history so far and says it stopped.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import keras
import numpy as np

from aecore.models import Autoencoder, build_model
from aecore.spec import TrainingSpec

Status = Literal["ready", "running", "finished", "stopped"]


@dataclass(frozen=True)
class EpochEvent:
    """What a page needs after each epoch: progress, losses, time and the probe's codes."""

    epoch: int  # 1-based
    epochs: int
    logs: dict[str, float]
    elapsed: float  # seconds since the fit started
    frame: np.ndarray | None  # codes of the probe points, or None without a probe


@dataclass
class TrainingRun:
    spec: TrainingSpec
    net: Autoencoder
    events: list[EpochEvent] = field(default_factory=list)
    status: Status = "ready"

    @classmethod
    def create(cls, spec: TrainingSpec, x_train: np.ndarray) -> TrainingRun:
        """Validate ``spec`` against the data and build its (seeded) model."""
        return cls(spec.checked_for(x_train), build_model(spec, x_train.shape[1]))

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

    def fit(
        self,
        x: np.ndarray,
        y: np.ndarray | None = None,
        validation_data: tuple[np.ndarray, np.ndarray] | None = None,
        probe: np.ndarray | None = None,
        on_epoch: Callable[[EpochEvent], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> TrainingRun:
        """Train for the spec's epochs (x → x unless targets ``y`` are given); returns self.

        ``on_epoch`` gets an :class:`EpochEvent` after every epoch; ``should_stop`` is asked after
        every epoch and ends the fit early when it returns True.
        """
        if self.status != "ready":
            raise RuntimeError(f"This run is {self.status}; create a new run to train again.")
        events_cb = _EpochEvents(self, probe, on_epoch, should_stop)
        schedule = [_CosineDecay(self.spec.learning_rate, self.spec.epochs)] \
            if self.spec.lr_decay else []
        self.status = "running"
        try:
            self.net.model.fit(
                x, x if y is None else y, validation_data=validation_data,
                epochs=self.spec.epochs, batch_size=self.spec.batch_size,
                shuffle=True, verbose=0, callbacks=[*self.net.callbacks, *schedule, events_cb],
            )
            self.status = "stopped" if events_cb.stopped else "finished"
        finally:
            if self.status == "running":  # interrupted by an exception
                self.status = "stopped"
        return self

    def encode(self, x: np.ndarray) -> np.ndarray:
        return _predict(self.net.encoder, x)

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        return _predict(self.net.model, x)


def _predict(model: keras.Model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Batched forward pass; a direct call avoids ``predict``'s per-call set-up cost."""
    parts = [np.asarray(model(x[i:i + batch_size], training=False))
             for i in range(0, len(x), batch_size)]
    return np.concatenate(parts) if parts else np.empty((0, *model.output_shape[1:]))


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
    def __init__(self, run: TrainingRun, probe: np.ndarray | None,
                 on_epoch: Callable[[EpochEvent], None] | None,
                 should_stop: Callable[[], bool] | None) -> None:
        super().__init__()
        self.run, self.probe = run, probe
        self.on_epoch, self.should_stop = on_epoch, should_stop
        self.stopped = False

    def on_train_begin(self, logs=None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        frame = None if self.probe is None else self.run.encode(self.probe)
        event = EpochEvent(
            epoch=epoch + 1, epochs=self.run.spec.epochs,
            logs={k: float(v) for k, v in (logs or {}).items()},
            elapsed=time.perf_counter() - self.start, frame=frame,
        )
        self.run.events.append(event)
        if self.on_epoch is not None:
            self.on_epoch(event)
        if self.should_stop is not None and self.should_stop():
            self.stopped = self.model.stop_training = True
