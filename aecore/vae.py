"""Variational autoencoders: the model (with a registered sampling layer, so `.keras` files
load back), KL warm-up, and the maths of sampling, latent grids and the ELBO.

Importing this module imports Keras and TensorFlow (the training step uses a gradient tape).
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
)
from aecore.spec import N_CLASSES, VAESpec, image_side

PACKAGE = "aecore"


@keras.saving.register_keras_serializable(package=PACKAGE)
class Sampling(keras.layers.Layer):
    """z = μ + σ·ε with ε ~ N(0, I): the reparameterisation that lets gradients reach μ, σ."""

    def __init__(self, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        eps = keras.random.normal(keras.ops.shape(mean), seed=self.seed_generator)
        return mean + keras.ops.exp(0.5 * log_var) * eps

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed}


def gaussian_kl(mean, log_var):
    """KL(N(μ, σ²) ‖ N(0, 1)) per input, summed over code dimensions (nats)."""
    return -0.5 * keras.ops.sum(1 + log_var - mean**2 - keras.ops.exp(log_var), axis=-1)


def reconstruction_loss(targets, outputs, loss: str):
    """Per-image reconstruction loss summed over pixels (nats for BCE)."""
    if loss == "bce":
        outputs = keras.ops.clip(outputs, 1e-7, 1 - 1e-7)
        return keras.ops.sum(keras.ops.binary_crossentropy(targets, outputs), axis=-1)
    return keras.ops.sum((targets - outputs) ** 2, axis=-1)


@keras.saving.register_keras_serializable(package=PACKAGE)
class VAE(keras.Model):
    """Takes flattened images (followed by one-hot labels when conditional) and returns the
    reconstruction decoded from μ; training samples z and minimises reconstruction + β·KL,
    logging both parts."""

    def __init__(self, encoder: keras.Model, decoder: keras.Model, pixels: int,
                 loss: str = "bce", beta: float = 1.0, conditional: bool = False,
                 seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.pixels, self.loss_name, self.target_beta = pixels, loss, beta
        self.conditional, self.seed = conditional, seed
        self.beta = self.add_weight(shape=(), initializer=keras.initializers.Constant(beta),
                                    trainable=False, name="beta")
        self.sampling = Sampling(seed)
        self.trackers = {n: keras.metrics.Mean(name=n) for n in ("loss", "reconstruction", "kl")}
        self.built = True  # its parts are built functional models; nothing is left to build

    def _split(self, inputs):
        images = inputs[:, :self.pixels]
        return (images, inputs[:, self.pixels:]) if self.conditional else (images, None)

    def encode(self, inputs, training=False):
        images, labels = self._split(inputs)
        return self.encoder([images, labels] if self.conditional else images, training=training)

    def decode(self, z, labels=None, training=False):
        return self.decoder([z, labels] if self.conditional else z, training=training)

    def call(self, inputs, training=False):
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
        inputs = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            recon, kl = self._loss_parts(inputs, training=True)
            total = recon + self.beta * kl
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights, strict=True))
        return self._record(recon, kl)

    def test_step(self, data):
        inputs = data[0] if isinstance(data, tuple) else data
        return self._record(*self._loss_parts(inputs, training=False))

    @property
    def metrics(self):
        return list(self.trackers.values())

    def get_config(self) -> dict:
        return {**super().get_config(), "pixels": self.pixels, "loss": self.loss_name,
                "beta": self.target_beta, "conditional": self.conditional, "seed": self.seed,
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config: dict) -> VAE:
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


class KLWarmup(keras.callbacks.Callback):
    """Raise β linearly from β/N to β over the first N epochs."""

    def __init__(self, epochs: int) -> None:
        super().__init__()
        self.epochs = epochs

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
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


def build_vae(spec: VAESpec, input_dim: int) -> Network:
    """A dense or convolutional VAE; ``input_dim`` includes the one-hot labels if conditional."""
    keras.utils.set_random_seed(spec.seed)
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

    vae = VAE(encoder, decoder, pixels, spec.loss, spec.beta, spec.conditional, spec.seed)
    vae.compile(optimizer=keras.optimizers.Adam(spec.learning_rate))
    warmup = [KLWarmup(spec.warmup_epochs)] if spec.warmup_epochs else []
    return Network(vae, mean_encoder(vae, input_dim), decoder, callbacks=warmup)


def mean_encoder(vae: VAE, input_dim: int) -> keras.Model:
    """The model from the VAE's input to μ: the code the pages plot and ``transform`` gives."""
    flat = keras.Input((input_dim,))
    return keras.Model(flat, vae.encode(flat)[0], name="mean_encoder")


def prior_quantile_grid(n: int, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    """n points along one code axis at evenly spaced quantiles of N(0, 1) (not a linear range),
    so each grid cell covers the same share of the prior's mass."""
    if not 0 < low < high < 1:
        raise ValueError("Quantiles must satisfy 0 < low < high < 1.")
    return norm.ppf(np.linspace(low, high, n))


def grid_codes(n: int, code_size: int, dims: tuple[int, int] = (0, 1), low: float = 0.05,
               high: float = 0.95) -> np.ndarray:
    """Codes of an n×n grid over two code dimensions at the prior's quantiles (others 0), row
    by row from the top (high second-dimension values) down: shape (n², code_size)."""
    if dims[0] == dims[1] or not all(0 <= d < code_size for d in dims):
        raise ValueError(f"Pick two different code dimensions between 0 and {code_size - 1}.")
    axis = prior_quantile_grid(n, low, high)
    z = np.zeros((n * n, code_size), dtype="float32")
    z[:, dims[0]] = np.tile(axis, n)
    z[:, dims[1]] = np.repeat(axis[::-1], n)
    return z


def kl_per_dimension(vae: VAE, x: np.ndarray) -> np.ndarray:
    """Mean KL (nats) each code dimension carries; near 0 means the dimension is unused."""
    mean, log_var = (np.asarray(t, "float64") for t in vae.encode(x.astype("float32")))
    return np.mean(-0.5 * (1 + log_var - mean**2 - np.exp(log_var)), axis=0)


def negative_elbo(vae: VAE, x: np.ndarray, seed: int = 0) -> float:
    """Held-out −ELBO in nats per image: BCE summed over pixels for one sampled code, plus the
    full KL (β = 1, whatever β trained the model)."""
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
