"""Denoising on the MNIST sample, Gaussian σ = 0.5 (clipped), held-out images.

Prints mean PSNR and SSIM of the noisy input, the classical filters, and the dense and
convolutional denoisers (the page's presets), with training times.
Run from the project root: python -m bench.denoising
"""

from __future__ import annotations

import pandas as pd
from sklearn.base import clone

from aecore.data import evaluation_points, load_dataset
from aecore.denoise import denoising_scores
from aecore.noise import corrupt
from aecore.presets import DENOISERS
from bench.common import machine_header

NOISE, LEVEL, SEED = "gaussian", 0.5, 0


def main() -> None:
    data = load_dataset("mnist_sample")
    x_eval, _ = evaluation_points(data)
    noisy_train = corrupt(data.x_train, NOISE, LEVEL, SEED)
    noisy_eval = corrupt(x_eval, NOISE, LEVEL, SEED + 1)
    print(machine_header())
    print(f"# MNIST sample, {NOISE} noise {LEVEL}, {len(data.x_train)} train, "
          f"{len(x_eval)} held-out images")
    rows = []
    for name, preset in DENOISERS.items():
        denoiser = clone(preset).fit(noisy_train, X_clean=data.x_train)
        table = denoising_scores(x_eval, noisy_eval, denoiser.reconstruct(noisy_eval),
                                 data.image_shape)
        if not rows:
            rows += [{"method": m, **table.loc[m], "train seconds": 0.0}
                     for m in table.index if m != "autoencoder"]
        rows.append({"method": f"{name} denoiser: {denoiser.architecture(data.input_dim)}, "
                               f"{denoiser.epochs} epochs", **table.loc["autoencoder"],
                     "train seconds": denoiser.log_.seconds})
    print(pd.DataFrame(rows).set_index("method").round(3).to_markdown())


if __name__ == "__main__":
    main()
