"""Keras model builders: one dense stack and one convolution stack, shared by every model.

Importing this module imports Keras (and TensorFlow, ~5 s).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import keras

from aecore.spec import AESpec, ConvSpec, TrainingSpec, image_side

KERAS_LOSSES = {"mse": "mse", "bce": "binary_crossentropy"}


@dataclass
class Network:
    """A compiled model and its two halves, which share weights with the whole.

    Attributes
    ----------
    model : keras.Model
        The compiled model (an autoencoder or a :class:`aecore.vae.VAE`): inputs → reconstructions.
    encoder : keras.Model
        The model's input → the code the pages plot (a VAE's μ).
    decoder : keras.Model
        Code → reconstruction, pixels in [0, 1].
    callbacks : list of keras.callbacks.Callback, default=[]
        What the model needs during ``fit`` (a VAE's KL warm-up).
    """

    model: keras.Model
    encoder: keras.Model
    decoder: keras.Model
    callbacks: list[keras.callbacks.Callback] = field(default_factory=list)


_SEEDING = threading.Lock()  # Keras draws unseeded initialisers' seeds from Python's `random`
Spec = TypeVar("Spec", bound=TrainingSpec)


def seeded(build: Callable[[Spec, int], Network]) -> Callable[[Spec, int], Network]:
    """Decorate a model builder ``build(spec, input_dim)`` so that it runs with Keras' global
    seed set to ``spec.seed``, under a process-wide lock.

    The initial weights then depend on the seed only, even while other threads (other sessions
    of a server) build models: ``keras.utils.set_random_seed`` seeds Python's process-wide
    ``random``, from which every layer's initialiser draws its own seed when it is created.
    """
    @functools.wraps(build)
    def seeded_build(spec: Spec, input_dim: int) -> Network:
        with _SEEDING:
            keras.utils.set_random_seed(spec.seed)
            return build(spec, input_dim)
    return seeded_build


def dense_stack(h, widths: tuple[int, ...], activation: str, prefix: str):
    """Dense layers of the given widths, applied in turn to ``h``.

    Parameters
    ----------
    h : KerasTensor of shape (batch, n)
        Input.
    widths : tuple of int
        Units per layer, in order.
    activation : str
        Keras activation of every layer.
    prefix : str
        Layers are named ``{prefix}_0``, ``{prefix}_1`` …

    Returns
    -------
    KerasTensor of shape (batch, widths[-1])
        The last layer's output; ``h`` itself when ``widths`` is empty.
    """
    for i, width in enumerate(widths):
        h = keras.layers.Dense(width, activation=activation, name=f"{prefix}_{i}")(h)
    return h


def conv_encoder_stack(images, filters: int, depth: int, activation: str,
                       convs_per_block: int = 1):
    """Reshape flattened square images and apply ``depth`` Conv2D blocks, each halving the side.

    Block i has ``filters · 2^i`` 3×3 filters in every convolution, ``"same"`` padding and
    ``activation``: ``convs_per_block − 1`` stride-1 convolutions at the block's input resolution
    (named ``encoder_conv_{i}_{j}``), then one of stride 2 (``encoder_conv_{i}``), which halves
    the side, rounding up.

    Parameters
    ----------
    images : KerasTensor of shape (batch, side * side)
        Flattened single-channel square images.
    filters : int
        Filters in the first block.
    depth : int
        Number of blocks.
    activation : str
        Keras activation of every convolution.
    convs_per_block : int, default=1
        Convolutions per block, the stride-2 one included.

    Returns
    -------
    KerasTensor of shape (batch, s, s, filters · 2^(depth − 1))
        The last feature map, s = ⌈side / 2^depth⌉.

    Raises
    ------
    ValueError
        From :func:`aecore.spec.image_side`, if the images are not square.
    """
    side = image_side(images.shape[-1])
    h = keras.layers.Reshape((side, side, 1))(images)
    for i in range(depth):
        for j in range(convs_per_block - 1):
            h = keras.layers.Conv2D(filters * 2**i, 3, padding="same", activation=activation,
                                    name=f"encoder_conv_{i}_{j}")(h)
        h = keras.layers.Conv2D(filters * 2**i, 3, strides=2, padding="same",
                                activation=activation, name=f"encoder_conv_{i}")(h)
    return h


def conv_decoder_stack(feature_map, filters: int, depth: int, activation: str,
                       convs_per_block: int = 1):
    """The mirror of :func:`conv_encoder_stack`: transposed-convolution blocks, then a sigmoid.

    Blocks i = depth − 1, …, 0 have ``filters · 2^i`` 3×3 filters in every convolution,
    ``"same"`` padding and ``activation``: a stride-2 Conv2DTranspose (``decoder_conv_{i}``),
    which doubles the side, then ``convs_per_block − 1`` stride-1 Conv2D
    (``decoder_conv_{i}_{j}``). A 3×3 Conv2D to one sigmoid channel (``"pixels"``) follows, then
    a flatten (``"reconstruction"``).

    Parameters
    ----------
    feature_map : KerasTensor of shape (batch, h, w, c)
        The code as a feature map.
    filters, depth, convs_per_block : int
        As for :func:`conv_encoder_stack`.
    activation : str
        Keras activation of the blocks' convolutions.

    Returns
    -------
    KerasTensor of shape (batch, h · 2^depth · w · 2^depth)
        Flattened images, pixels in [0, 1].
    """
    h = feature_map
    for i in reversed(range(depth)):
        h = keras.layers.Conv2DTranspose(filters * 2**i, 3, strides=2, padding="same",
                                         activation=activation, name=f"decoder_conv_{i}")(h)
        for j in range(convs_per_block - 1):
            h = keras.layers.Conv2D(filters * 2**i, 3, padding="same", activation=activation,
                                    name=f"decoder_conv_{i}_{j}")(h)
    h = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="pixels")(h)
    return keras.layers.Flatten(name="reconstruction")(h)


def conv_feature_shape(side: int, filters: int, depth: int) -> tuple[int, int, int]:
    """Shape of the conv encoder's last feature map for ``side``×``side`` images.

    Parameters
    ----------
    side : int
        Image side, in pixels.
    filters, depth : int
        As for :func:`conv_encoder_stack`.

    Returns
    -------
    tuple of (int, int, int)
        ``(side // 2^depth, side // 2^depth, filters · 2^(depth − 1))``; it matches the encoder
        only when 2^depth divides ``side``, as :meth:`aecore.spec.ConvSpec.checked_for` ensures.
    """
    reduced = side // 2**depth
    return reduced, reduced, filters * 2 ** (depth - 1)


@seeded
def build_dense_autoencoder(spec: AESpec, input_dim: int) -> Network:
    """Stacked dense autoencoder: hidden layers, a linear code, mirrored layers, sigmoid output.

    With ``spec.input_noise`` > 0 the encoder first adds Gaussian noise of that σ (pixel units), in
    training only (Keras' ``GaussianNoise``). Built :func:`seeded`, so the same spec always starts
    from the same weights. The model is compiled with Adam at
    ``spec.learning_rate`` and Keras' ``"mse"`` or ``"binary_crossentropy"`` loss (each a mean
    over features).

    Parameters
    ----------
    spec : aecore.spec.AESpec
        The hyperparameters.
    input_dim : int
        Features per input row, n_features.

    Returns
    -------
    Network
        Encoder (input_dim → ``spec.code_size``), decoder (code → input_dim, in [0, 1]) and the
        compiled model chaining them; no callbacks.
    """
    inputs = keras.Input((input_dim,), name="image")
    h = _input_noise(inputs, spec)
    h = dense_stack(h, spec.hidden_layers, spec.activation, "encoder")
    code = keras.layers.Dense(spec.code_size, name="code")(h)
    encoder = keras.Model(inputs, code, name="encoder")

    code_in = keras.Input((spec.code_size,), name="code_in")
    h = dense_stack(code_in, tuple(reversed(spec.hidden_layers)), spec.activation, "decoder")
    outputs = keras.layers.Dense(input_dim, activation="sigmoid", name="reconstruction")(h)
    return _assemble(encoder, keras.Model(code_in, outputs, name="decoder"), spec)


@seeded
def build_conv_autoencoder(spec: ConvSpec, input_dim: int) -> Network:
    """Convolutional autoencoder: Conv2D encoder (stride 2 per block), Conv2DTranspose decoder.

    Takes and returns flattened images like the dense model, so the engine treats both alike; the
    code is the encoder's last feature map, flattened (see :func:`conv_encoder_stack`). Each
    block has ``spec.convs_per_block`` convolutions (:class:`aecore.spec.ConvSpec`). Input noise,
    seeding and compiling are as in :func:`build_dense_autoencoder`.

    Parameters
    ----------
    spec : aecore.spec.ConvSpec
        The hyperparameters.
    input_dim : int
        Pixels per image: a perfect square whose side 2^depth divides (else the reconstruction
        has another size; see :meth:`aecore.spec.ConvSpec.checked_for`).

    Returns
    -------
    Network
        Encoder (input_dim → s · s · filters · 2^(depth − 1) numbers, s = side / 2^depth), decoder
        (code → input_dim, pixels in [0, 1]) and the compiled model chaining them; no callbacks.

    Raises
    ------
    ValueError
        From :func:`aecore.spec.image_side`, if ``input_dim`` is not a perfect square.
    """
    inputs = keras.Input((input_dim,), name="image")
    h = conv_encoder_stack(_input_noise(inputs, spec), spec.filters, spec.depth, spec.activation,
                           spec.convs_per_block)
    code_shape = tuple(h.shape[1:])
    encoder = keras.Model(inputs, keras.layers.Flatten(name="code")(h), name="encoder")

    code_in = keras.Input((math.prod(code_shape),), name="code_in")
    outputs = conv_decoder_stack(keras.layers.Reshape(code_shape)(code_in), spec.filters,
                                 spec.depth, spec.activation, spec.convs_per_block)
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
    """A loaded autoencoder, built by this module, with its encoder and decoder.

    Parameters
    ----------
    model : keras.Model
        A model from :func:`build_dense_autoencoder` or :func:`build_conv_autoencoder`, e.g. read
        back from a ``.keras`` file.

    Returns
    -------
    Network
        ``model`` and its layers named ``"encoder"`` and ``"decoder"``; no callbacks.

    Raises
    ------
    ValueError
        From Keras, if ``model`` has no layer of either name.
    """
    return Network(model, model.get_layer("encoder"), model.get_layer("decoder"))
