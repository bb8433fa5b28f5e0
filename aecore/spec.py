"""Autoencoder hyperparameters as a frozen, validated spec.

Each hyperparameter's default, range and help text live here once (:data:`PARAMS`); the pages
build their widgets from these entries, so the UI and the library never disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

LOSSES = {"mse": "Mean squared error", "bce": "Binary cross-entropy"}
ACTIVATIONS = ("relu", "selu", "elu", "tanh", "sigmoid", "gelu")


@dataclass(frozen=True)
class Param:
    """One hyperparameter's range and help text, read by the UI's widgets."""

    label: str
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()


PARAMS: dict[str, Param] = {
    "code_size": Param("Code size", "Width of the bottleneck: the number of numbers each image is "
                       "squeezed into. 2 lets you plot the code directly.", 1, 256),
    "n_layers": Param("Number of hidden layers", "Hidden layers in the encoder; the decoder "
                      "mirrors them.", 0, 8),
    "first_layer": Param("Nodes in the first layer", "Width of the encoder's first hidden layer; "
                         "each further layer halves it (a 'sandwich').", 2, 2048),
    "hidden_layers": Param("Nodes per layer", "Encoder widths from input to code, comma-separated; "
                           "the decoder mirrors them. Filled in from the two numbers above; edit "
                           "freely for any other shape.", 1, 4096),
    "loss": Param("Loss", "MSE treats pixels as numbers; binary cross-entropy treats each pixel "
                  "as a probability of ink (needs data in [0, 1]).", choices=tuple(LOSSES)),
    "activation": Param("Activation", "Non-linearity of the hidden layers. The code layer is "
                        "linear, the output a sigmoid (pixels lie in [0, 1]).",
                        choices=ACTIVATIONS),
    "input_noise": Param("Input noise σ", "Gaussian noise added to the inputs while training "
                         "only, so the network learns to rebuild clean images from noisy ones "
                         "(a denoising autoencoder); it makes the code more robust.", 0.0, 1.0),
    "epochs": Param("Epochs", "Passes over the training images.", 1, 500),
    "batch_size": Param("Batch size", "Images per gradient step.", 1, 4096),
    "learning_rate": Param("Learning rate", "Adam's step size.", 1e-5, 1.0),
    "seed": Param("Seed", "Fixes the weights' initialisation and the batch order, so a run can be "
                  "repeated.", 0, 2**31 - 1),
}


def sandwich(first_layer: int, n_layers: int, code_size: int = 1) -> tuple[int, ...]:
    """Encoder widths halving per layer, never below the code: (400, 4) → 400-200-100-50."""
    return tuple(max(first_layer // 2**i, code_size) for i in range(n_layers))


@dataclass(frozen=True)
class AESpec:
    """A dense autoencoder: input → hidden_layers → code → mirrored hidden layers → input."""

    code_size: int = 2
    hidden_layers: tuple[int, ...] = (1000, 500, 250)
    loss: str = "bce"
    activation: str = "relu"
    input_noise: float = 0.3
    epochs: int = 100
    batch_size: int = 64
    learning_rate: float = 1e-3
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden_layers", tuple(int(w) for w in self.hidden_layers))
        self._check_ranges()

    def _check_ranges(self) -> None:
        for name in ("code_size", "input_noise", "epochs", "batch_size", "learning_rate", "seed"):
            _check_range(name, getattr(self, name))
        if len(self.hidden_layers) > PARAMS["n_layers"].max:
            raise ValueError(f"At most {PARAMS['n_layers'].max:g} hidden layers are supported; "
                             f"got {len(self.hidden_layers)}.")
        for width in self.hidden_layers:
            _check_range("hidden_layers", width)
            if width < self.code_size:
                raise ValueError(f"Every hidden layer needs at least as many nodes as the code "
                                 f"({self.code_size}); a layer of {width} would be a tighter "
                                 "bottleneck than the code itself.")
        if self.loss not in LOSSES:
            raise ValueError(f"Loss must be one of {', '.join(LOSSES)}; got {self.loss!r}.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"Activation must be one of {', '.join(ACTIVATIONS)}; "
                             f"got {self.activation!r}.")

    def checked_for(self, x: np.ndarray) -> AESpec:
        """Return self if it can be trained on ``x`` (flattened images), else raise ValueError."""
        if x.ndim != 2 or len(x) == 0:
            raise ValueError("Training data must be a non-empty 2-D array (images × pixels).")
        input_dim = x.shape[1]
        if self.code_size >= input_dim:
            raise ValueError(f"The code size ({self.code_size}) must be smaller than the input "
                             f"size ({input_dim} pixels), or the autoencoder can copy its input.")
        if self.batch_size > len(x):
            raise ValueError(f"Batch size {self.batch_size} exceeds the {len(x)} training images.")
        if self.loss == "bce" and (x.min() < 0 or x.max() > 1):
            raise ValueError(f"Binary cross-entropy needs pixels in [0, 1]; this data spans "
                             f"[{x.min():.3g}, {x.max():.3g}]. Choose MSE or rescale the data.")
        return self

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Encoder widths including the code, e.g. (400, 200, 100, 50, 2)."""
        return (*self.hidden_layers, self.code_size)

    def architecture(self, input_dim: int) -> str:
        """The whole network as text, e.g. '784-400-200-2-200-400-784'."""
        widths = (input_dim, *self.layer_sizes, *reversed(self.hidden_layers), input_dim)
        return "-".join(str(w) for w in widths)

    def replace(self, **changes: Any) -> AESpec:
        return replace(self, **changes)

    def as_kwargs(self) -> dict[str, Any]:
        return asdict(self)


def _check_range(name: str, value: float) -> None:
    param = PARAMS[name]
    if not param.min <= value <= param.max:
        raise ValueError(f"{param.label} must be between {param.min:g} and {param.max:g}; "
                         f"got {value:g}.")


def parse_layers(text: str) -> tuple[int, ...]:
    """Parse '400, 200, 100' into widths, with a message a person can act on."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"Nodes per layer must be whole numbers separated by commas, "
                         f"like '400, 200, 100'; got {text!r}.") from None


# Chosen on the MNIST sample (bench/quality.py): a wide net with input noise keeps 2-D digit
# clusters apart on held-out images (5-NN accuracy ≥ 0.75) where the tutorial net reaches ~0.56.
DEFAULT_SPEC = AESpec()
SEED_TUTORIAL_SPEC = AESpec(code_size=2, hidden_layers=(400, 200, 100, 50), loss="mse",
                            activation="relu", epochs=20, batch_size=128, learning_rate=1e-3)
