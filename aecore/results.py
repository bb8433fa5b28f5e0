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
from aecore.denoise import denoising_scores, filtered_images, improvement
from aecore.embed import Map2D, code_map
from aecore.noise import corrupt
from aecore.spec import counted, label_name, loss_name

EpochCallback = Callable[[Any], None]
GALLERY_SIZE = 8  # images in the Denoising page's before/after galleries
StopCheck = Callable[[], bool]


@dataclass(frozen=True)
class TrainedResult:
    """An estimator and the dataset (its first ``n_train`` training images) it is fitted on.

    Subclasses add the page's ``fit`` and views. Views are computed once per result: cached
    properties, or :meth:`memo` for views with a parameter.

    Parameters
    ----------
    estimator : aecore.Autoencoder, aecore.VariationalAutoencoder or aecore.ReconstructionDetector
        The estimator, fitted by the subclass's ``fit``.
    data : aecore.data.Dataset
        The dataset.
    n_train : int
        How many of ``data``'s training images it is fitted on.
    """

    estimator: Any
    data: Dataset
    n_train: int
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def x_train(self) -> np.ndarray:
        """The first ``n_train`` training images, shape (n_train, n_features), pixels in [0, 1]."""
        return self.data.x_train[:self.n_train]

    @property
    def y_train(self) -> np.ndarray:
        """Their labels, shape (n_train,)."""
        return self.data.y_train[:self.n_train]

    @cached_property
    def evaluation(self) -> tuple[np.ndarray, np.ndarray]:
        """The held-out points every view is computed on (:func:`aecore.data.evaluation_points`).

        ``(x_eval, y_eval)``: the first (up to 1,000) test images, shape (n_eval, n_features),
        pixels in [0, 1], and their labels, shape (n_eval,).
        """
        return evaluation_points(self.data)

    def fit(self, on_epoch: EpochCallback | None = None,
            should_stop: StopCheck | None = None) -> None:
        """Fit the estimator the way the page does, on what this result names.

        Parameters
        ----------
        on_epoch : callable or None, default=None
            Called with each :class:`aecore.training.EpochEvent`.
        should_stop : callable or None, default=None
            Asked after every batch and epoch; True stops the fit (the model so far is kept).

        Raises
        ------
        ValueError
            As the estimator's ``fit`` does, for invalid hyperparameters or data.
        """
        raise NotImplementedError

    def live_view(self) -> Any:
        """What the page's live figure shows besides the epoch's event, computed from the
        model mid-training (in the process that trains it); None here.

        Returns
        -------
        None
            Subclasses whose live figure needs more than the event's probe codes override it.
        """
        return None

    def headline_scores(self) -> dict[str, float]:
        """The few numbers the run store keeps and the Runs page compares for this result.

        Returns
        -------
        dict of str to float
            Here the last epoch's losses (``"final loss"``, ``"final validation loss"``…,
            named by :func:`aecore.spec.loss_name`); a model whose loss is its reconstruction
            alone gives it also as ``"final (validation) reconstruction"``, the name under which
            models with more loss terms (a neighbour loss, a KL term) give theirs, so the Runs
            page compares them on it. Subclasses add their page's headline scores on the
            held-out points.

        Raises
        ------
        sklearn.exceptions.NotFittedError, aecore.DivergedError
            If the estimator is not fitted or diverged.
        """
        history = self.estimator.history_
        finals = {name: float(values[-1]) for name, values in history.items()}
        if "reconstruction" not in history:
            finals |= {name.replace("loss", "reconstruction"): finals[name]
                       for name in ("loss", "val_loss") if name in finals}
        return {f"final {loss_name(name)}": value for name, value in finals.items()}

    @property
    def dataset_name(self) -> str:
        """The name of the data it trains on, as runs are listed: the dataset's."""
        return self.data.name

    @property
    def training_samples(self) -> str:
        """How many samples it is fitted on, in words: "1,437 training images"."""
        return counted(self.n_train, f"training {self.data.sample_noun}")

    @property
    def held_out_samples(self) -> np.ndarray:
        """The held-out points the codes and maps are of, shape (n_points, n_features): the
        dataset's :attr:`evaluation` points."""
        return self.evaluation[0]

    @cached_property
    def held_out_codes(self) -> np.ndarray:
        """The codes of :attr:`held_out_samples`, shape (n_points, code_size)."""
        return self.estimator.transform(self.held_out_samples)

    @property
    def held_out_labels(self) -> np.ndarray:
        """The labels of :attr:`held_out_samples`, shape (n_points,)."""
        return self.evaluation[1]

    @property
    def held_out_class_names(self) -> tuple[str, ...]:
        """What :attr:`held_out_labels` 0, 1, … stand for (the dataset's class names)."""
        return self.data.class_names

    @property
    def held_out_image_shape(self) -> tuple[int, int] | None:
        """(height, width) of :attr:`held_out_samples` as images; None for table rows."""
        return self.data.image_shape

    @property
    def drawn_as_ink(self) -> bool:
        """How its images are drawn (:attr:`aecore.data.Dataset.drawn_as_ink`)."""
        return self.data.drawn_as_ink

    @property
    def held_out_display_shape(self) -> tuple[int, int]:
        """How one of :attr:`held_out_samples` is drawn: its image shape, or a table row as a
        strip of (1, n_features) cells."""
        return self.held_out_image_shape or (1, self.held_out_samples.shape[1])

    def held_out_map(self) -> Map2D:
        """:attr:`held_out_codes` as a 2-D map (:func:`aecore.embed.code_map`)."""
        return code_map(self.held_out_codes, 0)

    @cached_property
    def keras_file(self) -> bytes:
        """The trained Keras model as the bytes of a ``.keras`` file (via a temporary folder).

        Load it with ``keras.models.load_model`` after ``import aecore.vae`` (which registers
        the VAE's layers).
        """
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            file = Path(folder) / "model.keras"
            self.estimator.model_.save(file)
            return file.read_bytes()

    def codes_table(self) -> pd.DataFrame:
        """The held-out points' codes with their labels, for export.

        Returns
        -------
        pandas.DataFrame
            One row per point of :attr:`held_out_codes` (index ``point``): ``label`` (the
            number), ``class`` (its name, e.g. "Barolo": :meth:`class_names_of`), then
            ``code 1`` … ``code k``.
        """
        codes = self.held_out_codes.reshape(len(self.held_out_codes), -1)
        table = pd.DataFrame(codes, columns=[f"code {i + 1}" for i in range(codes.shape[1])])
        table.insert(0, "label", self.held_out_labels)
        table.insert(1, "class", self.class_names_of(self.held_out_labels))
        return table.rename_axis("point")

    @property
    def held_out_captions(self) -> list[str]:
        """A caption per held-out point for a gallery of them: its class name."""
        return self.class_names_of(self.held_out_labels)

    def class_names_of(self, labels: np.ndarray) -> list[str]:
        """The class name of each label in ``labels`` (:attr:`held_out_class_names`; a label
        without a name is its own), for exports that a person reads."""
        return [label_name(int(label), self.held_out_class_names) for label in labels]

    def is_for(self, data: Dataset) -> bool:
        """Whether this result belongs to ``data``, the dataset the page shows now.

        Parameters
        ----------
        data : aecore.data.Dataset
            The page's dataset.

        Returns
        -------
        bool
            True when ``data.key`` is this result's dataset's key.
        """
        return self.data.key == data.key

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, computed once per ``key`` for this result (views with a parameter).

        Parameters
        ----------
        key : hashable
            Names the view and its parameters, e.g. ``("scores", 1.0)``.
        compute : callable
            Called with no arguments, on the first call with ``key`` only.

        Returns
        -------
        object
            The stored value.
        """
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def computed(self, key: Any) -> bool:
        """Whether :meth:`memo` already holds a value for ``key``."""
        return key in self._memo


@dataclass(frozen=True)
class ReductionResult(TrainedResult):
    """Dimensionality reduction: an :class:`aecore.Autoencoder` and its maps and scores.

    Fields as for :class:`TrainedResult`.
    """

    def fit(self, on_epoch: EpochCallback | None = None,
            should_stop: StopCheck | None = None) -> None:
        """Fit the autoencoder on :attr:`x_train`, validating and probing with the held-out points.

        Arguments and errors as :meth:`TrainedResult.fit`.
        """
        x_eval, _ = self.evaluation
        self.estimator.fit(self.x_train, X_val=x_eval, probe=x_eval, on_epoch=on_epoch,
                           should_stop=should_stop)

    def frame(self, epoch: int) -> Map2D:
        """The probe's code map after a given epoch, for replaying training.

        Parameters
        ----------
        epoch : int
            1-based, at most ``estimator.log_.epochs_done``; not a diverged epoch, which has no
            frame.

        Returns
        -------
        aecore.embed.Map2D
            :func:`aecore.embed.code_map` of that epoch's codes of the held-out points, ``seconds``
            0.

        Raises
        ------
        IndexError
            If ``epoch`` exceeds the epochs recorded.
        """
        return code_map(self.estimator.log_.events[epoch - 1].frame, 0)

    def comparison(self, baselines: list[Map2D]) -> tuple[list[Map2D], pd.DataFrame]:
        """The autoencoder, PCA, t-SNE and UMAP maps of the held-out points, and their scores.

        Computed once per result; ``baselines`` are passed in because the page caches them per
        dataset, and are ignored on later calls.

        Parameters
        ----------
        baselines : list of aecore.embed.Map2D
            The maps that depend only on the held-out points
            (:func:`aecore.baseline_maps.maps_in_background`: t-SNE, UMAP).

        Returns
        -------
        maps : list of aecore.embed.Map2D
            Autoencoder, PCA, then ``baselines``.
        table : pandas.DataFrame
            Their scores (:func:`aecore.evaluate.comparison_table`).

        Raises
        ------
        sklearn.exceptions.NotFittedError, aecore.DivergedError, ValueError
            As :func:`aecore.evaluate.compare_with_baselines` does.
        """
        from aecore.evaluate import compare_with_baselines

        return self.memo("comparison", lambda: compare_with_baselines(
            self.estimator, self.x_train, *self.evaluation, baselines))

    def headline_scores(self) -> dict[str, float]:
        """The losses, the held-out reconstruction MSE per feature, and the code map's 5-NN
        accuracy and trustworthiness (:func:`aecore.metrics.map_scores`) where there are
        enough held-out points to compute them (a label with one point has no 5-NN accuracy;
        the run is kept without the two).

        Returns and raises as :meth:`TrainedResult.headline_scores`.
        """
        from aecore.metrics import map_scores, reconstruction_mse

        x_eval, y_eval = self.evaluation
        points = code_map(self.held_out_codes, 0).points
        try:
            scores = map_scores(x_eval, y_eval, points)
        except ValueError:  # too few held-out points (a small upload): nothing to score
            scores = {}
        return {**super().headline_scores(), **scores,
                "reconstruction MSE": reconstruction_mse(x_eval,
                                                         self.estimator.reconstruct(x_eval))}

    def maps_table(self, maps: list[Map2D]) -> pd.DataFrame:
        """:meth:`codes_table` with each map's coordinates (``"<method> x"``, ``"<method> y"``).

        Parameters
        ----------
        maps : list of aecore.embed.Map2D
            Maps of the held-out points, e.g. the first value of :meth:`comparison`.

        Returns
        -------
        pandas.DataFrame
            One row per held-out point.
        """
        table = self.codes_table()
        for m in maps:
            table[f"{m.method} x"], table[f"{m.method} y"] = m.points[:, 0], m.points[:, 1]
        return table

    @cached_property
    def examples(self) -> np.ndarray:
        """One held-out index per class, for the reconstruction gallery.

        Shape (n_classes,): the first evaluation point of each label, in label order
        (:func:`aecore.data.one_per_class`).
        """
        return one_per_class(self.evaluation[1])

    @cached_property
    def few_label_accuracy(self) -> pd.DataFrame:
        """Held-out accuracy of classifiers on the raw inputs (pixels or a table's features), PCA
        and the code, by label count.

        The table of :func:`aecore.features.few_label_accuracy`: index ``labels``, one column of
        accuracies in [0, 1] per representation.
        """
        from aecore.features import few_label_accuracy

        return few_label_accuracy(self.estimator, self.x_train, self.y_train, *self.evaluation,
                                  raw=self.raw_inputs)

    @property
    def raw_inputs(self) -> str:
        """What the raw inputs are, in words: "raw pixels", or "raw features" for a table."""
        return "raw pixels" if self.data.is_image else "raw features"

    def recipe(self) -> str:
        """Python source that reproduces this result (:func:`aecore.recipe.reduction_code`)."""
        return recipe.reduction_code(self.data.key, self.estimator, self.n_train)


@dataclass(frozen=True)
class DenoisingResult(TrainedResult):
    """Denoising: an autoencoder trained from noisy to clean images, and its scores.

    Parameters
    ----------
    estimator, data, n_train
        As for :class:`TrainedResult`; ``estimator`` is an :class:`aecore.Autoencoder`.
    noise : str, default="gaussian"
        A kind of :data:`aecore.noise.NOISES`.
    level : float, default=0.5
        Noise level in [0, 1]: σ in pixel units, or the fraction of pixels hit.
    noise_seed : int, default=0
        Seed of the training images' noise; the held-out images' noise uses ``noise_seed + 1``.
    """

    noise: str = "gaussian"
    level: float = 0.5
    noise_seed: int = 0

    @cached_property
    def noisy_train(self) -> np.ndarray:
        """The training images corrupted by the noise (:func:`aecore.noise.corrupt`).

        Shape (n_train, n_features), float32, pixels in [0, 1].
        """
        return corrupt(self.x_train, self.noise, self.level, self.noise_seed)

    @cached_property
    def noisy_eval(self) -> np.ndarray:
        """The held-out images corrupted, with seed ``noise_seed + 1``; shape (n_eval, n_features).

        Float32, pixels in [0, 1].
        """
        return corrupt(self.evaluation[0], self.noise, self.level, self.noise_seed + 1)

    def fit(self, on_epoch: EpochCallback | None = None,
            should_stop: StopCheck | None = None) -> None:
        """Fit the denoiser from :attr:`noisy_train` to :attr:`x_train`; validate on held-out pairs.

        Arguments and errors as :meth:`TrainedResult.fit`.
        """
        self.estimator.fit(self.noisy_train, X_clean=self.x_train, X_val=self.noisy_eval,
                           X_val_clean=self.evaluation[0], on_epoch=on_epoch,
                           should_stop=should_stop)

    def live_view(self) -> np.ndarray:
        """The denoiser's output for the first :data:`GALLERY_SIZE` noisy held-out images.

        Returns
        -------
        ndarray of shape (GALLERY_SIZE, n_features)
            Pixels in [0, 1].
        """
        return self.estimator.reconstruct(self.noisy_eval[:GALLERY_SIZE])

    @cached_property
    def denoised(self) -> np.ndarray:
        """The denoiser's output for :attr:`noisy_eval`.

        Shape (n_eval, n_features), pixels in [0, 1].
        """
        return self.estimator.reconstruct(self.noisy_eval)

    @cached_property
    def filtered(self) -> dict[str, np.ndarray]:
        """Each classical filter's output for :attr:`noisy_eval` (images only, else empty).

        See :func:`aecore.denoise.filtered_images`; arrays of shape (n_eval, n_features).
        """
        return filtered_images(self.noisy_eval, self.data.image_shape)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Mean PSNR (dB) and SSIM of noisy, filtered and denoised held-out images.

        The table of :func:`aecore.denoise.denoising_scores`, indexed by ``method``.
        """
        return denoising_scores(self.evaluation[0], self.noisy_eval, self.denoised,
                                self.data.image_shape, self.filtered)

    def headline_scores(self) -> dict[str, float]:
        """The losses and the denoiser's mean held-out PSNR (dB) and SSIM (:attr:`scores`).

        Returns and raises as :meth:`TrainedResult.headline_scores`.
        """
        row = self.scores.loc["autoencoder"]
        return {**super().headline_scores(), "PSNR (dB)": float(row["PSNR (dB)"]),
                "SSIM": float(row["SSIM"])}

    def per_image_scores(self) -> pd.DataFrame:
        """PSNR (dB) and SSIM of each held-out sample, noisy and denoised, for export.

        Returns
        -------
        pandas.DataFrame
            Index ``image``, or ``row`` for a table (the held-out sample); columns ``label``,
            ``class`` (its name),
            ``noisy PSNR (dB)``,
            ``denoised PSNR (dB)``, ``noisy SSIM``, ``denoised SSIM`` (SSIM left out for data
            that are not images).
        """
        from aecore.image_quality import psnr, ssim

        clean, labels = self.evaluation
        table = pd.DataFrame({"label": labels, "class": self.class_names_of(labels)})
        for name, images in (("noisy", self.noisy_eval), ("denoised", self.denoised)):
            table[f"{name} PSNR (dB)"] = psnr(clean, images)
            if self.data.image_shape is not None:
                table[f"{name} SSIM"] = ssim(clean, images, self.data.image_shape)
        return table.rename_axis(self.data.sample_noun)

    @cached_property
    def improvement(self) -> dict[str, float]:
        """The denoiser's PSNR gain, in dB, over the best classical filter and over the noisy input.

        See :func:`aecore.denoise.improvement`.
        """
        return improvement(self.scores)

    def robustness(self, on_progress: Callable[[float, str], None] | None = None,
                   epochs: int = 5) -> pd.DataFrame:
        """Mean held-out PSNR (dB) of briefly trained denoisers like this one, across noise levels.

        A clone with ``min(estimator.epochs, epochs)`` epochs is trained at each level of 0.1, 0.3,
        0.5 and 0.7 and tested at 0, 0.1, 0.3, 0.5, 0.7 and 0.9
        (:func:`aecore.robustness.robustness_matrix`). Computed once per result: later calls return
        the first table, whatever their arguments.

        Parameters
        ----------
        on_progress : callable or None, default=None
            Called with (share done in [0, 1], text) before each training and at the end.
        epochs : int, default=5
            Most epochs per training.

        Returns
        -------
        pandas.DataFrame
            PSNR in dB; index ``train level``, columns ``test level``.

        Raises
        ------
        ValueError
            As :func:`aecore.noise.corrupt` and :meth:`aecore.Autoencoder.fit` do.
        """
        from sklearn.base import clone

        from aecore.robustness import robustness_matrix

        short = clone(self.estimator).set_params(epochs=min(self.estimator.epochs, epochs))
        return self.memo("robustness", lambda: robustness_matrix(
            short, self.x_train,
            self.evaluation[0], self.noise, train_levels=[0.1, 0.3, 0.5, 0.7],
            test_levels=[0.0, 0.1, 0.3, 0.5, 0.7, 0.9], seed=self.noise_seed,
            on_progress=on_progress))

    def recipe(self) -> str:
        """Python source that reproduces this result (:func:`aecore.recipe.denoising_code`)."""
        return recipe.denoising_code(self.data.key, self.estimator, self.n_train, self.noise,
                                     self.level, self.noise_seed)


@dataclass(frozen=True)
class VAEResult(TrainedResult):
    """A variational autoencoder and its diagnostics.

    Fields as for :class:`TrainedResult`; ``estimator`` is an
    :class:`aecore.VariationalAutoencoder`.
    """

    def fit(self, on_epoch: EpochCallback | None = None,
            should_stop: StopCheck | None = None) -> None:
        """Fit the VAE on the training images and labels; validate and probe with held-out points.

        Arguments and errors as :meth:`TrainedResult.fit`.
        """
        x_eval, y_eval = self.evaluation
        self.estimator.fit(self.x_train, self.y_train, X_val=x_eval, y_val=y_eval,
                           probe=x_eval, probe_y=y_eval, on_epoch=on_epoch,
                           should_stop=should_stop)

    @cached_property
    def held_out_codes(self) -> np.ndarray:
        """μ of the held-out points, shape (n_eval, code_size); a conditional VAE is given
        their labels."""
        return self.estimator.transform(*self.evaluation)

    @cached_property
    def kl_per_dimension(self) -> np.ndarray:
        """Mean KL in nats each code dimension carries on the held-out points, (code_size,)."""
        return self.estimator.kl_per_dimension(*self.evaluation)

    @cached_property
    def elbo(self) -> float | None:
        """Held-out −ELBO in nats per image, or None when the loss is not BCE."""
        return self.estimator.elbo(*self.evaluation) if self.estimator.loss == "bce" else None

    def headline_scores(self) -> dict[str, float]:
        """The losses and, for a BCE VAE, the held-out −ELBO in nats per image (:attr:`elbo`).

        Returns and raises as :meth:`TrainedResult.headline_scores`.
        """
        scores = super().headline_scores()
        return scores if self.elbo is None else {**scores, "−ELBO (nats)": self.elbo}

    @property
    def beta_schedule(self) -> str:
        """β of the loss in words: "β = 1", and with a KL warm-up (:class:`aecore.vae.KLWarmup`)
        how it grew, "β = 1, after a KL warm-up in which β grew by 1/2 per epoch (β = 0.5 in
        epoch 1)", so that an early epoch's loss adds up; a warm-up of one epoch is no warm-up
        ("β = 1 from epoch 1: a KL warm-up of 1 epoch changes nothing")."""
        beta, warmup = self.estimator.beta, self.estimator.warmup_epochs
        if warmup == 1:
            return f"β = {beta:g} from epoch 1: a KL warm-up of 1 epoch changes nothing"
        return f"β = {beta:g}" + (f", after a KL warm-up in which β grew by {beta:g}/{warmup} "
                                  f"per epoch (β = {beta / warmup:g} in epoch 1)" if warmup else "")

    def recipe(self, grid: tuple[int, float, tuple[int, int]] | None = (10, 0.05, (0, 1)),
               label: int | None = None) -> str:
        """Python source that reproduces this result and the page's latent grid and class
        (:func:`aecore.recipe.vae_code`)."""
        return recipe.vae_code(self.data.key, self.estimator, self.n_train, grid, label)


ANOMALY_CLASS_NAMES = ("normal", "anomalous")  # an anomaly set-up's labels 0 and 1


@dataclass(frozen=True)
class AnomalyResult(TrainedResult):
    """A reconstruction detector trained on an anomaly set-up, and its scores.

    Parameters
    ----------
    estimator, data, n_train
        As for :class:`TrainedResult`; ``estimator`` is an :class:`aecore.ReconstructionDetector`.
    setup : aecore.anomaly.AnomalySetup or None, default=None
        The training, validation and test rows; needed by :meth:`fit` and :meth:`scores`.
    source : {"one-class", "hold-out", "breast-cancer"}, default="one-class"
        How the set-up was made (an :func:`aecore.anomaly.image_setup` mode, or
        :func:`aecore.anomaly.breast_cancer_setup`).
    digit : int or None, default=None
        The set-up's digit; None for ``"breast-cancer"``.
    contamination : float, default=0.0
        Share of anomalies mixed into the training rows.
    """

    setup: anomaly.AnomalySetup | None = None
    source: str = "one-class"
    digit: int | None = None
    contamination: float = 0.0

    def is_for(self, data: Dataset) -> bool:
        """Whether this result belongs to ``data``: always for breast cancer, else by ``key``."""
        return self.source == "breast-cancer" or super().is_for(data)

    def fit(self, on_epoch: EpochCallback | None = None,
            should_stop: StopCheck | None = None) -> None:
        """Fit the detector on ``setup.x_train``, validating on ``setup.x_val``.

        Arguments and errors as :meth:`TrainedResult.fit`.
        """
        self.estimator.fit(self.setup.x_train, X_val=self.setup.x_val, on_epoch=on_epoch,
                           should_stop=should_stop)

    def live_view(self) -> np.ndarray:
        """The reconstruction errors of the validation rows (the page's live histograms).

        The error, whatever the detector's score: ``"error+code"`` is calibrated on the
        training rows only once the fit ends.

        Returns
        -------
        ndarray of shape (n_val,)
            :meth:`aecore.ReconstructionDetector.anomaly_scores` of ``setup.x_val``, with
            ``score="error"``.
        """
        return self.estimator.anomaly_scores(self.setup.x_val, score="error")

    def scoring(self, smoothing: float, score: str) -> tuple[float, str]:
        """The smoothing and score this result is scored with, given the image settings the
        page holds: those for images; for table rows the plain, unsmoothed error (a blur and
        ink need images), whatever set-up the page shows now.

        Returns
        -------
        tuple of (float, str)
            σ of the error blur in pixels, and a key of :data:`aecore.spec.SCORES`.
        """
        return (smoothing, score) if self.setup.image_shape is not None else (0.0, "error")

    def scores(self, smoothing: float, score: str | None = None) -> dict[str, np.ndarray]:
        """Anomaly scores of the set-up's training, validation and test rows, cached per smoothing
        and score.

        Parameters
        ----------
        smoothing : float
            σ of the error blur, in pixels (see :func:`aecore.anomaly.error_maps`).
        score : str or None, default=None
            A key of :data:`aecore.spec.SCORES`; None is the detector's own.

        Returns
        -------
        dict of str to ndarray of shape (n_rows,)
            ``"train"``, ``"val"`` and ``"test"``, as :func:`aecore.anomaly.split_scores` returns.

        Raises
        ------
        sklearn.exceptions.NotFittedError, aecore.DivergedError, ValueError
            As :func:`aecore.anomaly.split_scores` does.
        """
        score = self.estimator.score if score is None else score
        return self.memo(("scores", smoothing, score),
                         lambda: anomaly.split_scores(self.estimator, self.setup, smoothing,
                                                      score))

    def headline_scores(self) -> dict[str, float]:
        """The losses and the test rows' AUROC at the detector's own smoothing and score.

        Returns and raises as :meth:`TrainedResult.headline_scores`.
        """
        test = self.scores(self.estimator.smoothing)["test"]
        return {**super().headline_scores(),
                "AUROC": anomaly.curves(test, self.setup.y_test).roc_auc}

    @property
    def dataset_name(self) -> str:
        """The breast-cancer table's name for that set-up, else the dataset's."""
        return anomaly.BREAST_CANCER if self.source == "breast-cancer" else self.data.name

    @property
    def training_samples(self) -> str:
        """The set-up's training rows or images, in words (``n_train`` is not used)."""
        return counted(len(self.setup.x_train), f"training {self.setup.sample_noun}")

    @property
    def held_out_samples(self) -> np.ndarray:
        """The set-up's test rows, shape (n_test, n_features)."""
        return self.setup.x_test

    @property
    def held_out_labels(self) -> np.ndarray:
        """Whether each test row is an anomaly (1) or normal (0), shape (n_test,)."""
        return self.setup.y_test

    @property
    def held_out_class_names(self) -> tuple[str, ...]:
        """Labels 0 and 1 are "normal" and "anomalous" (not the digits 0 and 1)."""
        return ANOMALY_CLASS_NAMES

    @property
    def held_out_captions(self) -> list[str]:
        """A caption per test row: its class and whether it is anomalous, "7 · anomalous"."""
        return [f"{name} · {status}" for name, status in
                zip(self.setup.test_classes, self.class_names_of(self.held_out_labels),
                    strict=True)]

    @property
    def held_out_image_shape(self) -> tuple[int, int] | None:
        """(height, width) of the set-up's images; None for table rows (breast cancer)."""
        return self.setup.image_shape

    @property
    def drawn_as_ink(self) -> bool:
        """How the set-up's images are drawn (:attr:`aecore.data.Dataset.drawn_as_ink`)."""
        return self.setup.drawn_as_ink

    def recipe(self, smoothing: float, score: str | None = None, k: float = 3.0,
               share: float = 0.05) -> str:
        """Python source that reproduces this result (:func:`aecore.recipe.anomaly_code`).

        Parameters
        ----------
        smoothing : float
            σ of the error blur in pixels that the script uses.
        score : str or None, default=None
            The anomaly score that the script uses (:data:`aecore.spec.SCORES`); None is the
            detector's own.
        k, share : float, default=3.0, 0.05
            The threshold rules' k and share that the script uses
            (:func:`aecore.anomaly.threshold_rules`).

        Returns
        -------
        str
            The script.
        """
        return recipe.anomaly_code(self.data.key, self.source, self.digit, self.contamination,
                                   self.estimator, smoothing,
                                   self.estimator.score if score is None else score, k, share)

