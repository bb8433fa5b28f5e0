"""The pages' starting points, as estimators, each chosen by a benchmark under bench/."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.base import clone

from aecore.estimators import Autoencoder, ReconstructionDetector, VariationalAutoencoder
from aecore.spec import max_depth

# bench/quality.py: a wide net with input noise keeps 2-D digit clusters apart on held-out
# images (5-NN accuracy ≥ 0.75) where the tutorial net reaches ~0.56.
DEFAULT_AUTOENCODER = Autoencoder()
# The network of the seed tutorial: 784-400-200-100-50-2, ReLU, MSE, 20 epochs.
SEED_TUTORIAL = Autoencoder(code_size=2, hidden_layers=(400, 200, 100, 50), loss="mse",
                            activation="relu", input_noise=0.0, epochs=20, batch_size=128,
                            learning_rate=1e-3)
# bench/quality.py: the codes pulled towards UMAP's map of the training images (aecore.neighbors,
# "embedding") beside the reconstruction loss place unseen images better than UMAP's loss on
# sampled edges ("graph": held-out 5-NN accuracy 0.820, mean of three seeds); see BENCHMARKS.md.
NEIGHBOR_AUTOENCODER = Autoencoder(neighbor_weight=0.5, neighbor_loss="embedding", epochs=150,
                                   batch_size=64, learning_rate=2e-3, lr_decay=True)
REDUCTION_PRESETS = {"App defaults": DEFAULT_AUTOENCODER,
                     "Seed tutorial (…-400-200-100-50-2)": SEED_TUTORIAL,
                     "Neighbour-preserving (UMAP loss)": NEIGHBOR_AUTOENCODER}

# bench/denoising.py (BENCHMARKS.md): at Gaussian σ 0.5 on the MNIST sample, batches of 32
# rather than 128 lift the convolutional denoiser by about 0.8 dB, and 25 epochs at learning
# rate 0.002 with cosine decay rather than 15 at 0.001 by about 0.35 dB more.
DENOISERS = {
    "Convolutional": Autoencoder(network="conv", filters=32, depth=2, input_noise=0.0, epochs=25,
                                 batch_size=32, learning_rate=0.002, lr_decay=True),
    "Dense": Autoencoder(code_size=64, hidden_layers=(512, 256), input_noise=0.0, epochs=30,
                         batch_size=128),
}

# bench/vae.py. Dynamic binarisation curbs overfitting on 4,000 images; with it, the
# convolutional VAE gains from 60 epochs where it did not before.
VAE_PRESETS = {
    "Dense VAE": VariationalAutoencoder(hidden_layers=(512, 256), batch_size=32, epochs=40,
                                        lr_decay=True, dynamic_binarization=True),
    "Convolutional VAE": VariationalAutoencoder(network="conv", hidden_layers=(256,),
                                                activation="gelu", encoder_dropout=0.2,
                                                dynamic_binarization=True, batch_size=32,
                                                epochs=60, lr_decay=True),
}

# bench/anomaly.py. Strong input noise makes a denoising detector: it pulls what it sees towards
# the normal class's shapes instead of copying any input, so anomalies come back changed; the
# 1-px smoothed error counts shapes, not one-pixel jitter (see aecore.anomaly.error_maps); the
# code's distance to the training codes flags what the network rebuilds well but encodes apart.
IMAGE_DETECTOR = ReconstructionDetector(code_size=32, hidden_layers=(512, 128), loss="bce",
                                        input_noise=0.6, epochs=60, batch_size=32,
                                        smoothing=1.0, score="error+code")
TABULAR_DETECTOR = ReconstructionDetector(code_size=4, hidden_layers=(16, 8), loss="mse",
                                          input_noise=0.0, epochs=100, batch_size=16)


def adapted_to(preset: Any, X: np.ndarray) -> tuple[Any, list[str]]:
    """``preset`` changed where it cannot train on ``X`` (n_samples, n_features), with a note
    per change.

    The presets were chosen on the MNIST sample; smaller data need smaller batches (a batch
    cannot exceed the training set), a code narrower than the input (else the network can copy
    it) and, for convolutions, no more halvings than the image side allows.
    """
    params, notes = preset.get_params(), []
    n_samples, n_features = X.shape
    if params["batch_size"] > n_samples:
        params["batch_size"] = n_samples
        notes.append(f"batch size {preset.batch_size} → {n_samples} (the training samples)")
    uses_code = "code_size" not in preset.unused_params()
    if uses_code and params["code_size"] >= n_features:
        params["code_size"] = max(1, n_features // 4)
        params["hidden_layers"] = tuple(max(w, params["code_size"])
                                        for w in params["hidden_layers"])
        notes.append(f"code size {preset.code_size} → {params['code_size']} (the input has "
                     f"{n_features} features)")
    if "depth" not in preset.unused_params() and math.isqrt(n_features) ** 2 == n_features:
        depth = max_depth(math.isqrt(n_features))
        if 1 <= depth < params["depth"]:
            params["depth"] = depth
            notes.append(f"depth {preset.depth} → {depth} (the images' side)")
    return clone(preset).set_params(**params), notes
