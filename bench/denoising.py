"""Denoising on the MNIST sample, Gaussian σ = 0.5 (clipped), held-out images.

Prints mean PSNR and SSIM of the noisy input, every classical filter the page offers (with the
seconds each takes on the page's 1,000 held-out images) and the dense and convolutional
denoisers (the page's presets, with training seconds and their PSNR gain over the best filter).
``--filter-variants`` also scores other settings of the noise-adaptive filters, to show that the
offered ones are not a weak choice.
Run from the project root: python -m bench.denoising [--presets Convolutional,Dense]
[--filter-variants] [--seeds 0,1,2]
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
from sklearn.base import clone

from aecore.data import evaluation_points, load_dataset
from aecore.denoise import denoising_scores, improvement
from aecore.image_quality import (
    CLASSICAL_FILTERS,
    nl_means_filter,
    psnr,
    ssim,
    total_variation_filter,
    wavelet_filter,
)
from aecore.noise import corrupt
from aecore.presets import DENOISERS
from bench.common import machine_header

NOISE, LEVEL, SEED = "gaussian", 0.5, 0

FILTER_VARIANTS: dict[str, Callable[[np.ndarray, tuple[int, int]], np.ndarray]] = {
    "total variation, weight 0.5σ̂": partial(total_variation_filter, weight_per_sigma=0.5),
    "total variation, weight 2σ̂": partial(total_variation_filter, weight_per_sigma=2.0),
    "wavelet, VisuShrink": partial(wavelet_filter, method="VisuShrink"),
    "non-local means, fast, h = 0.8σ̂": partial(nl_means_filter, h_per_sigma=0.8),
    "non-local means, original algorithm, 7×7 patches, 23×23 window, h = 0.8σ̂":
        partial(nl_means_filter, patch_size=7, patch_distance=11, h_per_sigma=0.8,
                fast_mode=False),
}


def timed_filters(filters: dict[str, Callable[[np.ndarray, tuple[int, int]], np.ndarray]],
                  clean: np.ndarray, noisy: np.ndarray,
                  image_shape: tuple[int, int]) -> list[dict[str, float | str]]:
    """One row per filter: mean PSNR and SSIM against ``clean``, and seconds to filter."""
    rows = []
    for name, denoise in filters.items():
        start = time.perf_counter()
        filtered = denoise(noisy, image_shape)
        rows.append({"method": name, "PSNR (dB)": float(np.mean(psnr(clean, filtered))),
                     "SSIM": float(np.mean(ssim(clean, filtered, image_shape))),
                     "seconds": time.perf_counter() - start})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presets", default=",".join(DENOISERS))
    parser.add_argument("--filter-variants", action="store_true")
    parser.add_argument("--seeds", default="0", help="training seeds of each denoiser, e.g. 0,1,2")
    args = parser.parse_args()
    data = load_dataset("mnist_sample")
    x_eval, _ = evaluation_points(data)
    noisy_train = corrupt(data.x_train, NOISE, LEVEL, SEED)
    noisy_eval = corrupt(x_eval, NOISE, LEVEL, SEED + 1)
    print(machine_header())
    print(f"# MNIST sample, {NOISE} noise {LEVEL}, {len(data.x_train)} train, "
          f"{len(x_eval)} held-out images")
    print("\n## Classical filters (seconds: filtering the held-out images, SSIM excluded)")
    filters = CLASSICAL_FILTERS | (FILTER_VARIANTS if args.filter_variants else {})
    noisy_row = {"method": "noisy input", "PSNR (dB)": float(np.mean(psnr(x_eval, noisy_eval))),
                 "SSIM": float(np.mean(ssim(x_eval, noisy_eval, data.image_shape))),
                 "seconds": 0.0}
    rows = [noisy_row, *timed_filters(filters, x_eval, noisy_eval, data.image_shape)]
    print(pd.DataFrame(rows).set_index("method").round(3).to_markdown())

    print("\n## Denoisers (gain: PSNR over the best offered filter)")
    rows = []
    for name, seed in itertools.product(args.presets.split(","), map(int, args.seeds.split(","))):
        denoiser = clone(DENOISERS[name]).set_params(seed=seed)
        denoiser.fit(noisy_train, X_clean=data.x_train)
        table = denoising_scores(x_eval, noisy_eval, denoiser.reconstruct(noisy_eval),
                                 data.image_shape)
        best = table["PSNR (dB)"].drop(["noisy input", "autoencoder"]).idxmax()
        rows.append({"method": f"{name} denoiser: {denoiser.architecture(data.input_dim)}, "
                               f"{denoiser.loss}, {denoiser.epochs} epochs, batch "
                               f"{denoiser.batch_size}, seed {seed}",
                     **table.loc["autoencoder"],
                     "gain (dB)": improvement(table)["over the best filter"],
                     "best filter": best, "train seconds": denoiser.log_.seconds})
    print(pd.DataFrame(rows).set_index("method").round(3).to_markdown())


if __name__ == "__main__":
    main()
