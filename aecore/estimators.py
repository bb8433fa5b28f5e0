"""Autoencoders with the scikit-learn contract, and a detector in PyOD's shape.

``__init__`` only stores hyperparameters (named as in :data:`aecore.spec.PARAMS`, which holds
their ranges and help); ``fit`` validates the data and the hyperparameters, builds the Keras
model and trains it; learned state ends in ``_``. So ``get_params``, ``set_params``, ``clone``
and ``Pipeline`` work as with any scikit-learn transformer (see scikit-learn's
``sklearn/decomposition/_pca.py`` and PyOD's ``pyod/models/base.py``).

Importing this module imports no TensorFlow; ``fit`` and ``aecore.load`` do.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.validation import check_array, check_is_fitted

from aecore.events import StageEvent
from aecore.metrics import reconstruction_errors
from aecore.spec import (
    N_CLASSES,
    PARAMS,
    AESpec,
    ConvSpec,
    TrainingSpec,
    VAESpec,
    check_choice,
    check_range,
    counted,
)
from aecore.validation import check_data, check_labels

if TYPE_CHECKING:
    import keras

    from aecore.events import ProgressEvent
    from aecore.models import Network

_AE, _CONV, _VAE = AESpec(), ConvSpec(), VAESpec()  # the defaults, defined once in aecore.spec
EpochCallback = Callable[["ProgressEvent"], None]


class DivergedError(ValueError):
    """The estimator's fit diverged, so its model cannot be used."""


class _NeuralAutoencoder(TransformerMixin, BaseEstimator):
    """What every autoencoder estimator shares: the live fit, transform, decoding, save."""

    def to_spec(self) -> TrainingSpec:
        """The hyperparameters as a frozen, validated :mod:`aecore.spec` record.

        Raises
        ------
        ValueError
            If a hyperparameter is out of its range in :data:`aecore.spec.PARAMS`.
        """
        raise NotImplementedError

    def _build(self, spec: TrainingSpec, input_dim: int) -> Network:
        raise NotImplementedError

    def _build_for(self, spec: TrainingSpec, x: np.ndarray,
                   on_epoch: EpochCallback | None = None, started: float = 0.0) -> Network:
        """The network to train on model inputs ``x``: :meth:`_build`'s, unless the model needs
        the training data themselves (a neighbour-preserving autoencoder's graph), whose making
        is then announced to ``on_epoch`` as a :class:`aecore.events.StageEvent` (its elapsed
        time counted from ``started``, a ``time.perf_counter`` reading)."""
        return self._build(spec, x.shape[1])

    def _network_from_model(self, model: keras.Model) -> Network:
        raise NotImplementedError

    def unused_params(self) -> set[str]:
        """Hyperparameters that do not apply with the current settings (a UI hides them)."""
        return set()

    def summary(self, n_features: int) -> str:
        """The network and its training in one line, e.g. '784-64-2-64-784 · relu · BCE ·
        Adam, learning rate 0.001 · 20 epochs of batch 64' (ValueError for bad settings)."""
        return (f"{self.architecture(n_features)} · {self.to_spec().activation} · "
                f"{self.loss.upper()} · "
                f"Adam, learning rate {self.learning_rate:.10g}"
                f"{', cosine decay' if self.lr_decay else ''} · "
                f"{counted(self.epochs, 'epoch')} of batch {self.batch_size}")

    # ---- fitting -------------------------------------------------------------------------
    def _train(self, x: np.ndarray, n_features: int, targets: np.ndarray | None,
               validation_data: tuple[np.ndarray, np.ndarray] | None, probe: np.ndarray | None,
               on_epoch: EpochCallback | None, should_stop: Callable[[], bool] | None) -> Any:
        from aecore.devices import distribution_scope
        from aecore.training import TrainingLog, train

        spec = self._checked_spec(x)
        with distribution_scope():  # several GPUs: variables must be created in the strategy
            started = time.perf_counter()  # the events' clock: the network, pretraining, epochs
            self._set_network(self._build_for(spec, x, on_epoch, started))
            self.n_features_in_ = n_features
            self.log_ = TrainingLog(spec.epochs)
            try:
                if self._pretrain(spec, x, on_epoch, should_stop, started):
                    train(self.network_, spec, self.log_, x, targets, validation_data, probe,
                          on_epoch, should_stop, started)
            finally:
                if self.log_.status == "running":  # stopped or interrupted before the epochs
                    self.log_.status = "stopped"
                if self.log_.epochs_done and self.log_.status != "diverged":
                    self._on_trained(x)
        return self

    def _pretrain(self, spec: TrainingSpec, x: np.ndarray, on_epoch: EpochCallback | None,
                  should_stop: Callable[[], bool] | None, started: float) -> bool:
        """Set the built network's initial weights from ``x`` before the epochs (nothing
        here); False if ``should_stop`` ended it."""
        return True

    def _checked_spec(self, x: np.ndarray) -> TrainingSpec:
        """The validated hyperparameters, checked against the model input ``x``."""
        return self.to_spec().checked_for(x)

    def validate_for(self, X: Any, y: Any = None) -> Any:
        """Raise the ValueError that ``fit(X, y)`` would raise for these hyperparameters and
        data, without building or training anything; returns self."""
        self._checked_spec(self._with_labels(check_data(X, unit_interval=not self.rescale), y))
        return self

    def _begin_fit(self, X: Any) -> int:
        """Validate the training data, fit the scaler when ``rescale``; returns n_features."""
        x = check_data(X, unit_interval=not self.rescale)
        if self.rescale:
            # scikit-learn's scaler, clipped so new data stay in the sigmoid's range
            self.scaler_ = MinMaxScaler(clip=True).fit(x)
        return x.shape[1]

    def _features(self, X: Any, name: str = "X", n_features: int | None = None) -> np.ndarray:
        """Validated ``X`` in the model's [0, 1] units (min–max scaled when ``rescale``);
        ``n_features`` defaults to the fitted one."""
        x = check_data(X, n_features=n_features or self.n_features_in_,
                       unit_interval=not self.rescale, name=name,
                       fitted_by=type(self).__name__)
        return self.scaler_.transform(x).astype(np.float32) if self.rescale else x

    def _unscale(self, x: np.ndarray) -> np.ndarray:
        """Model outputs back in the data's units."""
        return self.scaler_.inverse_transform(x).astype(np.float32) if self.rescale else x

    def _set_network(self, net: Network) -> None:
        self.network_ = net
        self.model_, self.encoder_, self.decoder_ = net.model, net.encoder, net.decoder

    def _on_trained(self, x: np.ndarray) -> None:
        """Called when a fit ends with a usable model, even an interrupted one."""

    # ---- fitted state ----------------------------------------------------------------------
    @property
    def history_(self) -> dict[str, list[float]]:
        """Per-epoch losses by name (``loss``, ``val_loss`` …), like Keras' History."""
        check_is_fitted(self)
        return self.log_.history

    @property
    def status_(self) -> Literal["running", "finished", "stopped", "diverged"]:
        """How the fit ended: "finished", "stopped" (early, model kept) or "diverged"."""
        check_is_fitted(self)
        return self.log_.status

    def _usable(self) -> None:
        check_is_fitted(self)
        if self.log_.status == "diverged":
            raise DivergedError(self.log_.outcome())

    # ---- using the model -------------------------------------------------------------------
    def _inputs(self, X: Any, y: Any = None, name: str = "X",
                n_features: int | None = None) -> np.ndarray:
        """Validated model input for ``X`` (a conditional VAE appends one-hot labels)."""
        return self._with_labels(self._features(X, name, n_features), y, name)

    def _with_labels(self, x: np.ndarray, y: Any, name: str = "X") -> np.ndarray:
        return x

    def transform(self, X: Any, y: Any = None) -> np.ndarray:
        """The codes of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Values in [0, 1].
        y : ignored, except by a conditional VAE, which needs the labels.

        Returns
        -------
        ndarray of shape (n_samples, n_codes)
            ``code_size`` numbers per sample (a VAE's posterior means μ; a convolutional
            autoencoder's flattened last feature map).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        DivergedError
            If the fit diverged.
        ValueError
            If ``X`` is not valid (see :func:`aecore.validation.check_data`).
        """
        self._usable()
        from aecore.training import predict_batched

        return predict_batched(self.encoder_, self._inputs(X, y))

    def reconstruct(self, X: Any, y: Any = None) -> np.ndarray:
        """The model's reconstruction of ``X``, shape (n_samples, n_features), in [0, 1]."""
        self._usable()
        from aecore.training import predict_batched

        return self._unscale(predict_batched(self.model_, self._inputs(X, y)))

    def inverse_transform(self, Z: Any, y: Any = None) -> np.ndarray:
        """Decode codes ``Z`` of shape (n_samples, n_codes) into (n_samples, n_features)."""
        self._usable()
        from aecore.training import predict_batched

        z = check_array(Z, dtype=np.float32, input_name="Z")
        width = self.decoder_.inputs[0].shape[-1]
        if z.shape[1] != width:
            raise ValueError(f"Z has {z.shape[1]} columns, but the code has {width}.")
        return self._unscale(predict_batched(self.decoder_, self._decoder_inputs(z, y)))

    def _decoder_inputs(self, z: np.ndarray, y: Any) -> Any:
        return z

    def reconstruction_errors(self, X: Any, y: Any = None) -> np.ndarray:
        """Mean squared reconstruction error per sample in the data's units, (n_samples,)."""
        x_hat = self.reconstruct(X, y)
        x = check_data(X, n_features=self.n_features_in_, unit_interval=not self.rescale,
                       fitted_by=type(self).__name__)
        return reconstruction_errors(x, x_hat)

    def score(self, X: Any, y: Any = None) -> float:
        """Negative mean squared reconstruction error (greater is better, as scikit-learn's
        scorers expect); ``y`` is ignored except by a conditional VAE."""
        return -float(np.mean(self.reconstruction_errors(X, y)))

    def save(self, path: str) -> None:
        """Write the estimator to the folder ``path``: the Keras model (``model.keras``), the
        hyperparameters and fitted state (``estimator.json``, and ``arrays.npz`` for large
        arrays) and the history (``history.csv``). :func:`aecore.load` reads it back."""
        from aecore.persistence import save

        save(self, path)

    def _extra_state(self) -> dict[str, Any]:
        """Fitted state beyond the model and history, as JSON-able values; large arrays go
        under the key ``"arrays"`` (a dict of name to ndarray, written to ``arrays.npz``)."""
        if not self.rescale:
            return {}
        return {"scaler_range": [self.scaler_.data_min_.tolist(),
                                 self.scaler_.data_max_.tolist()]}

    def _restore_state(self, state: dict[str, Any]) -> None:
        if self.rescale:  # a scaler fitted on the two rows (minima, maxima) is the same scaler
            ranges = np.asarray(state["scaler_range"], "float32")
            self.scaler_ = MinMaxScaler(clip=True).fit(ranges)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "log_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # Keras computes in float32
        return tags


class Autoencoder(_NeuralAutoencoder):
    """A dense or convolutional autoencoder, as a scikit-learn transformer.

    Parameters
    ----------
    code_size : int, default 2
        Width of the code (dense network only).
    hidden_layers : tuple of int, default (1000, 500, 250)
        Encoder widths from input to code; the decoder mirrors them (dense network only).
    loss : {"bce", "mse"}, default "bce"
        Binary cross-entropy or mean squared error.
    activation : str, default "relu"
        Hidden layers' activation; the code is linear and the output a sigmoid.
    input_noise : float, default 0.3
        σ of Gaussian noise added to the inputs in training only (a denoising regulariser).
    neighbor_weight : float, default 0.0
        Weight w of a neighbour loss on the code: training minimises reconstruction loss +
        w · UMAP's cross-entropy between the training images' fuzzy neighbour graph and the
        codes' similarities (:mod:`aecore.neighbors`; Sainburg et al. 2021). 0 is a plain
        autoencoder (dense network only).
    neighbor_loss : {"graph", "embedding"}, default "graph"
        The neighbour loss: that cross-entropy on sampled graph edges, or the squared distance
        of each training image's code to its place in UMAP's map of the training images.
    network : {"dense", "conv"}, default "dense"
        Dense layers, or Conv2D blocks for square images.
    filters, depth : int, default 32, 2
        First block's filters (doubling per block) and the number of stride-2 blocks (conv only).
    epochs, batch_size, learning_rate, lr_decay, seed
        Training: passes over the data, samples per Adam step, Adam's rate, cosine decay of
        the rate, and the seed of weights, noise, batch order and RBMs.
    rbm_epochs : int, default 0
        Dense network only: epochs per layer of layer-wise RBM pretraining before training,
        as in Hinton & Salakhutdinov (2006) (:mod:`aecore.rbm`); 0 means none. With
        pretraining the hidden layers are sigmoid, whatever ``activation`` says (RBM hidden
        units are logistic), and the code stays linear (a linear-hidden top RBM, as in the
        paper); ``fit`` reports the pretraining to ``on_epoch`` as
        :class:`aecore.events.StageEvent` s, and ``should_stop`` stops it too.
    rescale : bool, default False
        The model's output is a sigmoid, so by default data must lie in [0, 1] and anything
        else is refused. With True, each feature is min–max scaled on the training data
        (``scaler_``, scikit-learn's ``MinMaxScaler`` with clipping) and reconstructions are
        scaled back to the data's units.

    Ranges and help for each are in :data:`aecore.spec.PARAMS`.

    Attributes
    ----------
    model_, encoder_, decoder_ : keras.Model
        The whole autoencoder and its halves (they share weights).
    n_features_in_ : int
        Number of features seen in ``fit``.
    history_ : dict of str to list of float
        Per-epoch losses.
    status_ : str
        "finished", "stopped" or "diverged".
    log_ : aecore.training.TrainingLog
        The per-epoch events (with the probe's codes when a probe was given).

    Examples
    --------
    >>> ae = Autoencoder(code_size=2, hidden_layers=(64, 32), epochs=5).fit(X)  # doctest: +SKIP
    >>> codes = ae.transform(X)                                                 # doctest: +SKIP
    """

    def __init__(self, code_size: int = _AE.code_size,
                 hidden_layers: tuple[int, ...] = _AE.hidden_layers, loss: str = _AE.loss,
                 activation: str = _AE.activation, input_noise: float = _AE.input_noise,
                 neighbor_weight: float = _AE.neighbor_weight,
                 neighbor_loss: str = _AE.neighbor_loss, network: str = "dense",
                 filters: int = _CONV.filters, depth: int = _CONV.depth,
                 epochs: int = _AE.epochs, batch_size: int = _AE.batch_size,
                 learning_rate: float = _AE.learning_rate, lr_decay: bool = _AE.lr_decay,
                 seed: int = _AE.seed, rbm_epochs: int = _AE.rbm_epochs,
                 rescale: bool = False) -> None:
        self.code_size = code_size
        self.hidden_layers = hidden_layers
        self.loss = loss
        self.activation = activation
        self.input_noise = input_noise
        self.neighbor_weight = neighbor_weight
        self.neighbor_loss = neighbor_loss
        self.network = network
        self.filters = filters
        self.depth = depth
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.lr_decay = lr_decay
        self.seed = seed
        self.rbm_epochs = rbm_epochs
        self.rescale = rescale

    def unused_params(self) -> set[str]:
        if self.network == "conv":
            return {"code_size", "hidden_layers", "rbm_epochs", "neighbor_weight", "neighbor_loss"}
        return ({"filters", "depth"} | ({"activation"} if self.rbm_epochs else set())
                | (set() if self.neighbor_weight else {"neighbor_loss"}))

    def to_spec(self) -> AESpec | ConvSpec:
        training = dict(loss=self.loss, epochs=self.epochs, batch_size=self.batch_size,
                        learning_rate=self.learning_rate, lr_decay=self.lr_decay,
                        seed=self.seed, activation=self.activation,
                        input_noise=self.input_noise)
        if self.network == "conv":
            if self.rbm_epochs:
                raise ValueError("RBM pretraining applies to dense networks only; set "
                                 "rbm_epochs=0 for a convolutional one.")
            return ConvSpec(filters=self.filters, depth=self.depth, **training)
        if self.network != "dense":
            raise ValueError(f"Network must be 'dense' or 'conv'; got {self.network!r}.")
        if self.rbm_epochs:  # RBM hidden units are logistic (see aecore.rbm)
            training["activation"] = "sigmoid"
        return AESpec(code_size=self.code_size, hidden_layers=tuple(self.hidden_layers),
                      rbm_epochs=self.rbm_epochs, neighbor_weight=self.neighbor_weight,
                      neighbor_loss=self.neighbor_loss, **training)

    def summary(self, n_features: int) -> str:
        """As :meth:`_NeuralAutoencoder.summary`, ending with the neighbour loss and the RBM
        pretraining if any."""
        text = super().summary(n_features)
        if self.neighbor_weight and self.network == "dense":
            text += f" · neighbour loss ({self.neighbor_loss}) × {self.neighbor_weight:g}"
        return f"{text} · RBM pretraining, {counted(self.rbm_epochs, 'epoch')} per layer" \
            if self.rbm_epochs else text

    def _pretrain(self, spec: TrainingSpec, x: np.ndarray, on_epoch: EpochCallback | None,
                  should_stop: Callable[[], bool] | None, started: float) -> bool:
        """Layer-wise RBM pretraining when ``rbm_epochs`` > 0 (:mod:`aecore.rbm`)."""
        if not getattr(spec, "rbm_epochs", 0):  # a ConvSpec has none
            return True
        from aecore.rbm import pretrain, unroll

        rbms = pretrain(x, spec.layer_sizes, spec.rbm_epochs, spec.seed, on_epoch, should_stop,
                        started)
        if rbms is not None:
            unroll(self.network_, rbms)
        return rbms is not None

    def _build(self, spec: TrainingSpec, input_dim: int) -> Network:
        from aecore.models import build_conv_autoencoder, build_dense_autoencoder

        if isinstance(spec, ConvSpec):
            return build_conv_autoencoder(spec, input_dim)
        return build_dense_autoencoder(spec, input_dim)

    def _build_for(self, spec: TrainingSpec, x: np.ndarray,
                   on_epoch: EpochCallback | None = None, started: float = 0.0) -> Network:
        net = self._build(spec, x.shape[1])
        if not getattr(spec, "neighbor_weight", 0):
            return net
        from aecore.neighbors import NEIGHBOR_STAGES, neighbor_network

        if on_epoch is not None:  # UMAP takes a while (≈ 25 s for 4,000 images) before epoch 1
            on_epoch(StageEvent(NEIGHBOR_STAGES[spec.neighbor_loss], 0, 0, 0.0,
                                time.perf_counter() - started))

        return neighbor_network(net, spec, x)

    def _network_from_model(self, model: keras.Model) -> Network:
        from aecore.models import autoencoder_halves

        return autoencoder_halves(model)

    def architecture(self, n_features: int) -> str:
        """The network as text, e.g. '784-400-200-2-200-400-784' (raises ValueError for
        hyperparameters out of range)."""
        return self.to_spec().architecture(n_features)

    def fit(self, X: Any, y: Any = None, *, X_clean: Any = None, X_val: Any = None,
            X_val_clean: Any = None, probe: Any = None, on_epoch: EpochCallback | None = None,
            should_stop: Callable[[], bool] | None = None) -> Autoencoder:
        """Train the autoencoder to rebuild ``X`` (or ``X_clean``, for a denoiser).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data in [0, 1] (a DataFrame works too).
        y : ignored
            Accepted so that the estimator works in a ``Pipeline`` with labels.
        X_clean : array-like of shape (n_samples, n_features), optional
            Targets: the clean versions of noisy ``X`` (a denoising autoencoder).
        X_val, X_val_clean : array-like of shape (n_val, n_features), optional
            Validation inputs and targets (targets default to ``X_val``); adds ``val_loss``.
        probe : array-like of shape (n_probe, n_features), optional
            Points whose codes are recorded after every epoch (``log_.events[i].frame``).
        on_epoch : callable, optional
            Called with an :class:`aecore.training.EpochEvent` after every epoch (and, with
            ``rbm_epochs`` > 0, with :class:`aecore.events.StageEvent` s during pretraining).
        should_stop : callable, optional
            Asked after every batch; True ends the fit early with status "stopped".

        Returns
        -------
        self

        Raises
        ------
        ValueError
            For invalid data (NaN, ±inf, text, values outside [0, 1], mismatched shapes) or
            hyperparameters out of range, before anything is trained.
        """
        n = self._begin_fit(X)
        x = self._features(X, n_features=n)
        targets = None if X_clean is None else _same_rows(
            x, self._features(X_clean, "X_clean", n), "X_clean")
        validation = None
        if X_val is not None:
            x_val = self._features(X_val, "X_val", n)
            validation = (x_val, x_val if X_val_clean is None else _same_rows(
                x_val, self._features(X_val_clean, "X_val_clean", n), "X_val_clean"))
        probe_x = None if probe is None else self._features(probe, "probe", n)
        return self._train(x, n, targets, validation, probe_x, on_epoch, should_stop)


class VariationalAutoencoder(_NeuralAutoencoder):
    """A dense or convolutional variational autoencoder (optionally conditional on a label).

    The encoder gives a mean μ and a log-variance per code dimension; training minimises
    reconstruction + β·KL(q(z|x) ‖ N(0, I)) per sample (Kingma & Welling 2014; keras-io's
    ``examples/generative/vae.py``).

    Parameters
    ----------
    code_size, hidden_layers, loss, activation, network, filters, depth
        As for :class:`Autoencoder`; with ``network="conv"`` the dense layers follow the
        convolutions.
    beta : float, default 1.0
        Weight of the KL term.
    warmup_epochs : int, default 0
        Raise β linearly from 0 over this many epochs.
    encoder_dropout : float, default 0.0
        Dropout on the encoder's features, in training only.
    dynamic_binarization : bool, default False
        Train on a fresh Bernoulli draw of each image at every step (each pixel 1 with
        probability its value), which regularises without changing the expected loss
        (:class:`aecore.vae.Binarization`).
    conditional : bool, default False
        Feed the label (0–9) to encoder and decoder; ``fit`` then needs ``y``.
    epochs, batch_size, learning_rate, lr_decay, seed, rescale
        As for :class:`Autoencoder`.

    Attributes
    ----------
    As for :class:`Autoencoder`; ``encoder_`` maps the model's input to μ.
    """

    def __init__(self, code_size: int = _VAE.code_size,
                 hidden_layers: tuple[int, ...] = _VAE.hidden_layers, loss: str = _VAE.loss,
                 activation: str = _VAE.activation, network: str = _VAE.network,
                 filters: int = _VAE.filters, depth: int = _VAE.depth, beta: float = _VAE.beta,
                 warmup_epochs: int = _VAE.warmup_epochs,
                 encoder_dropout: float = _VAE.encoder_dropout,
                 dynamic_binarization: bool = _VAE.dynamic_binarization,
                 conditional: bool = _VAE.conditional, epochs: int = _VAE.epochs,
                 batch_size: int = _VAE.batch_size, learning_rate: float = _VAE.learning_rate,
                 lr_decay: bool = _VAE.lr_decay, seed: int = _VAE.seed,
                 rescale: bool = False) -> None:
        self.code_size = code_size
        self.hidden_layers = hidden_layers
        self.loss = loss
        self.activation = activation
        self.network = network
        self.filters = filters
        self.depth = depth
        self.beta = beta
        self.warmup_epochs = warmup_epochs
        self.encoder_dropout = encoder_dropout
        self.dynamic_binarization = dynamic_binarization
        self.conditional = conditional
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.lr_decay = lr_decay
        self.seed = seed
        self.rescale = rescale

    def unused_params(self) -> set[str]:
        return {"filters", "depth"} if self.network == "dense" else set()

    def to_spec(self) -> VAESpec:
        params = {**self.get_params(), "hidden_layers": tuple(self.hidden_layers)}
        del params["rescale"]
        return VAESpec(**params)

    def _build(self, spec: TrainingSpec, input_dim: int) -> Network:
        from aecore.vae import build_vae

        return build_vae(spec, input_dim)

    def _network_from_model(self, model: keras.Model) -> Network:
        from aecore.models import Network
        from aecore.vae import mean_encoder

        return Network(model, mean_encoder(model, model.pixels + N_CLASSES * model.conditional),
                       model.decoder)

    def architecture(self, n_features: int) -> str:
        """The network as text (``n_features`` without the labels)."""
        return self.to_spec().architecture(n_features + N_CLASSES * self.conditional)

    def fit(self, X: Any, y: Any = None, *, X_val: Any = None, y_val: Any = None,
            probe: Any = None, probe_y: Any = None, on_epoch: EpochCallback | None = None,
            should_stop: Callable[[], bool] | None = None) -> VariationalAutoencoder:
        """Train the VAE on ``X`` (with labels ``y`` when conditional).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data in [0, 1].
        y : array-like of shape (n_samples,), optional
            Class labels 0–9; needed when ``conditional``, ignored otherwise.
        X_val, y_val : optional
            Validation data (and labels when conditional); adds ``val_*`` losses.
        probe, probe_y : optional
            Points (and labels) whose μ is recorded after every epoch.
        on_epoch, should_stop : callable, optional
            As for :meth:`Autoencoder.fit`.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            For invalid data or labels, or hyperparameters out of range.
        """
        n_features = self._begin_fit(X)
        x = self._inputs(X, y, n_features=n_features)
        validation = None
        if X_val is not None:
            x_val = self._inputs(X_val, y_val, "X_val", n_features)
            validation = (x_val, x_val)
        probe_x = None if probe is None else self._inputs(probe, probe_y, "probe", n_features)
        return self._train(x, n_features, None, validation, probe_x, on_epoch, should_stop)

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> np.ndarray:
        return self.fit(X, y, **fit_params).transform(X, y)

    def _with_labels(self, x: np.ndarray, y: Any, name: str = "X") -> np.ndarray:
        if not self.conditional:
            return x
        if y is None:
            raise ValueError(f"A conditional VAE needs the labels of {name}.")
        return np.hstack([x, _one_hot(check_labels(y, len(x), f"labels of {name}"))])

    def _decoder_inputs(self, z: np.ndarray, y: Any) -> Any:
        if not self.conditional:
            return z
        labels = np.ravel(0 if y is None else y)
        if len(labels) not in (1, len(z)):
            raise ValueError(f"Give one label for all {len(z)} codes or one per code; got "
                             f"{len(labels)}.")
        labels = np.broadcast_to(labels, (len(z),))
        return [z, _one_hot(check_labels(labels, len(z)))]

    def _check_label(self, label: int | None) -> None:
        if label is not None and not self.conditional:
            raise ValueError("Only a conditional VAE (conditional=True) can be asked for a "
                             "label; this one ignores labels.")

    def sample(self, n: int, seed: int = 0, label: int | None = None) -> np.ndarray:
        """``n`` samples decoded from codes drawn from the prior N(0, I): (n, n_features).

        ``label`` (0–9) picks the class of a conditional VAE (default 0).
        """
        self._usable()
        self._check_label(label)
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"The number of samples n must be a whole number ≥ 1; got {n!r}.")
        z = np.random.default_rng(seed).standard_normal((n, self.code_size))
        return self.inverse_transform(z, label)

    def latent_grid(self, n: int, dims: tuple[int, int] = (0, 1), low: float = 0.05,
                    high: float = 0.95, label: int | None = None) -> np.ndarray:
        """Decoded images for an n×n grid over two code dimensions at the prior's quantiles
        ``low``…``high`` (others held at 0), row by row from the top: (n², n_features)."""
        from aecore.vae import grid_codes

        self._usable()
        self._check_label(label)
        return self.inverse_transform(grid_codes(n, self.code_size, dims, low, high), label)

    def interpolate(self, x_from: Any, x_to: Any, steps: int = 10,
                    label: int | None = None) -> np.ndarray:
        """Decoded images along the line between the codes (μ) of two samples:
        (steps, n_features). A conditional VAE encodes and decodes both with ``label``."""
        self._check_label(label)
        pair = np.vstack([np.reshape(x_from, (1, -1)), np.reshape(x_to, (1, -1))])
        labels = None if label is None else [label, label]
        means = self.transform(pair, labels)
        t = np.linspace(0, 1, steps)[:, None]
        return self.inverse_transform((1 - t) * means[0] + t * means[1], label)

    def kl_per_dimension(self, X: Any, y: Any = None) -> np.ndarray:
        """Mean KL (nats) each code dimension carries on ``X``: shape (code_size,)."""
        from aecore.vae import kl_per_dimension

        self._usable()
        return kl_per_dimension(self.model_, self._inputs(X, y))

    def elbo(self, X: Any, y: Any = None, seed: int = 0) -> float:
        """Held-out −ELBO in nats per sample (BCE summed over features for one sampled code,
        plus the full KL, β = 1); lower is better.

        Raises
        ------
        ValueError
            If the loss is not "bce" (−ELBO in nats needs the Bernoulli likelihood).
        """
        from aecore.vae import negative_elbo

        self._usable()
        return negative_elbo(self.model_, self._inputs(X, y), seed)


class ReconstructionDetector(Autoencoder):
    """An anomaly detector: an :class:`Autoencoder` trained on normal data, scoring each sample
    by its reconstruction error (and, for images, optionally by its code too). PyOD's detector
    API (``pyod/models/base.py``).

    Parameters
    ----------
    contamination : float, default 0.1
        Expected share of anomalies in the training data, 0.001 to 0.5: ``threshold_`` flags
        that share of the training scores.
    smoothing : float, default 0.0
        For images, σ in pixels (0 to 3) of a Gaussian blur of the error map before squaring
        (see :func:`aecore.anomaly.error_maps`).
    score : {"error", "error+code"}, default "error"
        The anomaly score (:data:`aecore.spec.SCORES`): the mean squared (smoothed) error
        (:func:`aecore.anomaly.reconstruction_errors`), or, for images, the standardised sum
        (:func:`aecore.anomaly.standardised_sum`) of the ink-relative error
        (:func:`aecore.anomaly.ink_relative_errors`) and the cosine distance from the code to
        the nearest training code (:func:`aecore.anomaly.code_distances`).
    image_shape : tuple of int, optional
        (height, width) of image samples; needed for ``smoothing`` and ``"error+code"``.
    Other parameters are :class:`Autoencoder`'s.

    Attributes
    ----------
    decision_scores_ : ndarray of shape (n_samples,)
        Anomaly scores of the training data (each code's distance measured to the nearest
        *other* training code).
    threshold_ : float
        Scores above it are anomalies.
    labels_ : ndarray of shape (n_samples,)
        0 (normal) or 1 (anomaly) for the training data.
    training_codes_ : ndarray of shape (n_samples, n_codes)
        Images only: the codes of the training data.
    code_neighbors_ : sklearn.neighbors.NearestNeighbors
        Images only: ``training_codes_``, indexed for cosine distances.
    score_calibration_ : dict of float to tuple of (ndarray, ndarray)
        Images only: for each smoothing (every step of the page's slider, and ``smoothing``),
        the training means and standard deviations of the ink-relative error and the code
        distance, which ``"error+code"`` standardises by.
    """

    def __init__(self, code_size: int = _AE.code_size,
                 hidden_layers: tuple[int, ...] = _AE.hidden_layers, loss: str = _AE.loss,
                 activation: str = _AE.activation, input_noise: float = _AE.input_noise,
                 neighbor_weight: float = _AE.neighbor_weight,
                 neighbor_loss: str = _AE.neighbor_loss, network: str = "dense",
                 filters: int = _CONV.filters, depth: int = _CONV.depth,
                 epochs: int = _AE.epochs, batch_size: int = _AE.batch_size,
                 learning_rate: float = _AE.learning_rate, lr_decay: bool = _AE.lr_decay,
                 seed: int = _AE.seed, rbm_epochs: int = _AE.rbm_epochs, rescale: bool = False,
                 contamination: float = 0.1, smoothing: float = 0.0,
                 score: str = "error",
                 image_shape: tuple[int, int] | None = None) -> None:
        super().__init__(code_size=code_size, hidden_layers=hidden_layers, loss=loss,
                         activation=activation, input_noise=input_noise,
                         neighbor_weight=neighbor_weight, neighbor_loss=neighbor_loss,
                         network=network,
                         filters=filters, depth=depth, epochs=epochs, batch_size=batch_size,
                         learning_rate=learning_rate, lr_decay=lr_decay, seed=seed,
                         rbm_epochs=rbm_epochs, rescale=rescale)
        self.contamination = contamination
        self.smoothing = smoothing
        self.score = score
        self.image_shape = image_shape

    def to_spec(self) -> AESpec | ConvSpec:
        check_range("contamination", self.contamination)
        check_range("smoothing", self.smoothing)
        if self.smoothing and self.image_shape is None:
            raise ValueError("Error smoothing blurs images: give image_shape=(height, width), "
                             "or set smoothing=0 for tabular data.")
        self._check_score(self.score)
        return super().to_spec()

    def _check_score(self, score: str) -> None:
        check_choice("score", score)
        if score != "error" and self.image_shape is None:
            raise ValueError(f"The {score!r} score measures ink, so it needs images: give "
                             "image_shape=(height, width), or use score='error' for tabular "
                             "data.")

    def _checked_spec(self, x: np.ndarray) -> AESpec | ConvSpec:
        if self.image_shape is not None and math.prod(self.image_shape) != x.shape[1]:
            raise ValueError(f"image_shape {tuple(self.image_shape)} does not hold "
                             f"{x.shape[1]} features.")
        return super()._checked_spec(x)

    def _on_trained(self, x: np.ndarray) -> None:
        if self.image_shape is not None and len(x) > 1:  # a code needs another to be near
            self._calibrate(x)
        self.decision_scores_ = self._scores(x, self.smoothing, self.score, training=True)
        self.threshold_ = float(np.quantile(self.decision_scores_, 1 - self.contamination))
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(int)

    def _calibrate(self, x: np.ndarray) -> None:
        """Index the training codes and keep the training statistics of ``"error+code"``."""
        from aecore.anomaly import code_distances, ink_relative_errors
        from aecore.training import predict_batched

        self._index_codes(predict_batched(self.encoder_, x))
        x_hat = predict_batched(self.model_, x)
        distances = code_distances(self.code_neighbors_)
        step = PARAMS["smoothing"]
        levels = {*np.arange(step.min, step.max + step.step / 2, step.step).tolist(),
                  float(self.smoothing)}
        self.score_calibration_ = {}
        for level in sorted(levels):
            parts = np.column_stack([ink_relative_errors(x, x_hat, self.image_shape, level),
                                     distances])
            self.score_calibration_[level] = (parts.mean(axis=0), parts.std(axis=0))

    def _index_codes(self, codes: np.ndarray) -> None:
        from sklearn.neighbors import NearestNeighbors

        self.training_codes_ = codes
        self.code_neighbors_ = NearestNeighbors(n_neighbors=1, metric="cosine").fit(codes)

    def anomaly_scores(self, X: Any, smoothing: float | None = None,
                       score: str | None = None) -> np.ndarray:
        """Anomaly scores of new samples, shape (n_samples,): higher is more anomalous.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, as for ``fit``.
        smoothing : float, optional
            Overrides the estimator's ``smoothing`` without refitting; with ``"error+code"``,
            one of the calibrated levels (``score_calibration_``).
        score : {"error", "error+code"}, optional
            Overrides the estimator's ``score`` without refitting.

        Raises
        ------
        ValueError
            If ``X`` is invalid, or the score cannot be computed (``"error+code"`` on tabular
            data, without training codes, or at a smoothing it was not calibrated for).
        """
        self._usable()
        return self._scores(self._features(X), self.smoothing if smoothing is None
                            else smoothing, self.score if score is None else score)

    def training_scores(self, X: Any, smoothing: float | None = None,
                        score: str | None = None) -> np.ndarray:
        """Scores of the samples the detector was fitted on, as ``decision_scores_`` are
        computed (each code against its nearest *other* training code), at any smoothing and
        score; parameters and errors as :meth:`anomaly_scores`. ``X`` must be those samples, in
        order (ValueError for another number of rows)."""
        self._usable()
        return self._scores(self._features(X), self.smoothing if smoothing is None
                            else smoothing, self.score if score is None else score,
                            training=True)

    def _scores(self, x: np.ndarray, smoothing: float, score: str,
                training: bool = False) -> np.ndarray:
        """Scores of model inputs ``x``, in the model's [0, 1] units."""
        from aecore import anomaly
        from aecore.training import predict_batched

        self._check_score(score)
        x_hat = predict_batched(self.model_, x)
        if score == "error":
            return anomaly.reconstruction_errors(x, x_hat, self.image_shape, smoothing)
        if not hasattr(self, "score_calibration_"):
            raise ValueError("This detector has no training codes to compare with (it was fitted "
                             "on one row, or saved before the 'error+code' score existed): use "
                             "score='error', or refit it.")
        if smoothing not in self.score_calibration_:
            raise ValueError(f"The 'error+code' score of this detector is calibrated at a "
                             f"smoothing of {', '.join(f'{s:g}' for s in self.score_calibration_)}"
                             f" pixels; got {smoothing:g}. Refit with smoothing={smoothing:g}.")
        if training:
            n_fitted = len(self.training_codes_)
            if len(x) != n_fitted:
                raise ValueError(f"The detector was fitted on {n_fitted} rows; got {len(x)}.")
            distances = anomaly.code_distances(self.code_neighbors_)
        else:
            distances = anomaly.code_distances(self.code_neighbors_,
                                               predict_batched(self.encoder_, x))
        parts = np.column_stack([anomaly.ink_relative_errors(x, x_hat, self.image_shape,
                                                             smoothing), distances])
        return anomaly.standardised_sum(parts, *self.score_calibration_[smoothing])

    def decision_function(self, X: Any) -> np.ndarray:
        """Anomaly scores of ``X``, shape (n_samples,): higher is more anomalous."""
        return self.anomaly_scores(X)

    def predict(self, X: Any) -> np.ndarray:
        """0 (normal) or 1 (anomaly) per sample: score > ``threshold_``."""
        check_is_fitted(self, "threshold_")
        return (self.decision_function(X) > self.threshold_).astype(int)

    def _extra_state(self) -> dict[str, Any]:
        state = super()._extra_state()
        if not hasattr(self, "threshold_"):
            return state
        state = {**state, "decision_scores_": self.decision_scores_.tolist(),
                 "threshold_": self.threshold_}
        if hasattr(self, "score_calibration_"):
            state["arrays"] = {"training_codes": self.training_codes_}  # arrays.npz, not JSON
            state["score_calibration"] = [[level, center.tolist(), scale.tolist()]
                                          for level, (center, scale)
                                          in self.score_calibration_.items()]
        return state

    def _restore_state(self, state: dict[str, Any]) -> None:
        super()._restore_state(state)
        if "threshold_" in state:
            self.decision_scores_ = np.asarray(state["decision_scores_"], dtype="float32")
            self.threshold_ = float(state["threshold_"])
            self.labels_ = (self.decision_scores_ > self.threshold_).astype(int)
        if "score_calibration" in state:
            self._index_codes(state["arrays"]["training_codes"])
            self.score_calibration_ = {
                level: (np.asarray(center), np.asarray(scale))
                for level, center, scale in state["score_calibration"]}


def _one_hot(labels: np.ndarray) -> np.ndarray:
    if labels.min() < 0 or labels.max() >= N_CLASSES:
        raise ValueError(f"A conditional VAE takes labels 0 to {N_CLASSES - 1}; got "
                         f"{labels.min()}…{labels.max()}.")
    return np.eye(N_CLASSES, dtype="float32")[labels]


def _same_rows(x: np.ndarray, other: np.ndarray, name: str) -> np.ndarray:
    if len(other) != len(x):
        raise ValueError(f"{name} has {len(other)} rows, but its inputs have {len(x)}.")
    return other


ESTIMATORS: dict[str, type[_NeuralAutoencoder]] = {
    cls.__name__: cls for cls in (Autoencoder, VariationalAutoencoder, ReconstructionDetector)
}
