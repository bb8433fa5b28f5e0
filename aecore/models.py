"""Keras model builders. Importing this module imports Keras (and TensorFlow, ~5 s)."""

from __future__ import annotations

from dataclasses import dataclass

import keras

from aecore.spec import AESpec

KERAS_LOSSES = {"mse": "mse", "bce": "binary_crossentropy"}


@dataclass
class Autoencoder:
    """An autoencoder and its two halves; the halves share weights with the whole."""

    model: keras.Model
    encoder: keras.Model
    decoder: keras.Model


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

    model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    model.compile(optimizer=keras.optimizers.Adam(spec.learning_rate),
                  loss=KERAS_LOSSES[spec.loss])
    return Autoencoder(model, encoder, decoder)
