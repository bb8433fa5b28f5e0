"""What each page keeps of a training: one frozen object holding the estimator, what it was
trained on, and the views computed from them (cached, so each is computed once per run).

Each result's ``fit`` is the estimator call the page makes, and its ``recipe`` is Python
source that makes the same calls (see :mod:`aecore.recipe`), so the snippet a page shows is the
code that ran.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from aecore import anomaly, recipe
from aecore.data import Dataset, evaluation_points, one_per_class
from aecore.denoise import denoising_scores, improvement
from aecore.embed import Map2D, code_map
from aecore.noise import corrupt

EpochCallback = Callable[[Any], None]


@dataclass(frozen=True)
class TrainedResult:
    """An estimator and the dataset (and first ``n_train`` training images) it is fitted on."""

    estimator: Any
    data: Dataset
    n_train: int
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def x_train(self) -> np.ndarray:
        return self.data.x_train[:self.n_train]

    @property
    def y_train(self) -> np.ndarray:
        return self.data.y_train[:self.n_train]

    @cached_property
    def evaluation(self) -> tuple[np.ndarray, np.ndarray]:
        """The held-out points every view is computed on (:func:`evaluation_points`)."""
        return evaluation_points(self.data)

    def is_for(self, data: Dataset) -> bool:
        """Whether this result belongs to ``data`` (the dataset the page shows now)."""
        return self.data.key == data.key

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per ``key`` for this result (views with a parameter)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def computed(self, key: Any) -> bool:
        return key in self._memo


@dataclass(frozen=True)
class ReductionResult(TrainedResult):
    """Dimensionality reduction: an :class:`aecore.Autoencoder` and its maps and scores."""

    def fit(self, on_epoch: EpochCallback | None = None) -> None:
        x_eval, _ = self.evaluation
        self.estimator.fit(self.x_train, X_val=x_eval, probe=x_eval, on_epoch=on_epoch)

    def frame(self, epoch: int) -> Map2D:
        """The probe's code map after 1-based ``epoch``."""
        return code_map(self.estimator.log_.events[epoch - 1].frame, 0)

    def comparison(self, tsne: Map2D) -> tuple[list[Map2D], pd.DataFrame]:
        """The autoencoder, PCA and t-SNE maps and their scores (t-SNE given, as it is cached
        per dataset)."""
        from aecore.evaluate import compare_with_baselines

        return self.memo("comparison", lambda: compare_with_baselines(
            self.estimator, self.x_train, *self.evaluation, tsne))

    @cached_property
    def examples(self) -> np.ndarray:
        """One held-out index per class, for the reconstruction gallery."""
        return one_per_class(self.evaluation[1])

    @cached_property
    def few_label_accuracy(self) -> pd.DataFrame:
        """Held-out accuracy of classifiers on raw pixels, PCA and the code, by label count."""
        from aecore.features import few_label_accuracy

        return few_label_accuracy(self.estimator, self.x_train, self.y_train, *self.evaluation)

    def recipe(self) -> str:
        return recipe.reduction_code(self.data.key, self.estimator, self.n_train)


@dataclass(frozen=True)
class DenoisingResult(TrainedResult):
    """Denoising: an autoencoder trained from noisy to clean images, and its scores."""

    noise: str = "gaussian"
    level: float = 0.5
    noise_seed: int = 0

    @cached_property
    def noisy_train(self) -> np.ndarray:
        return corrupt(self.x_train, self.noise, self.level, self.noise_seed)

    @cached_property
    def noisy_eval(self) -> np.ndarray:
        return corrupt(self.evaluation[0], self.noise, self.level, self.noise_seed + 1)

    def fit(self, on_epoch: EpochCallback | None = None) -> None:
        self.estimator.fit(self.noisy_train, X_clean=self.x_train, X_val=self.noisy_eval,
                           X_val_clean=self.evaluation[0], on_epoch=on_epoch)

    @cached_property
    def denoised(self) -> np.ndarray:
        return self.estimator.reconstruct(self.noisy_eval)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Mean PSNR and SSIM of noisy, filtered and denoised held-out images."""
        return denoising_scores(self.evaluation[0], self.noisy_eval, self.denoised,
                                self.data.image_shape)

    @cached_property
    def improvement(self) -> dict[str, float]:
        return improvement(self.scores)

    def robustness(self, on_progress: Callable[[float, str], None] | None = None,
                   epochs: int = 5) -> pd.DataFrame:
        """PSNR of denoisers like this one (at most ``epochs`` epochs) across noise levels."""
        from sklearn.base import clone

        from aecore.robustness import robustness_matrix

        short = clone(self.estimator).set_params(epochs=min(self.estimator.epochs, epochs))
        return self.memo("robustness", lambda: robustness_matrix(
            short, self.x_train,
            self.evaluation[0], self.noise, train_levels=[0.1, 0.3, 0.5, 0.7],
            test_levels=[0.0, 0.1, 0.3, 0.5, 0.7, 0.9], seed=self.noise_seed,
            on_progress=on_progress))

    def recipe(self) -> str:
        return recipe.denoising_code(self.data.key, self.estimator, self.n_train, self.noise,
                                     self.level, self.noise_seed)


@dataclass(frozen=True)
class VAEResult(TrainedResult):
    """A variational autoencoder and its diagnostics."""

    def fit(self, on_epoch: EpochCallback | None = None) -> None:
        x_eval, y_eval = self.evaluation
        self.estimator.fit(self.x_train, self.y_train, X_val=x_eval, y_val=y_eval,
                           probe=x_eval, probe_y=y_eval, on_epoch=on_epoch)

    @cached_property
    def codes(self) -> np.ndarray:
        """μ of the held-out points, shape (n_eval, code_size)."""
        return self.estimator.transform(*self.evaluation)

    @cached_property
    def kl_per_dimension(self) -> np.ndarray:
        return self.estimator.kl_per_dimension(*self.evaluation)

    @cached_property
    def elbo(self) -> float | None:
        """Held-out −ELBO in nats per image, or None without the BCE loss."""
        return self.estimator.elbo(*self.evaluation) if self.estimator.loss == "bce" else None

    @cached_property
    def keras_file(self) -> bytes:
        """The trained VAE as a ``.keras`` file."""
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            file = Path(folder) / "vae.keras"
            self.estimator.model_.save(file)
            return file.read_bytes()

    def recipe(self) -> str:
        return recipe.vae_code(self.data.key, self.estimator, self.n_train)


@dataclass(frozen=True)
class AnomalyResult(TrainedResult):
    """A reconstruction detector trained on an anomaly set-up, and its scores."""

    setup: anomaly.AnomalySetup | None = None
    source: str = "one-class"
    digit: int | None = None
    contamination: float = 0.0

    def is_for(self, data: Dataset) -> bool:
        return self.source == "breast-cancer" or super().is_for(data)

    def fit(self, on_epoch: EpochCallback | None = None) -> None:
        self.estimator.fit(self.setup.x_train, X_val=self.setup.x_val, on_epoch=on_epoch)

    def scores(self, smoothing: float) -> dict[str, np.ndarray]:
        """Anomaly scores of the train, validation and test rows at ``smoothing`` pixels."""
        return self.memo(("scores", smoothing),
                         lambda: anomaly.split_scores(self.estimator, self.setup, smoothing))

    def recipe(self, smoothing: float) -> str:
        return recipe.anomaly_code(self.data.key, self.source, self.digit, self.contamination,
                                   self.estimator, smoothing)

