"""What a training reports as it goes: one event per epoch (and progress through a stage
before the epochs, such as RBM pretraining), and the log of a whole fit.

Kept apart from :mod:`aecore.training` so that code which only receives events (a page, the
side of :mod:`aecore.worker` that waits for a training process) does not import TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from aecore.spec import counted

Status = Literal["running", "finished", "stopped", "diverged"]
DIVERGENCE_ADVICE = ("Try a learning rate ten times lower, the MSE loss instead of binary "
                     "cross-entropy, or (for a VAE) a smaller β.")


@dataclass(frozen=True)
class EpochEvent:
    """What a page needs after each epoch: progress, losses, time and the probe's codes.

    Attributes
    ----------
    epoch : int
        The epoch just finished, 1-based.
    epochs : int
        Epochs asked for.
    logs : dict of str to float
        Keras' epoch logs as floats: ``loss`` (a VAE's also ``reconstruction`` and ``kl``), and
        ``val_*`` with validation data. A NaN or infinite value marks the fit diverged.
    elapsed : float
        Seconds since the fit started (``time.perf_counter``).
    frame : ndarray of shape (n_probe, n_codes) or None
        The encoder's output for the probe after this epoch; None without a probe or once the fit
        has diverged.
    """

    epoch: int  # 1-based
    epochs: int
    logs: dict[str, float]
    elapsed: float  # seconds since the fit started
    frame: np.ndarray | None = None  # codes of the probe points, or None without a probe


@dataclass(frozen=True)
class StageEvent:
    """Progress through a stage that comes before the epochs (the RBM pretraining of
    :mod:`aecore.rbm`), for a progress bar.

    A fit's ``on_epoch`` callback receives these too, before the first :class:`EpochEvent`;
    they never enter a :class:`TrainingLog`.

    Attributes
    ----------
    stage : str
        What runs, e.g. "Pretraining RBM 2 of 4".
    step : int
        Steps of ``stage`` done (e.g. that RBM's epochs), 0 when it starts.
    steps : int
        Steps of ``stage`` in all; 0 for a stage not counted in steps (fitting UMAP's map of
        the training images, the neighbour loss's target).
    fraction : float
        Share of the whole stage done, in [0, 1] (all the RBMs).
    elapsed : float
        Seconds since the fit started (``time.perf_counter``).
    """

    stage: str
    step: int
    steps: int
    fraction: float
    elapsed: float

    @property
    def text(self) -> str:
        """One line for people, e.g. "Pretraining RBM 2 of 4, epoch 7/10" (the stage alone if
        it has no steps)."""
        return f"{self.stage}, epoch {self.step}/{self.steps}" if self.steps else self.stage


ProgressEvent = EpochEvent | StageEvent  # what a fit's ``on_epoch`` callback receives


def epochs_only(callback: Callable[[EpochEvent], None]) -> Callable[[ProgressEvent], None]:
    """``callback`` for the :class:`EpochEvent` s only: the returned callable drops
    :class:`StageEvent` s, for callers that count epochs (a sweep's progress)."""
    def on_event(event: ProgressEvent) -> None:
        if isinstance(event, EpochEvent):
            callback(event)
    return on_event


@dataclass
class TrainingLog:
    """One fit's events as they arrive, and how it ended.

    The caller creates it and holds it before calling :func:`train`, so it survives an interrupted
    fit.

    Attributes
    ----------
    epochs : int
        Epochs asked for.
    events : list of EpochEvent
        One per finished epoch, in order.
    status : {"running", "finished", "stopped", "diverged"}
        "running" during the fit; "finished" after all epochs; "stopped" when ended early by
        ``should_stop`` or an exception (the model so far is kept); "diverged" when a loss became
        NaN or infinite (the weights are unusable).
    """

    epochs: int  # as many as were asked for
    events: list[EpochEvent] = field(default_factory=list)
    status: Status = "running"

    @property
    def epochs_done(self) -> int:
        """Number of finished epochs, ``len(events)``."""
        return len(self.events)

    @property
    def history(self) -> dict[str, list[float]]:
        """Per-epoch losses by name, like ``keras.callbacks.History.history``.

        For each name in the first event's logs, one float per finished epoch; empty before the
        first epoch ends.
        """
        names = self.events[0].logs if self.events else {}
        return {name: [e.logs[name] for e in self.events] for name in names}

    @property
    def seconds(self) -> float:
        """Seconds from the fit's start to the end of the last finished epoch (0.0 before any)."""
        return self.events[-1].elapsed if self.events else 0.0

    def outcome(self) -> str:
        """One sentence on how the fit ended, for people.

        Returns
        -------
        str
            For "diverged", the epoch and :data:`DIVERGENCE_ADVICE`; for "stopped", the epochs
            done of those asked and the seconds taken; otherwise the epochs done and the seconds.
        """
        if self.status == "diverged":
            return (f"Training diverged in epoch {self.epochs_done}: the loss grew without "
                    f"bound and stopped being a number, so the model's weights are unusable. "
                    f"{DIVERGENCE_ADVICE}")
        if self.status == "stopped":
            return (f"Stopped after {self.epochs_done} of {counted(self.epochs, 'epoch')} "
                    f"({self.seconds:.1f} s); the model trained so far is kept.")
        return f"Trained {counted(self.epochs_done, 'epoch')} in {self.seconds:.1f} s."
