"""Layer-wise RBM pretraining of a dense autoencoder, after Hinton & Salakhutdinov (2006).

The *deep autoencoder* of [1]_: each layer of the encoder is first trained as a restricted
Boltzmann machine (RBM) on the layer below's hidden probabilities (the first one on the data,
in [0, 1]); the stack is then *unrolled* into an autoencoder — encoder layer i starts from RBM
i's weights and hidden biases, the mirrored decoder layer from the transposed weights and the
visible biases — which backprop then fine-tunes (:func:`aecore.training.train`).

The hidden layers' RBMs are scikit-learn's :class:`~sklearn.neural_network.BernoulliRBM`, with
logistic units, so the pretrained hidden layers of the autoencoder are sigmoid. The top RBM,
whose hidden units are the code, has linear hidden units with unit-variance Gaussian noise, as
in [1]_ ("the top layer ... has linear units ... with Gaussian noise"), so the code layer stays
linear as in every autoencoder of this package. scikit-learn has no such RBM, hence
:class:`LinearHiddenRBM` here.

Pretraining runs in NumPy (float64, as ``BernoulliRBM.partial_fit`` computes), one mini-batch at
a time, so a Stop takes effect within a mini-batch and progress is reported after every epoch,
on one BLAS thread (:data:`BLAS_THREADS`).

References
----------
.. [1] G. E. Hinton and R. R. Salakhutdinov, "Reducing the dimensionality of data with neural
   networks", Science 313(5786):504–507, 2006, and its supporting online material (mini-batches
   of 100, learning rate 0.1 for the logistic RBMs, 0.001 with momentum 0.9 for the linear one).
.. [2] B. Widrow and S. D. Stearns, "Adaptive Signal Processing", Prentice-Hall, 1985
   (normalised LMS).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.neural_network import BernoulliRBM
from sklearn.utils import check_random_state, gen_even_slices
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from aecore.events import StageEvent

if TYPE_CHECKING:
    from aecore.models import Network

BATCH_SIZE = 100  # mini-batch of [1]
LEARNING_RATE = 0.1  # logistic RBMs: [1], and BernoulliRBM's default
# The linear RBM's step is divided by the batch's mean squared visible norm, as in normalised
# LMS: linear hidden units are unbounded, and a fixed rate is stable on some inputs only. Fixed,
# 0.01 (≈ [1]'s 0.001 with momentum 0.9) was fine on the 250 hidden probabilities below the code
# (mean squared norm 52) but diverged on raw MNIST pixels (norm 88, the top RBM of a network
# with no hidden layers). Normalised, 0.5 was stable on both and on synthetic worst cases (rows
# all ones, 4,096 uniform features, 3 features), and 1.0 diverged on raw pixels.
LINEAR_LEARNING_RATE = 0.5
# A mini-batch's products are small (100 × 784 by 784 × 1000): on the shared 2-core machine one
# epoch of a 784-1000 RBM took 18.5 s with OpenBLAS's 2 threads and 3.6 s with one, the threads
# spinning while other processes held the cores.
BLAS_THREADS = 1
# Weights this large mean the updates have run away (exponentially: 1e45 after 5 epochs of a
# linear RBM at 4 times its stable rate); trained ones stay within ±10 on data in [0, 1].
MAX_WEIGHT = 1e3

StageCallback = Callable[[StageEvent], None]


class LinearHiddenRBM(TransformerMixin, BaseEstimator):
    """An RBM with logistic visible units and linear hidden units (unit-variance Gaussian noise).

    The top layer of the deep autoencoder of Hinton & Salakhutdinov (2006): its hidden units'
    mean, ``X @ components_.T + intercept_hidden_``, is the linear code. Trained by one-step
    contrastive divergence (CD-1) as in Hinton's ``rbmhidlinear.m``: hidden states are the mean
    plus N(0, 1) noise, the reconstruction is the visible probabilities; without momentum or
    weight decay (as BernoulliRBM), and with a normalised step (see ``learning_rate``).
    Attributes and ``partial_fit`` are those of scikit-learn's
    :class:`~sklearn.neural_network.BernoulliRBM`, so the two stack alike.

    Parameters
    ----------
    n_components : int, default=2
        Number of (linear) hidden units.
    learning_rate : float, default=LINEAR_LEARNING_RATE
        Step size of each mini-batch's update, relative: the step is ``learning_rate`` over the
        batch's mean squared norm of the visible vectors (at least 1), times the gradient
        averaged over the batch.
    batch_size : int, default=BATCH_SIZE
        Samples per mini-batch in ``fit``.
    n_iter : int, default=10
        Passes over the data in ``fit``.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial weights (N(0, 0.01²), as BernoulliRBM's) and of the noise.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Weights.
    intercept_hidden_ : ndarray of shape (n_components,)
        Hidden biases.
    intercept_visible_ : ndarray of shape (n_features,)
        Visible biases.
    """

    def __init__(self, n_components: int = 2, learning_rate: float = LINEAR_LEARNING_RATE,
                 batch_size: int = BATCH_SIZE, n_iter: int = 10, random_state: Any = None) -> None:
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> LinearHiddenRBM:
        """``n_iter`` passes of :meth:`partial_fit` over ``X`` (n_samples, n_features) in
        mini-batches of ``batch_size``, in order, from fresh weights (as BernoulliRBM's fit).
        Returns self."""
        X = validate_data(self, X, dtype=np.float64)
        self.__dict__.pop("components_", None)
        for _ in range(self.n_iter):
            for batch in _batches(len(X), self.batch_size):
                self.partial_fit(X[batch])
        return self

    def partial_fit(self, X: Any, y: Any = None) -> LinearHiddenRBM:
        """One CD-1 update on the mini-batch ``X`` of shape (n_samples, n_features), values in
        [0, 1]; the first call initialises the weights. Returns self."""
        first = not hasattr(self, "components_")
        v_pos = validate_data(self, X, dtype=np.float64, reset=first)
        if first:
            self.random_state_ = check_random_state(self.random_state)
            self.components_ = self.random_state_.normal(0, 0.01,
                                                         (self.n_components, v_pos.shape[1]))
            self.intercept_hidden_ = np.zeros(self.n_components)
            self.intercept_visible_ = np.zeros(v_pos.shape[1])
        h_pos = self._mean_hiddens(v_pos)
        h_states = h_pos + self.random_state_.standard_normal(h_pos.shape)
        v_neg = expit(h_states @ self.components_ + self.intercept_visible_)
        h_neg = self._mean_hiddens(v_neg)
        # normalised as in NLMS (see LINEAR_LEARNING_RATE)
        step = self.learning_rate / (len(v_pos) * max(np.mean(np.sum(v_pos**2, axis=1)), 1.0))
        self.components_ += step * (h_pos.T @ v_pos - h_neg.T @ v_neg)
        self.intercept_hidden_ += step * (h_pos.sum(axis=0) - h_neg.sum(axis=0))
        self.intercept_visible_ += step * (v_pos.sum(axis=0) - v_neg.sum(axis=0))
        return self

    def transform(self, X: Any) -> np.ndarray:
        """The hidden units' means (the code) of ``X``: shape (n_samples, n_components)."""
        check_is_fitted(self)
        return self._mean_hiddens(validate_data(self, X, dtype=np.float64, reset=False))

    def _mean_hiddens(self, v: np.ndarray) -> np.ndarray:
        return v @ self.components_.T + self.intercept_hidden_


RBM = BernoulliRBM | LinearHiddenRBM


def _batches(n_samples: int, batch_size: int) -> list[slice]:
    """Mini-batches of BernoulliRBM's fit: ⌈n / batch_size⌉ even slices, in order."""
    n_batches = math.ceil(n_samples / batch_size)
    return list(gen_even_slices(n_batches * batch_size, n_batches, n_samples=n_samples))


def pretrain(x: np.ndarray, layer_sizes: tuple[int, ...], epochs: int, seed: int = 0,
             on_stage: StageCallback | None = None,
             should_stop: Callable[[], bool] | None = None,
             started: float | None = None) -> list[RBM] | None:
    """Train a stack of RBMs greedily, layer by layer, for an encoder of ``layer_sizes``.

    RBM i is trained on the hidden probabilities (``transform``) of RBM i − 1, RBM 0 on ``x``,
    for ``epochs`` passes in mini-batches of :data:`BATCH_SIZE`, in the data's order (the loop
    of ``BernoulliRBM.fit``, with ``partial_fit`` per mini-batch so that it can report and stop:
    the weights are those ``BernoulliRBM(n_iter=epochs).fit`` gives).

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
        Training data in [0, 1].
    layer_sizes : tuple of int
        Encoder widths, the code's last, e.g. (1000, 500, 250, 30): one
        :class:`~sklearn.neural_network.BernoulliRBM` per hidden layer (learning rate
        :data:`LEARNING_RATE`) and a :class:`LinearHiddenRBM` for the code.
    epochs : int
        Passes over the data per RBM, ≥ 1.
    seed : int, default=0
        RBM i is seeded with ``seed + i``.
    on_stage : callable or None, default=None
        Called with a :class:`aecore.events.StageEvent` when each RBM starts and after each of
        its epochs, e.g. "Pretraining RBM 2 of 4, epoch 7/10".
    should_stop : callable or None, default=None
        Asked before every mini-batch; True ends the pretraining at once.
    started : float or None, default=None
        ``time.perf_counter()`` when the fit started, for the events' ``elapsed``; None: now.

    Returns
    -------
    list of BernoulliRBM and LinearHiddenRBM, or None
        The fitted RBMs, input side first (``len(layer_sizes)`` of them); None if
        ``should_stop`` ended the pretraining.

    Raises
    ------
    ValueError
        If an RBM's weights grow beyond ±:data:`MAX_WEIGHT` or stop being numbers (checked
        after each epoch).
    """
    started = time.perf_counter() if started is None else started
    rbms: list[RBM] = [BernoulliRBM(n_components=width, learning_rate=LEARNING_RATE,
                                    batch_size=BATCH_SIZE, random_state=seed + i)
                       for i, width in enumerate(layer_sizes[:-1])]
    rbms.append(LinearHiddenRBM(layer_sizes[-1], learning_rate=LINEAR_LEARNING_RATE,
                                random_state=seed + len(rbms)))
    batches = _batches(len(x), BATCH_SIZE)
    visible = np.asarray(x, dtype=np.float64)

    def report(i: int, epoch: int) -> None:
        if on_stage is not None:
            on_stage(StageEvent(f"Pretraining RBM {i + 1} of {len(rbms)}", epoch, epochs,
                                (i * epochs + epoch) / (len(rbms) * epochs),
                                time.perf_counter() - started))

    # a diverging RBM overflows: it is caught after its epoch, with a sentence, not warnings
    with threadpool_limits(BLAS_THREADS, user_api="blas"), np.errstate(over="ignore",
                                                                       invalid="ignore"):
        for i, rbm in enumerate(rbms):
            report(i, 0)
            for epoch in range(1, epochs + 1):
                for batch in batches:
                    if should_stop is not None and should_stop():
                        return None
                    rbm.partial_fit(visible[batch])
                if not np.all(np.abs(rbm.components_) < MAX_WEIGHT):  # NaN fails too
                    raise ValueError(f"RBM pretraining diverged in RBM {i + 1} of {len(rbms)}: "
                                     "its weights grew without bound. Train without "
                                     "pretraining (RBM pretraining epochs 0).")
                report(i, epoch)
            visible = rbm.transform(visible)
    return rbms


def unroll(net: Network, rbms: list[RBM]) -> None:
    """Copy a pretrained RBM stack into a dense autoencoder's weights.

    Encoder layer i (``encoder_i``, then ``code``) gets RBM i's ``components_.T`` and
    ``intercept_hidden_``; the mirrored decoder layer (``decoder_0`` … , then
    ``reconstruction``) gets its ``components_`` and ``intercept_visible_``. With sigmoid
    hidden layers the encoder then computes the RBMs' chained ``transform`` and each decoder
    layer the visible probabilities of the RBM it mirrors.

    Parameters
    ----------
    net : aecore.models.Network
        From :func:`aecore.models.build_dense_autoencoder`, with as many hidden layers as there
        are RBMs before the last.
    rbms : list of BernoulliRBM and LinearHiddenRBM
        From :func:`pretrain`, input side first.

    Raises
    ------
    ValueError
        If a layer's shape does not match its RBM's (from Keras' ``set_weights``).
    """
    k = len(rbms) - 1
    encoder = [f"encoder_{i}" for i in range(k)] + ["code"]
    decoder = ["reconstruction"] + [f"decoder_{k - i}" for i in range(1, k + 1)]
    for rbm, up, down in zip(rbms, encoder, decoder, strict=True):
        net.encoder.get_layer(up).set_weights([rbm.components_.T, rbm.intercept_hidden_])
        net.decoder.get_layer(down).set_weights([rbm.components_, rbm.intercept_visible_])
