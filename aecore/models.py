"""Keras model builders: one dense stack and one convolution stack, shared by every model.

Importing this module imports Keras (and TensorFlow, ~5 s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import keras

from aecore.spec import AESpec, ConvSpec, TrainingSpec, image_side

KERAS_LOSSES = {"mse": "mse", "bce": "binary_crossentropy"}


@dataclass
class Network:
    """A compiled model and its two halves, which share weights with the whole.

    ``encoder`` maps the model's input to the code the pages plot (a VAE's μ); ``callbacks``
    are what the model needs during ``fit`` (a VAE's KL warm-up).
    """

    model: keras.Model
    encoder: keras.Model
    decoder: keras.Model
    callbacks: list[keras.callbacks.Callback] = field(default_factory=list)


def dense_stack(h, widths: tuple[int, ...], activation: str, prefix: str):
    """Dense layers of the given widths, named ``{prefix}_0``, ``{prefix}_1`` …"""
    for i, width in enumerate(widths):
        h = keras.layers.Dense(width, activation=activation, name=f"{prefix}_{i}")(h)
    return h


def conv_encoder_stack(images, filters: int, depth: int, activation: str):
    """Flattened square images → ``depth`` stride-2 Conv2D blocks (``filters`` doubling per
    block); returns the last feature map, of shape (side / 2^depth, side / 2^depth, channels)."""
    side = image_side(images.shape[-1])
    h = keras.layers.Reshape((side, side, 1))(images)
    for i in range(depth):
        h = keras.layers.Conv2D(filters * 2**i, 3, strides=2, padding="same",
                                activation=activation, name=f"encoder_conv_{i}")(h)
    return h


def conv_decoder_stack(feature_map, filters: int, depth: int, activation: str):
    """The mirror of :func:`conv_encoder_stack`: Conv2DTranspose blocks, then a sigmoid Conv2D
    to one channel; returns flattened images."""
    h = feature_map
    for i in reversed(range(depth)):
        h = keras.layers.Conv2DTranspose(filters * 2**i, 3, strides=2, padding="same",
                                         activation=activation, name=f"decoder_conv_{i}")(h)
    h = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="pixels")(h)
    return keras.layers.Flatten(name="reconstruction")(h)


def conv_feature_shape(side: int, filters: int, depth: int) -> tuple[int, int, int]:
    """Shape of the conv encoder's last feature map for ``side``×``side`` images."""
    reduced = side // 2**depth
    return reduced, reduced, filters * 2 ** (depth - 1)


def build_dense_autoencoder(spec: AESpec, input_dim: int) -> Network:
    """Stacked dense autoencoder: hidden layers, a linear code, mirrored layers, sigmoid output.

    With ``spec.input_noise`` > 0 the encoder first adds Gaussian noise, in training only.
    The seed is set here, so the same spec always starts from the same weights.
    """
    keras.utils.set_random_seed(spec.seed)
    inputs = keras.Input((input_dim,), name="image")
    h = _input_noise(inputs, spec)
    h = dense_stack(h, spec.hidden_layers, spec.activation, "encoder")
    code = keras.layers.Dense(spec.code_size, name="code")(h)
    encoder = keras.Model(inputs, code, name="encoder")

    code_in = keras.Input((spec.code_size,), name="code_in")
    h = dense_stack(code_in, tuple(reversed(spec.hidden_layers)), spec.activation, "decoder")
    outputs = keras.layers.Dense(input_dim, activation="sigmoid", name="reconstruction")(h)
    return _assemble(encoder, keras.Model(code_in, outputs, name="decoder"), spec)


def build_conv_autoencoder(spec: ConvSpec, input_dim: int) -> Network:
    """Conv2D encoder (stride 2 per block), Conv2DTranspose decoder, sigmoid output.

    Takes and returns flattened images like the dense model, so the engine treats both alike;
    the code is the encoder's last feature map, flattened.
    """
    keras.utils.set_random_seed(spec.seed)
    inputs = keras.Input((input_dim,), name="image")
    h = conv_encoder_stack(_input_noise(inputs, spec), spec.filters, spec.depth, spec.activation)
    code_shape = tuple(h.shape[1:])
    encoder = keras.Model(inputs, keras.layers.Flatten(name="code")(h), name="encoder")

    code_in = keras.Input((math.prod(code_shape),), name="code_in")
    outputs = conv_decoder_stack(keras.layers.Reshape(code_shape)(code_in), spec.filters,
                                 spec.depth, spec.activation)
    return _assemble(encoder, keras.Model(code_in, outputs, name="decoder"), spec)


def _input_noise(inputs, spec: AESpec | ConvSpec):
    if spec.input_noise == 0:
        return inputs
    # GaussianNoise acts in training only, so inference stays deterministic.
    return keras.layers.GaussianNoise(spec.input_noise, seed=spec.seed, name="input_noise")(inputs)


def _assemble(encoder: keras.Model, decoder: keras.Model, spec: TrainingSpec) -> Network:
    """Chain the halves into one compiled model that shares their weights."""
    inputs = keras.Input(encoder.input_shape[1:], name="input")
    model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    model.compile(optimizer=keras.optimizers.Adam(spec.learning_rate),
                  loss=KERAS_LOSSES[spec.loss])
    return Network(model, encoder, decoder)


def autoencoder_halves(model: keras.Model) -> Network:
    """A loaded autoencoder (from :func:`_assemble`) with its encoder and decoder."""
    return Network(model, model.get_layer("encoder"), model.get_layer("decoder"))
