"""Autoencoder hyperparameters as a frozen, validated spec.

Each hyperparameter's default, range and help text live here once (:data:`PARAMS`); the pages
build their widgets from these entries, so the UI and the library never disagree.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, ClassVar, Self

import numpy as np

LOSSES = {"mse": "Squared error", "bce": "Cross-entropy"}  # as the select box shows them
ACTIVATIONS = ("relu", "selu", "elu", "tanh", "sigmoid", "gelu")
NEIGHBOR_LOSSES = ("graph", "embedding")  # aecore.neighbors: UMAP loss on edges, or on its map
SCORES = {"error": "Reconstruction error",  # an anomaly detector's scores (aecore.anomaly)
          "error+code": "Ink-relative error + code distance"}
NETWORKS = {"dense": "Dense", "conv": "Convolutional"}
# how select boxes show a hyperparameter's choices; links and configs may use either
CHOICE_LABELS = {"loss": LOSSES, "score": SCORES, "network": NETWORKS}


def choice_label(name: str, choice: str) -> str:
    """Choice ``choice`` of hyperparameter ``name`` as its select box shows it
    (:data:`CHOICE_LABELS`; e.g. "bce" → "Cross-entropy"), else unchanged."""
    return CHOICE_LABELS.get(name, {}).get(choice, choice)


@dataclass(frozen=True)
class Param:
    """One hyperparameter's range and help text, read by the UI's widgets.

    Attributes
    ----------
    label : str
        Display name, also used in error messages.
    help : str
        Help text shown with the widget.
    min, max : float or None, default=None
        Inclusive range, checked by :func:`check_range`; None for choices and flags.
    choices : tuple of str, default=()
        Allowed values of a categorical hyperparameter.
    step : float, default=1
        A numeric widget's increment.
    format : str or None, default=None
        A numeric widget's printf format, for fractional values.
    flag : bool, default=False
        Whether it is a yes/no switch.
    slider : bool, default=False
        Whether a numeric widget is a slider rather than a number box.
    """

    label: str
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    step: float = 1  # a widget's increment
    format: str | None = None  # a widget's printf format, for fractional values
    flag: bool = False  # a yes/no switch
    slider: bool = False  # drawn as a slider rather than a number box


PARAMS: dict[str, Param] = {
    "code_size": Param("Code size", "Width of the bottleneck: the number of numbers each image is "
                       "squeezed into. 2 lets you plot the code directly. (A convolutional "
                       "autoencoder's code is its last feature map instead.)", 1, 256),
    "n_layers": Param("Number of hidden layers", "Hidden layers in the encoder; the decoder "
                      "mirrors them.", 0, 8),
    "first_layer": Param("Nodes in the first layer", "Width of the encoder's first hidden layer; "
                         "each further layer halves it (a 'sandwich').", 1, 4096, step=16),
    "hidden_layers": Param("Nodes per layer", "Encoder widths from input to code, comma-separated; "
                           "the decoder mirrors them. Filled in from the two numbers above; edit "
                           "freely for any other shape.", 1, 4096),
    "loss": Param("Loss", "Mean squared error (MSE) treats pixels as numbers; binary "
                  "cross-entropy (BCE) treats each pixel as a probability of ink (needs data in "
                  "[0, 1]).", choices=tuple(LOSSES)),
    "activation": Param("Activation", "Non-linearity of the hidden layers. The code layer is "
                        "linear, the output a sigmoid (pixels lie in [0, 1]).",
                        choices=ACTIVATIONS),
    "input_noise": Param("Input noise σ", "Gaussian noise added to the inputs while training "
                         "only, so the network learns to rebuild clean images from noisy ones "
                         "(a denoising autoencoder); it makes the code more robust.", 0.0, 1.0,
                         step=0.05, format="%.2f"),
    "rbm_epochs": Param("RBM pretraining epochs", "Dense networks only. Before the usual "
                        "training, pretrain the layers one by one as restricted Boltzmann "
                        "machines, each for this many passes over the training images, as in "
                        "Hinton & Salakhutdinov (2006); training then starts from their "
                        "weights. RBM units are logistic, so the hidden layers become sigmoid "
                        "(the Activation setting is set aside); the code stays linear. 0 = no "
                        "pretraining.", 0, 200),
    "neighbor_weight": Param("Neighbour loss weight", "Adds UMAP's loss to the reconstruction "
                             "loss, times this weight: codes of images that are near neighbours "
                             "in pixel space are pulled together and others pushed apart, so the "
                             "map keeps classes apart like t-SNE's while the decoder still "
                             "rebuilds the images (Sainburg et al. 2021). 0 = a plain "
                             "autoencoder. Dense networks only.", 0.0, 5.0, step=0.05,
                             format="%.2f", slider=True),
    "neighbor_loss": Param("Neighbour loss", "How the neighbour loss keeps neighbours together: "
                           "UMAP's loss on sampled pairs of neighbouring images (graph), or "
                           "the distance of each image's code to its place in UMAP's map of the "
                           "training images (embedding), which places unseen images better.",
                           choices=NEIGHBOR_LOSSES),
    "filters": Param("Filters", "Filters in the first convolution block; each further block "
                     "doubles them.", 4, 128),
    "depth": Param("Depth", "Convolution blocks; each halves the image's side (28 → 14 → 7).",
                   1, 3),
    "network": Param("Network", "Dense layers, or convolutions that see the image's "
                          "2-D structure.", choices=tuple(NETWORKS)),
    "beta": Param("β (KL weight)", "Weight of the KL term that pulls codes toward the prior: "
                  "0 gives a plain autoencoder, larger values a smoother but blurrier latent "
                  "space.", 0.0, 10.0, step=0.1, format="%.2f"),
    "warmup_epochs": Param("KL warm-up epochs", "Raise β linearly over this many epochs (β/N in "
                           "the first, full β from the N-th; 0: full β from the start); helps "
                           "avoid posterior collapse.", 0, 500),
    "encoder_dropout": Param("Encoder dropout", "Share of the encoder's features (a conv "
                             "encoder's feature maps, a dense one's pixels) zeroed at random in "
                             "each training step: it curbs overfitting on small data.", 0.0, 0.8,
                             step=0.05, format="%.2f"),
    "dynamic_binarization": Param("Dynamic binarisation", "Train on a fresh black-and-white "
                                  "draw of each image at every step (each pixel is ink with "
                                  "probability its grey value): the same loss on average, but "
                                  "the network cannot learn the training images' exact greys, "
                                  "so it overfits less on small data.", flag=True),
    "conditional": Param("Conditional on the label", "Feed the label to encoder and decoder, so "
                         "you can ask the decoder for a chosen class.", flag=True),
    "epochs": Param("Epochs", "Passes over the training images.", 1, 500),
    "batch_size": Param("Batch size", "Images per gradient step.", 1, 4096, step=16),
    "learning_rate": Param("Learning rate", "Adam's step size.", 1e-5, 1.0, step=1e-4,
                           format="%.5f"),
    "lr_decay": Param("Cosine decay", "Lower the learning rate from its value "
                      "towards 0 along half a cosine over the epochs: big steps first, fine ones "
                      "at the end, which settles the final loss lower and steadier.", flag=True),
    "contamination": Param("Threshold contamination", "Expected share of anomalies in the "
                           "training data: the detector's threshold flags this share of the "
                           "training scores (PyOD's convention).", 0.001, 0.5, step=0.01,
                           format="%.3f"),
    "smoothing": Param("Error smoothing σ (pixels)", "Images only. The difference between input "
                       "and reconstruction is blurred before it is squared: a stroke drawn one "
                       "pixel off then costs little, a missing or extra stroke still costs a "
                       "lot. 0 = plain mean squared error.", 0.0, 3.0, step=0.5, format="%.1f"),
    "score": Param("Anomaly score", "What makes a row anomalous: its reconstruction error, or "
                   "(images only) its error relative to the ink drawn plus how far its code lies "
                   "from the training codes.", choices=tuple(SCORES)),
    "seed": Param("Seed", "Fixes the weights' initialisation and the batch order, so a run can be "
                  "repeated.", 0, 2**31 - 1),
}
# estimator parameters that no widget sets but that a stored run's config holds
OTHER_PARAM_LABELS = {"rescale": "Min–max scaling", "image_shape": "Image shape"}


def label_name(label: int, class_names: Sequence[str]) -> str:
    """Label ``label``'s class name, or the number itself where ``class_names`` has none for
    it (empty class names: the labels are their own names)."""
    return class_names[label] if 0 <= label < len(class_names) else str(label)


def param_label(name: str) -> str:
    """A hyperparameter's name as a person reads it: its widget's label (:data:`PARAMS`), or
    :data:`OTHER_PARAM_LABELS`'s; other names unchanged."""
    return PARAMS[name].label if name in PARAMS else OTHER_PARAM_LABELS.get(name, name)


def sandwich(first_layer: int, n_layers: int, code_size: int = 1) -> tuple[int, ...]:
    """Encoder widths halving per layer, never below the code.

    Parameters
    ----------
    first_layer : int
        Width of the first hidden layer.
    n_layers : int
        Number of hidden layers.
    code_size : int, default=1
        Floor of every width.

    Returns
    -------
    tuple of int
        ``max(first_layer // 2^i, code_size)`` for i = 0, …, n_layers − 1; e.g.
        ``sandwich(400, 4)`` is (400, 200, 100, 50).
    """
    return tuple(max(first_layer // 2**i, code_size) for i in range(n_layers))


@dataclass(frozen=True)
class TrainingSpec:
    """What every model's training needs: loss, epochs, batch size, learning rate, decay and seed.

    Frozen, and validated on construction against the ranges in :data:`PARAMS`.

    Parameters
    ----------
    loss : {"bce", "mse"}, default="bce"
        Binary cross-entropy or mean squared error (see :data:`LOSSES`).
    epochs : int, default=100
        Passes over the training data.
    batch_size : int, default=64
        Samples per gradient step.
    learning_rate : float, default=1e-3
        Adam's step size.
    lr_decay : bool, default=False
        Cosine decay of the rate over the epochs (:func:`aecore.training.cosine_learning_rate`).
    seed : int, default=0
        Seed of the weights' initialisation, the noise and the batch order.

    Raises
    ------
    ValueError
        If a value is outside its range in :data:`PARAMS` or ``loss`` is unknown.
    """

    loss: str = "bce"
    epochs: int = 100
    batch_size: int = 64
    learning_rate: float = 1e-3
    lr_decay: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):  # NumPy numbers and whole floats become plain Python values
            object.__setattr__(self, f.name, _as_declared_type(f.name, f.type,
                                                              getattr(self, f.name)))
        for name in ("epochs", "batch_size", "learning_rate", "seed"):
            check_range(name, getattr(self, name))
        if self.loss not in LOSSES:
            raise ValueError(f"Loss must be one of {', '.join(LOSSES)}; got {self.loss!r}.")

    def checked_for(self, x: np.ndarray) -> Self:
        """Return self if it can be trained on ``x``, else raise ValueError.

        Parameters
        ----------
        x : ndarray of shape (n_samples, n_features)
            Already validated (:func:`aecore.validation.check_data`): float32, finite, in [0, 1].
            Only what depends on the spec is checked here.

        Returns
        -------
        TrainingSpec
            ``self``.

        Raises
        ------
        ValueError
            If ``batch_size`` exceeds n_samples.
        """
        if self.batch_size > len(x):
            raise ValueError(f"Batch size {self.batch_size} exceeds the {len(x)} training samples "
                             f"(n_samples = {len(x)}).")
        return self

    def replace(self, **changes: Any) -> Self:
        """A validated copy with some fields changed (:func:`dataclasses.replace`).

        Parameters
        ----------
        **changes
            New field values, by name.

        Returns
        -------
        TrainingSpec
            A new spec of the same class.

        Raises
        ------
        ValueError
            If a new value is invalid, as on construction.
        TypeError
            If a name is not a field.
        """
        return replace(self, **changes)

    def as_kwargs(self) -> dict[str, Any]:
        """The fields by name, as :func:`dataclasses.asdict` gives them."""
        return asdict(self)


@dataclass(frozen=True)
class AESpec(TrainingSpec):
    """A dense autoencoder: input → hidden_layers → code → mirrored hidden layers → input.

    Parameters
    ----------
    code_size : int, default=2
        Width of the linear code layer.
    hidden_layers : tuple of int, default=(1000, 500, 250)
        Encoder widths from input to code, stored as ints; the decoder mirrors them.
    activation : str, default="relu"
        Hidden layers' activation, one of :data:`ACTIVATIONS`.
    input_noise : float, default=0.3
        σ of Gaussian noise added to the inputs in training only, in pixel units.
    rbm_epochs : int, default=0
        Epochs of layer-wise RBM pretraining per layer before training (:mod:`aecore.rbm`);
        0 means none. Pretrained hidden layers are logistic, so it needs ``activation="sigmoid"``.
    neighbor_weight : float, default=0.0
        Weight of the neighbour (UMAP) loss added to the reconstruction loss; 0 trains a plain
        autoencoder (see :mod:`aecore.neighbors`).
    neighbor_loss : {"graph", "embedding"}, default="graph"
        That loss: UMAP's cross-entropy on sampled edges of the training images' neighbour
        graph, or the squared distance of each code to the image's place in UMAP's map.
    loss, epochs, batch_size, learning_rate, lr_decay, seed
        As for :class:`TrainingSpec`.

    Raises
    ------
    ValueError
        If a value is out of range, there are more than ``PARAMS["n_layers"].max`` (8) hidden
        layers, a hidden layer is narrower than the code, the activation is unknown, or
        ``rbm_epochs`` > 0 with another activation than "sigmoid".
    """

    code_size: int = 2
    hidden_layers: tuple[int, ...] = (1000, 500, 250)
    activation: str = "relu"
    input_noise: float = 0.3
    rbm_epochs: int = 0
    neighbor_weight: float = 0.0
    neighbor_loss: str = "graph"

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("code_size", "input_noise", "rbm_epochs", "neighbor_weight"):
            check_range(name, getattr(self, name))
        check_choice("neighbor_loss", self.neighbor_loss)
        _check_layers(self.hidden_layers, self.code_size)
        _check_activation(self.activation)
        if self.rbm_epochs and self.activation != "sigmoid":
            raise ValueError(f"RBM pretraining gives logistic hidden units, so it needs the "
                             f"sigmoid activation; got {self.activation!r}.")

    def checked_for(self, x: np.ndarray) -> AESpec:
        """Return self if it can be trained on ``x``; the code must be narrower than the input.

        Parameters
        ----------
        x : ndarray of shape (n_samples, n_features)
            Validated training data (see :meth:`TrainingSpec.checked_for`).

        Returns
        -------
        AESpec
            ``self``.

        Raises
        ------
        ValueError
            If ``batch_size`` exceeds n_samples, ``code_size`` ≥ n_features, or the neighbour
            loss is on with fewer than 2 samples (no one has a neighbour).
        """
        super().checked_for(x)
        if self.code_size >= x.shape[1]:
            raise ValueError(f"The code size ({self.code_size}) must be smaller than the input "
                             f"size (n_features = {x.shape[1]}), or the autoencoder can copy "
                             "its input.")
        fewest = 3 if self.neighbor_loss == "embedding" else 2  # UMAP's map needs 3 points
        if self.neighbor_weight and len(x) < fewest:
            raise ValueError(f"The neighbour loss needs at least {fewest} training samples; set "
                             f"{PARAMS['neighbor_weight'].label} to 0 for fewer.")
        return self

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Encoder widths including the code, e.g. (400, 200, 100, 50, 2)."""
        return (*self.hidden_layers, self.code_size)

    def architecture(self, input_dim: int) -> str:
        """The whole network as text.

        Parameters
        ----------
        input_dim : int
            Features per input row.

        Returns
        -------
        str
            Widths joined by hyphens, e.g. ``'784-400-200-2-200-400-784'``.
        """
        widths = (input_dim, *self.layer_sizes, *reversed(self.hidden_layers), input_dim)
        return "-".join(str(w) for w in widths)


@dataclass(frozen=True)
class ConvSpec(TrainingSpec):
    """A convolutional autoencoder for square single-channel images.

    ``depth`` Conv2D blocks starting with ``filters`` filters (doubling per block), each a
    stride-1 convolution then a stride-2 one that halves the side, mirrored by blocks of a
    stride-2 Conv2DTranspose then a stride-1 Conv2D; the code is the last feature map.

    Parameters
    ----------
    filters : int, default=32
        Filters in the first block.
    depth : int, default=2
        Number of blocks; each halves the image's side.
    activation : str, default="relu"
        The blocks' activation, one of :data:`ACTIVATIONS`.
    input_noise : float, default=0.0
        σ of Gaussian noise added to the inputs in training only, in pixel units.
    epochs, batch_size : int, default=15, 128
        As for :class:`TrainingSpec`, with these defaults.
    loss, learning_rate, lr_decay, seed
        As for :class:`TrainingSpec`.

    Raises
    ------
    ValueError
        If a value is out of range or the activation is unknown.
    """

    epochs: int = 15
    batch_size: int = 128
    filters: int = 32
    depth: int = 2
    activation: str = "relu"
    input_noise: float = 0.0
    # bench/denoising.py: the stride-1 convolution in each block (at the block's resolution)
    # lifts the denoiser at Gaussian σ 0.5 by about 0.7 dB over stride-2 convolutions alone.
    convs_per_block: ClassVar[int] = 2

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("filters", "depth", "input_noise"):
            check_range(name, getattr(self, name))
        _check_activation(self.activation)

    def checked_for(self, x: np.ndarray) -> ConvSpec:
        """Return self if it can be trained on ``x``: square images whose side 2^depth divides.

        Parameters
        ----------
        x : ndarray of shape (n_samples, n_features)
            Validated flattened images (see :meth:`TrainingSpec.checked_for`).

        Returns
        -------
        ConvSpec
            ``self``.

        Raises
        ------
        ValueError
            If ``batch_size`` exceeds n_samples, the images are not square, their side is odd,
            or 2^depth does not divide it.
        """
        super().checked_for(x)
        side = image_side(x.shape[1])
        if side % 2:
            raise ValueError(_NO_HALVING.format(side=side))
        if side % 2**self.depth:
            raise ValueError(f"{side}×{side} images cannot be halved {self.depth} times; "
                             f"choose a depth of at most {max_depth(side)}.")
        return self

    def architecture(self, input_dim: int) -> str:
        """The whole network as text.

        Parameters
        ----------
        input_dim : int
            Pixels per image, a perfect square.

        Returns
        -------
        str
            E.g. ``'28×28 → conv 32, conv 32 ↓2 → conv 64, conv 64 ↓2 → code 7×7×64 → mirrored
            → 28×28'`` (↓2: stride 2).

        Raises
        ------
        ValueError
            If ``input_dim`` is not a perfect square.
        """
        side = image_side(input_dim)
        code = side // 2**self.depth
        blocks = " → ".join(", ".join([f"conv {self.filters * 2**i}"] * self.convs_per_block)
                            + " ↓2" for i in range(self.depth))
        return (f"{side}×{side} → {blocks} → code {code}×{code}×"
                f"{self.filters * 2 ** (self.depth - 1)} → mirrored → {side}×{side}")


@dataclass(frozen=True)
class VAESpec(TrainingSpec):
    """A variational autoencoder's hyperparameters.

    The encoder gives a mean and log-variance per code dimension, a sampled code goes to the
    decoder, and β·KL(q(z|x) ‖ N(0, I)) joins the reconstruction loss (summed over pixels, so
    losses are in nats per image for BCE); see :mod:`aecore.vae`.

    Parameters
    ----------
    code_size : int, default=2
        Number of latent dimensions.
    hidden_layers : tuple of int, default=(512, 256)
        Dense encoder widths (after the convolutions when ``network="conv"``), stored as ints;
        the decoder mirrors them.
    activation : str, default="relu"
        Hidden layers' activation, one of :data:`ACTIVATIONS`.
    network : {"dense", "conv"}, default="dense"
        Dense layers only, or conv blocks first.
    filters, depth : int, default=32, 2
        As for :class:`ConvSpec`; conv network only.
    beta : float, default=1.0
        Weight of the KL term.
    warmup_epochs : int, default=0
        KL warm-up length (:class:`aecore.vae.KLWarmup`); 0 means the full β from the start.
    encoder_dropout : float, default=0.0
        Dropout rate, in training only, on the encoder's pixels (a conv encoder's flattened
        feature maps).
    dynamic_binarization : bool, default=False
        Train on Bernoulli draws of the images (:class:`aecore.vae.Binarization`).
    conditional : bool, default=False
        Feed one-hot labels (``N_CLASSES`` columns) to encoder and decoder.
    epochs, batch_size : int, default=30, 128
        As for :class:`TrainingSpec`, with these defaults.
    loss, learning_rate, lr_decay, seed
        As for :class:`TrainingSpec`.

    Raises
    ------
    ValueError
        If a value is out of range, or ``network`` or the activation is unknown.
    """

    epochs: int = 30
    batch_size: int = 128
    code_size: int = 2
    hidden_layers: tuple[int, ...] = (512, 256)
    activation: str = "relu"
    network: str = "dense"
    filters: int = 32
    depth: int = 2
    beta: float = 1.0
    warmup_epochs: int = 0
    encoder_dropout: float = 0.0
    dynamic_binarization: bool = False
    conditional: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("code_size", "filters", "depth", "beta", "warmup_epochs", "encoder_dropout"):
            check_range(name, getattr(self, name))
        _check_layers(self.hidden_layers, self.code_size)
        if self.warmup_epochs > self.epochs:
            raise ValueError(f"The KL warm-up ({counted(self.warmup_epochs, 'epoch')}) is longer "
                             f"than the run ({counted(self.epochs, 'epoch')}): β would only reach "
                             f"{self.beta * self.epochs / self.warmup_epochs:.2g} of "
                             f"{self.beta:g}. Shorten the warm-up or train for longer.")
        if self.network not in PARAMS["network"].choices:
            raise ValueError(f"Network must be 'dense' or 'conv'; got {self.network!r}.")
        _check_activation(self.activation)

    def checked_for(self, x: np.ndarray) -> VAESpec:
        """Return self if it can be trained on ``x``.

        Parameters
        ----------
        x : ndarray of shape (n_samples, n_features)
            Validated model inputs: flattened images, followed by ``N_CLASSES`` one-hot label
            columns when conditional.

        Returns
        -------
        VAESpec
            ``self``.

        Raises
        ------
        ValueError
            If ``batch_size`` exceeds n_samples, ``code_size`` ≥ the number of pixels, or, for a
            conv network, the images are not square or 2^depth does not divide their side.
        """
        super().checked_for(x)
        pixels = x.shape[1] - (N_CLASSES if self.conditional else 0)
        if self.code_size >= pixels:
            raise ValueError(f"The latent size ({self.code_size}) must be smaller than the "
                             f"input size (n_features = {pixels}).")
        if self.network == "conv":
            ConvSpec(filters=self.filters, depth=self.depth, batch_size=self.batch_size,
                     loss=self.loss).checked_for(x[:, :pixels])
        return self

    def architecture(self, input_dim: int) -> str:
        """The whole network as text.

        Parameters
        ----------
        input_dim : int
            Width of an input row: the pixels, plus ``N_CLASSES`` when conditional.

        Returns
        -------
        str
            E.g. ``'encoder 784-512-256 → μ, log σ² (2-D) → mirrored decoder'``.
        """
        pixels = input_dim - (N_CLASSES if self.conditional else 0)
        convs = " → ".join(f"conv {self.filters * 2**i}" for i in range(self.depth))
        widths = "-".join(map(str, self.hidden_layers))
        body = (f"{pixels} pixels → {convs}" + (f" → dense {widths}" if widths else "")
                if self.network == "conv" else f"{pixels}-{widths}")
        dropout = f" (dropout {self.encoder_dropout:g})" if self.encoder_dropout else ""
        cond = ", conditioned on the label" if self.conditional else ""
        binary = "binarised inputs → " if self.dynamic_binarization else ""
        return (f"{binary}encoder {body}{dropout} → μ, log σ² ({self.code_size}-D) → mirrored "
                f"decoder{cond}")


N_CLASSES = 10  # labels a conditional VAE is given, one-hot


def image_side(input_dim: int) -> int:
    """Side of a square image with ``input_dim`` pixels.

    Parameters
    ----------
    input_dim : int
        Pixels per image.

    Returns
    -------
    int
        The side, with side² = ``input_dim``.

    Raises
    ------
    ValueError
        If ``input_dim`` is not a perfect square (from :func:`math.isqrt` if negative).
    """
    side = math.isqrt(input_dim)
    if side * side != input_dim:
        raise ValueError(f"A convolutional model needs square images; {input_dim} pixels are not.")
    return side


_NO_HALVING = ("A convolutional network halves the images' side at least once; {side}×{side} "
               "images cannot be halved.")


def check_network_fits(network: str, image_shape: tuple[int, int] | None) -> None:
    """Refuse a convolutional network for data that are not square images.

    A model's own checks see only the number of features, so a table of 16 or 64 columns
    passed as 4×4 or 8×8 "images"; the data's shape decides.

    Parameters
    ----------
    network : {"dense", "conv"}
        The model's network.
    image_shape : tuple of (int, int) or None
        (height, width) of the data's images, or None for a table.

    Raises
    ------
    ValueError
        If ``network`` is ``"conv"`` and the data are a table, images that are not square, or
        images of an odd side (the network halves it), naming which.
    """
    if network != "conv":
        return
    if image_shape is None:
        raise ValueError("A convolutional network needs images; these data are a table.")
    height, width = image_shape
    if height != width:
        raise ValueError(f"A convolutional network needs square images; these are "
                         f"{width}×{height} pixels (width × height).")
    if height % 2:
        raise ValueError(_NO_HALVING.format(side=height))


def max_depth(side: int) -> int:
    """How many times a ``side``-pixel image side can be halved exactly (28 → 2, 8 → 3)."""
    depth = 0
    while side % 2 ** (depth + 1) == 0:
        depth += 1
    return depth


def check_layer_widths(hidden_layers: tuple[int, ...]) -> None:
    """Raise a ValueError unless there are at most ``PARAMS["n_layers"].max`` (8) hidden
    layers, each of 1 to ``PARAMS["hidden_layers"].max`` (4096) nodes.

    Parameters
    ----------
    hidden_layers : tuple of int
        Encoder widths from input to code.

    Raises
    ------
    ValueError
        With a sentence naming the limit and the value.
    """
    if len(hidden_layers) > PARAMS["n_layers"].max:
        raise ValueError(f"At most {PARAMS['n_layers'].max:g} hidden layers are supported; "
                         f"got {len(hidden_layers)}.")
    for width in hidden_layers:
        check_range("hidden_layers", width)


def _check_layers(hidden_layers: tuple[int, ...], code_size: int) -> None:
    """Hidden layers (before the code) within range, none narrower than the code."""
    check_layer_widths(hidden_layers)
    for width in hidden_layers:
        if width < code_size:
            raise ValueError(f"Every hidden layer needs at least as many nodes as the code "
                             f"({code_size}); a layer of {width} would be a tighter "
                             "bottleneck than the code itself.")


def _as_declared_type(name: str, declared: str, value: Any) -> Any:
    """``value`` as the field's declared type (``int``, ``float``, ``bool`` or a tuple of
    ints), accepting NumPy numbers and whole floats; a ValueError names the hyperparameter."""
    label = PARAMS[name].label if name in PARAMS else name
    if declared == "int":
        if isinstance(value, numbers.Real) and not isinstance(value, bool) \
                and float(value).is_integer():
            return int(value)
        raise ValueError(f"{label} must be a whole number; got {quoted(value)}.")
    if declared == "float":
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return float(value)
        raise ValueError(f"{label} must be a number; got {quoted(value)}.")
    if declared == "bool":
        if isinstance(value, bool | np.bool_):
            return bool(value)
        raise ValueError(f"{label} must be True or False; got {quoted(value)}.")
    if declared.startswith("tuple"):
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ValueError(f"{label} must be a sequence of whole numbers, like (400, 200); "
                             f"got {quoted(value)}.")
        return tuple(_as_declared_type(name, "int", width) for width in value)
    return value


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"Activation must be one of {', '.join(ACTIVATIONS)}; "
                         f"got {quoted(activation)}.")


def check_range(name: str, value: float) -> None:
    """Raise a ValueError if ``value`` lies outside hyperparameter ``name``'s range.

    Parameters
    ----------
    name : str
        A key of :data:`PARAMS` with a numeric range.
    value : float
        The value to check against ``PARAMS[name].min`` and ``.max``, both inclusive.

    Raises
    ------
    ValueError
        If ``value`` is out of range; the message names the hyperparameter, its range and
        ``value``.
    KeyError
        If ``name`` is not a key of :data:`PARAMS`.
    """
    param = PARAMS[name]
    if not param.min <= value <= param.max:
        raise ValueError(f"{param.label} must be between {number_text(param.min)} and "
                         f"{number_text(param.max)}; got {number_text(value)}.")


QUOTED_CHARACTERS = 60  # of a value echoed in an error message; a link or a cell can be longer


def quoted(value: Any) -> str:
    """``value`` as an error message echoes what the user gave: its ``repr``, cut to
    :data:`QUOTED_CHARACTERS` characters with "…" (a 500-digit URL value stays one line)."""
    text = repr(value)
    return text if len(text) <= QUOTED_CHARACTERS else text[:QUOTED_CHARACTERS - 1] + "…"


def number_text(value: float) -> str:
    """A number as a message shows it: whole numbers in full (2147483647, not %g's
    2.14748e+09), others as %g (0.001, 1e-05)."""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it needs: "1 held-out image", "1,000 held-out images".

    Parameters
    ----------
    n : int
        How many; written with thousands separators.
    noun : str
        The singular, e.g. "held-out image".
    plural : str, optional
        The plural where it is not ``noun + "s"``.
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def signed(value: float, decimals: int = 1) -> str:
    """``value`` with its sign and ``decimals`` decimals, a difference as people write it:
    "+4.3", "-1.2", and "+0.0" for -0.04 (Python's format gives "-0.0")."""
    return f"{round(value, decimals) + 0.0:+.{decimals}f}"


# history keys (code names) as people read them
LOSS_TERMS = {"neighbor": "neighbour", "kl": "KL"}


def loss_name(key: str) -> str:
    """A Keras history key as a person reads it: "val_reconstruction" → "validation
    reconstruction", "neighbor" → "neighbour", "loss" → "loss"."""
    term = key.removeprefix("val_")
    return ("validation " if term != key else "") + LOSS_TERMS.get(term, term)


RENAMED_SCORES = {"-ELBO (nats)": "−ELBO (nats)"}  # as runs stored before a name changed


def readable_score(name: str) -> str:
    """A run's headline score as people read it: "final val_loss" → "final validation loss",
    "final neighbor" → "final neighbour", "-ELBO (nats)" → "−ELBO (nats)" (a minus sign, as
    the VAE page writes it); other scores and names already read that way are returned
    unchanged (runs stored under older names read like new ones)."""
    name = RENAMED_SCORES.get(name, name)
    term = name.removeprefix("final ")
    return name if term == name else f"final {loss_name(term)}"


def check_choice(name: str, value: Any) -> None:
    """Raise a ValueError if ``value`` is not one of hyperparameter ``name``'s choices.

    Parameters
    ----------
    name : str
        A key of :data:`PARAMS` with ``choices``.
    value : object
        The value to look for in ``PARAMS[name].choices``.

    Raises
    ------
    ValueError
        If ``value`` is not a choice; the message names the hyperparameter, the choices and
        ``value``.
    KeyError
        If ``name`` is not a key of :data:`PARAMS`.
    """
    param = PARAMS[name]
    if value not in param.choices:
        raise ValueError(f"{param.label} must be one of {', '.join(param.choices)}; got "
                         f"{quoted(value)}.")


def match_choice(label: str, text: str, choices: Sequence[Any],
                 shown: Mapping[Any, str] | None = None) -> Any:
    """The choice that ``text`` names, as a person may type it: case and surrounding spaces
    do not matter (``"Dense"`` and ``" dense"`` name ``"dense"``, ``"7"`` names 7), and a
    choice may be named as its select box shows it (``"Cross-entropy"`` names ``"bce"``).

    Parameters
    ----------
    label : str
        What is chosen, for the error message.
    text : str
        The text, e.g. from a URL or a command line.
    choices : sequence
        The allowed values; each is compared by its text (``str``).
    shown : mapping, optional
        Choice → how it is shown (:data:`CHOICE_LABELS`), also accepted.

    Returns
    -------
    object
        The matching element of ``choices``.

    Raises
    ------
    ValueError
        If ``text`` names none of them; the message lists the choices.
    """
    wanted = str(text).strip().casefold()
    for choice in choices:
        if wanted in (str(choice).casefold(), (shown or {}).get(choice, "").casefold()):
            return choice
    raise ValueError(f"{label} must be one of {', '.join(map(str, choices))}; got {quoted(text)}.")


def parse_layers(text: str) -> tuple[int, ...]:
    """Parse layer widths as a person types them, e.g. ``'400, 200, 100'`` → (400, 200, 100).

    Commas or semicolons separate the widths; spaces around them and empty parts are ignored.
    Ranges are not checked here (see :class:`AESpec`).

    Parameters
    ----------
    text : str
        The widths as typed.

    Returns
    -------
    tuple of int
        The widths in order; empty for blank text.

    Raises
    ------
    ValueError
        If a part is not a whole number, with a message a person can act on.
    """
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"Nodes per layer must be whole numbers separated by commas, "
                         f"like '400, 200, 100'; got {quoted(text)}.") from None
