"""Variational autoencoders: the model, KL warm-up, and the maths of sampling, grids and the ELBO.

The model and its sampling layer are registered with Keras, so ``.keras`` files load back. The
loss, the sampling layer and the custom ``train_step`` follow Kingma & Welling (2014) and
keras-io's ``examples/generative/vae.py``. Importing this module imports Keras and TensorFlow (the
training step uses a gradient tape).

References
----------
.. [1] D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", ICLR 2014,
   arXiv:1312.6114.
.. [2] F. Chollet, "Variational AutoEncoder", keras-io, ``examples/generative/vae.py``, 2020.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from scipy.stats import norm

from aecore.models import (
    Network,
    conv_decoder_stack,
    conv_encoder_stack,
    conv_feature_shape,
    dense_stack,
    seeded,
)
from aecore.spec import N_CLASSES, VAESpec, image_side

PACKAGE = "aecore"


@keras.saving.register_keras_serializable(package=PACKAGE)
class Sampling(keras.layers.Layer):
    """Draw z = μ + σ·ε with ε ~ N(0, I) and σ = exp(½·log σ²): the reparameterisation trick.

    Writing the sample as a deterministic function of (μ, log σ²) and independent noise lets
    gradients reach the encoder (Kingma & Welling 2014, Sec. 2.4). This is keras-io's ``Sampling``
    layer (``examples/generative/vae.py``) with a seed.

    Parameters
    ----------
    seed : int or None, default=None
        Seed of the ``keras.random.SeedGenerator`` that draws ε.
    **kwargs
        Passed to ``keras.layers.Layer``.
    """

    def __init__(self, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        """Sample z, shape (batch, code_size), from ``inputs = [mean, log_var]`` of that shape."""
        mean, log_var = inputs
        eps = keras.random.normal(keras.ops.shape(mean), seed=self.seed_generator)
        return mean + keras.ops.exp(0.5 * log_var) * eps

    def get_config(self) -> dict:
        """The layer's config, with ``seed``."""
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package=PACKAGE)
class Binarization(keras.layers.Layer):
    """Replace each pixel p ∈ [0, 1] by a Bernoulli draw: 1 with probability p, else 0.

    Dynamic binarisation: a fresh draw of every training image at every step, as in the VAE
    literature on MNIST (Salakhutdinov & Murray 2008; "dynamically binarized" in Burda et al.
    2016). The binary cross-entropy is linear in its target, so its expectation over the draws
    is the BCE against the grey image itself: the objective is unchanged on average, while the
    noise keeps the network from fitting the training images' exact grey values. Applied in
    training only (see :meth:`VAE.train_step`).

    Parameters
    ----------
    seed : int or None, default=None
        Seed of the ``keras.random.SeedGenerator`` that draws the pixels.
    **kwargs
        Passed to ``keras.layers.Layer``.

    References
    ----------
    .. [1] R. Salakhutdinov and I. Murray, "On the Quantitative Analysis of Deep Belief
       Networks", ICML 2008.
    .. [2] Y. Burda, R. Grosse and R. Salakhutdinov, "Importance Weighted Autoencoders",
       ICLR 2016.
    """

    def __init__(self, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images):
        """Binary images of the shape of ``images`` (pixels in [0, 1]), in their dtype."""
        draws = keras.random.uniform(keras.ops.shape(images), seed=self.seed_generator)
        return keras.ops.cast(draws < images, images.dtype)

    def get_config(self) -> dict:
        """The layer's config, with ``seed``."""
        return {**super().get_config(), "seed": self.seed}


def gaussian_kl(mean, log_var):
    """KL divergence of N(μ, diag σ²) from the prior N(0, I), per input, in nats.

    The closed form −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²) (Kingma & Welling 2014, Appendix B), as in
    keras-io's ``examples/generative/vae.py``.

    Parameters
    ----------
    mean : tensor or ndarray of shape (n_samples, code_size)
        Posterior means μ.
    log_var : tensor or ndarray of shape (n_samples, code_size)
        Posterior log-variances log σ².

    Returns
    -------
    tensor of shape (n_samples,)
        KL(q(z|x) ‖ N(0, I)) summed over code dimensions, in nats (a backend tensor).
    """
    return -0.5 * keras.ops.sum(1 + log_var - mean**2 - keras.ops.exp(log_var), axis=-1)


def reconstruction_loss(targets, outputs, loss: str):
    """Per-image reconstruction loss, summed over pixels (as keras-io's VAE example does).

    Parameters
    ----------
    targets : tensor or ndarray of shape (n_samples, n_pixels)
        Images, pixels in [0, 1].
    outputs : tensor or ndarray of shape (n_samples, n_pixels)
        The decoder's sigmoid outputs, in [0, 1].
    loss : str
        ``"bce"``: binary cross-entropy with ``outputs`` clipped to [1e-7, 1 − 1e-7], i.e. the
        negative Bernoulli log-likelihood −log p(x|z); anything else: squared error.

    Returns
    -------
    tensor of shape (n_samples,)
        Nats per image for ``"bce"``; otherwise squared pixel units per image (a sum over pixels,
        not the mean that Keras' ``"mse"`` takes).
    """
    if loss == "bce":
        outputs = keras.ops.clip(outputs, 1e-7, 1 - 1e-7)
        return keras.ops.sum(keras.ops.binary_crossentropy(targets, outputs), axis=-1)
    return keras.ops.sum((targets - outputs) ** 2, axis=-1)


@keras.saving.register_keras_serializable(package=PACKAGE)
class VAE(keras.Model):
    """A variational autoencoder as one Keras model, trained on reconstruction + β·KL.

    Input rows are flattened images followed, when conditional, by ``N_CLASSES`` one-hot label
    columns. ``call`` returns the reconstruction decoded from μ (from a sampled z when
    ``training=True``). Each training step samples one z per input (:class:`Sampling`) and
    minimises the batch mean of :func:`reconstruction_loss` + β·:func:`gaussian_kl`: the negative
    ELBO when β = 1 and the loss is BCE (Kingma & Welling 2014). As in keras-io's
    ``examples/generative/vae.py``, a custom ``train_step`` logs ``loss``, ``reconstruction`` and
    ``kl`` (means over the epoch's batches); ``test_step`` gives the ``val_*`` ones, also from a
    sampled z but with ``training=False``. With ``dynamic_binarization``, each training step
    first replaces the images by a :class:`Binarization` draw (labels are kept).

    Parameters
    ----------
    encoder : keras.Model
        Images (and labels, when conditional) → [μ, log σ²], each of shape (batch, code_size).
    decoder : keras.Model
        z (and labels, when conditional) → flattened images of shape (batch, pixels), in [0, 1].
    pixels : int
        Number of image columns at the start of each input row.
    loss : {"bce", "mse"}, default="bce"
        Reconstruction loss (see :func:`reconstruction_loss`).
    beta : float, default=1.0
        Weight of the KL term; :class:`KLWarmup` may lower it in the first epochs.
    conditional : bool, default=False
        Whether input rows end with one-hot labels, which encoder and decoder both take.
    seed : int or None, default=None
        Seed of the sampling noise (and of the binarisation's).
    dynamic_binarization : bool, default=False
        Whether training steps see Bernoulli draws of the images.
    **kwargs
        Passed to ``keras.Model``.

    Attributes
    ----------
    beta : keras.Variable
        The current KL weight (a scalar, not trained).
    target_beta : float
        ``beta`` as given.
    loss_name : str
        ``loss`` as given.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, pixels: int,
                 loss: str = "bce", beta: float = 1.0, conditional: bool = False,
                 seed: int | None = None, dynamic_binarization: bool = False,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.pixels, self.loss_name, self.target_beta = pixels, loss, beta
        self.conditional, self.seed = conditional, seed
        self.dynamic_binarization = dynamic_binarization
        self.binarization = Binarization(seed) if dynamic_binarization else None
        self.beta = self.add_weight(shape=(), initializer=keras.initializers.Constant(beta),
                                    trainable=False, name="beta")
        self.sampling = Sampling(seed)
        self.trackers = {n: keras.metrics.Mean(name=n) for n in ("loss", "reconstruction", "kl")}
        self.built = True  # its parts are built functional models; nothing is left to build

    def _split(self, inputs):
        images = inputs[:, :self.pixels]
        return (images, inputs[:, self.pixels:]) if self.conditional else (images, None)

    def encode(self, inputs, training=False):
        """Posterior parameters μ and log σ² of input rows.

        Parameters
        ----------
        inputs : tensor or ndarray of shape (batch, n_inputs)
            Flattened images in [0, 1], followed by one-hot labels when conditional (n_inputs =
            ``pixels``, plus ``N_CLASSES`` when conditional).
        training : bool, default=False
            Whether layers such as dropout run in training mode.

        Returns
        -------
        mean : tensor of shape (batch, code_size)
            Posterior means μ.
        log_var : tensor of shape (batch, code_size)
            Posterior log-variances log σ².
        """
        images, labels = self._split(inputs)
        return self.encoder([images, labels] if self.conditional else images, training=training)

    def decode(self, z, labels=None, training=False):
        """Images decoded from codes.

        Parameters
        ----------
        z : tensor or ndarray of shape (batch, code_size)
            Codes.
        labels : tensor or ndarray of shape (batch, N_CLASSES), optional
            One-hot labels; used, and needed, only when conditional.
        training : bool, default=False
            Whether layers run in training mode.

        Returns
        -------
        tensor of shape (batch, pixels)
            Flattened images, pixels in [0, 1].
        """
        return self.decoder([z, labels] if self.conditional else z, training=training)

    def call(self, inputs, training=False):
        """Reconstruction of ``inputs``: decoded from μ, or from a sampled z when ``training``."""
        mean, log_var = self.encode(inputs, training)
        z = self.sampling([mean, log_var]) if training else mean
        return self.decode(z, self._split(inputs)[1], training)

    def _loss_parts(self, inputs, training):
        mean, log_var = self.encode(inputs, training)
        outputs = self.decode(self.sampling([mean, log_var]), self._split(inputs)[1], training)
        recon = keras.ops.mean(reconstruction_loss(self._split(inputs)[0], outputs,
                                                   self.loss_name))
        return recon, keras.ops.mean(gaussian_kl(mean, log_var))

    def _record(self, recon, kl):
        total = recon + self.beta * kl
        for name, value in (("loss", total), ("reconstruction", recon), ("kl", kl)):
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def train_step(self, data):
        """One gradient step on the batch mean of reconstruction + β·KL (of a binarised draw
        of the images, with ``dynamic_binarization``); returns the metrics."""
        inputs = data[0] if isinstance(data, tuple) else data
        if self.binarization is not None:
            images, labels = self._split(inputs)
            images = self.binarization(images)
            inputs = keras.ops.concatenate([images, labels], axis=-1) if self.conditional \
                else images
        with tf.GradientTape() as tape:
            recon, kl = self._loss_parts(inputs, training=True)
            total = recon + self.beta * kl
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights, strict=True))
        return self._record(recon, kl)

    def test_step(self, data):
        """The same losses as ``train_step`` (one sampled z, ``training=False``), without a step."""
        inputs = data[0] if isinstance(data, tuple) else data
        return self._record(*self._loss_parts(inputs, training=False))

    @property
    def metrics(self):
        """The three loss trackers, so that Keras resets them every epoch."""
        return list(self.trackers.values())

    def get_config(self) -> dict:
        """The config, with encoder and decoder serialised."""
        return {**super().get_config(), "pixels": self.pixels, "loss": self.loss_name,
                "beta": self.target_beta, "conditional": self.conditional, "seed": self.seed,
                "dynamic_binarization": self.dynamic_binarization,
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config: dict) -> VAE:
        """Rebuild from :meth:`get_config`'s output, deserialising encoder and decoder."""
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


class KLWarmup(keras.callbacks.Callback):
    """Raise β linearly over the first ``epochs`` epochs (KL warm-up).

    At the start of 0-based epoch e, β = target β · min(1, (e + 1) / N), N = ``epochs``: β/N in the
    first epoch, the full β from epoch N on. Annealing the KL weight so helps against posterior
    collapse (Bowman et al. 2016; "warm-up" in Sønderby et al. 2016).

    Parameters
    ----------
    epochs : int
        N ≥ 1, the warm-up length. The callback's model must be a :class:`VAE`.

    References
    ----------
    .. [1] S. R. Bowman et al., "Generating Sentences from a Continuous Space", CoNLL 2016.
    .. [2] C. K. Sønderby et al., "Ladder Variational Autoencoders", NIPS 2016.
    """

    def __init__(self, epochs: int) -> None:
        super().__init__()
        self.epochs = epochs

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        """Set the model's β for ``epoch`` (0-based)."""
        self.model.beta.assign(self.model.target_beta * min(1.0, (epoch + 1) / self.epochs))


def _encoder_body(spec: VAESpec, images):
    h = images
    if spec.network == "conv":
        h = keras.layers.Flatten()(conv_encoder_stack(images, spec.filters, spec.depth,
                                                      spec.activation))
    if spec.encoder_dropout:
        h = keras.layers.Dropout(spec.encoder_dropout, seed=spec.seed)(h)
    return dense_stack(h, spec.hidden_layers, spec.activation, "encoder")


def _decoder_body(spec: VAESpec, h, pixels: int):
    h = dense_stack(h, tuple(reversed(spec.hidden_layers)), spec.activation, "decoder")
    if spec.network == "conv":
        shape = conv_feature_shape(image_side(pixels), spec.filters, spec.depth)
        h = keras.layers.Dense(int(np.prod(shape)), activation=spec.activation)(h)
        return conv_decoder_stack(keras.layers.Reshape(shape)(h), spec.filters, spec.depth,
                                  spec.activation)
    return keras.layers.Dense(pixels, activation="sigmoid")(h)


@seeded
def build_vae(spec: VAESpec, input_dim: int) -> Network:
    """Build and compile a dense or convolutional VAE from a validated spec.

    Encoder: the conv stack, flattened, when ``spec.network == "conv"``; dropout when
    ``spec.encoder_dropout`` > 0; the dense ``spec.hidden_layers``; the one-hot labels concatenated
    when conditional; then two linear ``Dense(code_size)`` heads, μ and log σ². The decoder mirrors
    it and ends in a sigmoid. With ``spec.dynamic_binarization`` the VAE trains on
    :class:`Binarization` draws of the images. Built :func:`aecore.models.seeded`, so the same
    spec starts from the same weights; the model is compiled with Adam at ``spec.learning_rate``.

    Parameters
    ----------
    spec : aecore.spec.VAESpec
        The hyperparameters.
    input_dim : int
        Width of an input row: the pixels, plus ``N_CLASSES`` when ``spec.conditional``.

    Returns
    -------
    aecore.models.Network
        The :class:`VAE`, its :func:`mean_encoder`, its decoder, and a :class:`KLWarmup` callback
        when ``spec.warmup_epochs`` > 0.

    Raises
    ------
    ValueError
        From :func:`aecore.spec.image_side`, for a conv network on non-square images.
    """
    pixels = input_dim - (N_CLASSES if spec.conditional else 0)
    images = keras.Input((pixels,), name="image")
    labels = keras.Input((N_CLASSES,), name="label")
    h = _encoder_body(spec, images)
    if spec.conditional:
        h = keras.layers.Concatenate()([h, labels])
    mean = keras.layers.Dense(spec.code_size, name="z_mean")(h)
    log_var = keras.layers.Dense(spec.code_size, name="z_log_var")(h)
    encoder = keras.Model([images, labels] if spec.conditional else images, [mean, log_var],
                          name="encoder")

    z = keras.Input((spec.code_size,), name="z")
    h = keras.layers.Concatenate()([z, labels]) if spec.conditional else z
    decoder = keras.Model([z, labels] if spec.conditional else z,
                          _decoder_body(spec, h, pixels), name="decoder")

    vae = VAE(encoder, decoder, pixels, spec.loss, spec.beta, spec.conditional, spec.seed,
              spec.dynamic_binarization)
    vae.compile(optimizer=keras.optimizers.Adam(spec.learning_rate))
    warmup = [KLWarmup(spec.warmup_epochs)] if spec.warmup_epochs else []
    return Network(vae, mean_encoder(vae, input_dim), decoder, callbacks=warmup)


def mean_encoder(vae: VAE, input_dim: int) -> keras.Model:
    """The model from the VAE's input to μ: the code the pages plot and ``transform`` gives.

    Parameters
    ----------
    vae : VAE
        The VAE; the new model shares its weights.
    input_dim : int
        Width of an input row: the pixels, plus ``N_CLASSES`` when conditional.

    Returns
    -------
    keras.Model
        Named ``"mean_encoder"``: (batch, input_dim) → μ of shape (batch, code_size).
    """
    flat = keras.Input((input_dim,))
    return keras.Model(flat, vae.encode(flat)[0], name="mean_encoder")


def prior_quantile_grid(n: int, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    """``n`` points on one code axis at evenly spaced quantiles of the prior N(0, 1).

    The points are the normal inverse CDF (``scipy.stats.norm.ppf``) of ``linspace(low, high, n)``,
    so each grid cell holds the same share of the prior's mass rather than the same length: the
    latent-manifold grid of Kingma & Welling (2014, Fig. 4) and of Keras 2's
    ``examples/variational_autoencoder.py`` (keras-io's ``examples/generative/vae.py`` now uses a
    linear grid instead).

    Parameters
    ----------
    n : int
        Number of points.
    low : float, default=0.05
        First quantile, > 0.
    high : float, default=0.95
        Last quantile, < 1 and > ``low``.

    Returns
    -------
    ndarray of shape (n,), dtype float64
        Increasing code values.

    Raises
    ------
    ValueError
        If not 0 < ``low`` < ``high`` < 1; from NumPy if ``n`` < 0.
    """
    if not 0 < low < high < 1:
        raise ValueError("Quantiles must satisfy 0 < low < high < 1.")
    return norm.ppf(np.linspace(low, high, n))


def grid_codes(n: int, code_size: int, dims: tuple[int, int] = (0, 1), low: float = 0.05,
               high: float = 0.95) -> np.ndarray:
    """Codes of an n×n grid over two code dimensions at the prior's quantiles, others held at 0.

    Both axes are :func:`prior_quantile_grid`. Rows run from the top (highest ``dims[1]`` value)
    down and, within a row, ``dims[0]`` increases left to right, so reshaping the decoded images to
    (n, n) lays them out like a plot.

    Parameters
    ----------
    n : int
        Points per axis.
    code_size : int
        Width of each code.
    dims : tuple of (int, int), default=(0, 1)
        The horizontal and vertical code dimensions, different and in [0, code_size).
    low, high : float, default=0.05, 0.95
        As for :func:`prior_quantile_grid`.

    Returns
    -------
    ndarray of shape (n * n, code_size), dtype float32
        The codes, row by row.

    Raises
    ------
    ValueError
        If ``dims`` are equal or out of range, or as :func:`prior_quantile_grid` does.
    """
    if dims[0] == dims[1] or not all(0 <= d < code_size for d in dims):
        raise ValueError(f"Pick two different code dimensions between 0 and {code_size - 1}.")
    axis = prior_quantile_grid(n, low, high)
    z = np.zeros((n * n, code_size), dtype="float32")
    z[:, dims[0]] = np.tile(axis, n)
    z[:, dims[1]] = np.repeat(axis[::-1], n)
    return z


def kl_per_dimension(vae: VAE, x: np.ndarray) -> np.ndarray:
    """Mean KL each code dimension carries on ``x``; near 0 means the dimension is unused.

    The closed form of :func:`gaussian_kl` per dimension, from one unbatched encoder call, averaged
    over samples.

    Parameters
    ----------
    vae : VAE
        A trained VAE.
    x : ndarray of shape (n_samples, n_inputs)
        Model inputs: flattened images in [0, 1], plus one-hot labels when conditional.

    Returns
    -------
    ndarray of shape (code_size,), dtype float64
        Mean KL per dimension, in nats.
    """
    mean, log_var = (np.asarray(t, "float64") for t in vae.encode(x.astype("float32")))
    return np.mean(-0.5 * (1 + log_var - mean**2 - np.exp(log_var)), axis=0)


def negative_elbo(vae: VAE, x: np.ndarray, seed: int = 0) -> float:
    """Held-out −ELBO in nats per image, lower being better.

    A one-sample Monte Carlo estimate with the KL in closed form (Kingma & Welling 2014, Sec. 3):
    per image, BCE summed over pixels for one z = μ + σ·ε, ε drawn by
    ``numpy.random.default_rng(seed)``, plus the full KL (β = 1, whatever β trained the model);
    averaged over images.

    Parameters
    ----------
    vae : VAE
        A trained VAE with the BCE loss.
    x : ndarray of shape (n_samples, n_inputs)
        Model inputs: flattened images in [0, 1], plus one-hot labels when conditional.
    seed : int, default=0
        Seed of ε.

    Returns
    -------
    float
        Mean −ELBO, nats per image.

    Raises
    ------
    ValueError
        If the VAE's loss is not ``"bce"`` (−ELBO in nats needs the Bernoulli likelihood).
    """
    if vae.loss_name != "bce":
        raise ValueError("−ELBO in nats needs the BCE (Bernoulli) reconstruction loss.")
    x = x.astype("float32")
    mean, log_var = (np.asarray(t) for t in vae.encode(x))
    eps = np.random.default_rng(seed).standard_normal(mean.shape).astype("float32")
    z = mean + np.exp(0.5 * log_var) * eps
    labels = x[:, vae.pixels:] if vae.conditional else None
    outputs = vae.decode(z, labels)
    recon = np.asarray(reconstruction_loss(x[:, :vae.pixels], outputs, "bce"))
    return float(np.mean(recon + np.asarray(gaussian_kl(mean, log_var))))
