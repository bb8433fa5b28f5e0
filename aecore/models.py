"""Keras model builders. Importing this module imports Keras (and TensorFlow, ~5 s)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import keras

from aecore.spec import AESpec, ConvSpec, TrainingSpec, VAESpec, image_side

KERAS_LOSSES = {"mse": "mse", "bce": "binary_crossentropy"}


@dataclass
class Autoencoder:
    """An autoencoder and its two halves; the halves share weights with the whole.

    ``encoder`` maps the model's input to the code the pages plot (a VAE's μ); ``callbacks``
    are what the model needs during ``fit`` (a VAE's KL warm-up).
    """

    model: keras.Model
    encoder: keras.Model
    decoder: keras.Model
    callbacks: list[keras.callbacks.Callback] = field(default_factory=list)


def build_dense_autoencoder(spec: AESpec, input_dim: int) -> Autoencoder:
    """Stacked dense autoencoder: hidden layers, a linear code, mirrored layers, sigmoid output.

    With ``spec.input_noise`` > 0 the encoder first adds Gaussian noise, in training only.

    The seed is set here, so the same spec always starts from the same weights.
    """
    keras.utils.set_random_seed(spec.seed)
    inputs = keras.Input((input_dim,), name="image")
    h = inputs
    if spec.input_noise > 0:  # active in training only
        h = keras.layers.GaussianNoise(spec.input_noise, seed=spec.seed, name="input_noise")(h)
    for i, width in enumerate(spec.hidden_layers):
        h = keras.layers.Dense(width, activation=spec.activation, name=f"encoder_{i}")(h)
    code = keras.layers.Dense(spec.code_size, name="code")(h)
    encoder = keras.Model(inputs, code, name="encoder")

    code_in = keras.Input((spec.code_size,), name="code_in")
    h = code_in
    for i, width in enumerate(reversed(spec.hidden_layers)):
        h = keras.layers.Dense(width, activation=spec.activation, name=f"decoder_{i}")(h)
    outputs = keras.layers.Dense(input_dim, activation="sigmoid", name="reconstruction")(h)
    decoder = keras.Model(code_in, outputs, name="decoder")

    return _assemble(encoder, decoder, spec)


def _assemble(encoder: keras.Model, decoder: keras.Model, spec: TrainingSpec) -> Autoencoder:
    """Chain the halves into one compiled model that shares their weights."""
    inputs = keras.Input(encoder.input_shape[1:], name="input")
    model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    model.compile(optimizer=keras.optimizers.Adam(spec.learning_rate),
                  loss=KERAS_LOSSES[spec.loss])
    return Autoencoder(model, encoder, decoder)


def build_conv_autoencoder(spec: ConvSpec, input_dim: int) -> Autoencoder:
    """Conv2D encoder (stride 2 per block), Conv2DTranspose decoder, sigmoid output.

    Takes and returns flattened images like the dense model, so the engine treats both alike;
    the code is the encoder's last feature map, flattened.
    """
    keras.utils.set_random_seed(spec.seed)
    side = image_side(input_dim)
    inputs = keras.Input((input_dim,), name="image")
    h = keras.layers.Reshape((side, side, 1))(inputs)
    for i in range(spec.depth):
        h = keras.layers.Conv2D(spec.filters * 2**i, 3, strides=2, padding="same",
                                activation=spec.activation, name=f"encoder_conv_{i}")(h)
    code_shape = tuple(h.shape[1:])
    encoder = keras.Model(inputs, keras.layers.Flatten(name="code")(h), name="encoder")

    code_in = keras.Input((math.prod(code_shape),), name="code_in")
    h = keras.layers.Reshape(code_shape)(code_in)
    for i in reversed(range(spec.depth)):
        h = keras.layers.Conv2DTranspose(spec.filters * 2**i, 3, strides=2, padding="same",
                                         activation=spec.activation, name=f"decoder_conv_{i}")(h)
    h = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="pixels")(h)
    decoder = keras.Model(code_in, keras.layers.Flatten(name="reconstruction")(h),
                          name="decoder")
    return _assemble(encoder, decoder, spec)


def build_model(spec: TrainingSpec, input_dim: int) -> Autoencoder:
    """The autoencoder a spec describes: dense (:class:`AESpec`), convolutional
    (:class:`ConvSpec`) or variational (:class:`VAESpec`)."""
    if isinstance(spec, VAESpec):
        from aecore.vae import build_vae  # aecore.vae builds on this module

        return build_vae(spec, input_dim)
    if isinstance(spec, ConvSpec):
        return build_conv_autoencoder(spec, input_dim)
    if isinstance(spec, AESpec):
        return build_dense_autoencoder(spec, input_dim)
    raise TypeError(f"No model builder for {type(spec).__name__}.")
