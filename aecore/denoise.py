"""Denoising maths: scores of noisy, classically filtered and autoencoded images, robustness
of a trained denoiser across noise levels, and user images brought to a dataset's format."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pandas as pd
from PIL import Image, UnidentifiedImageError

from aecore.image_quality import CLASSICAL_FILTERS, psnr, ssim
from aecore.noise import corrupt
from aecore.spec import AESpec, ConvSpec, TrainingSpec

MAX_UPLOAD_PIXELS = 4096 * 4096
DENOISERS: dict[str, TrainingSpec] = {  # the page's starting points, as benchmarked
    "Convolutional": ConvSpec(filters=32, depth=2, epochs=15, batch_size=128),
    "Dense": AESpec(code_size=64, hidden_layers=(512, 256), input_noise=0.0, epochs=30,
                    batch_size=128),
}


def denoising_scores(clean: np.ndarray, noisy: np.ndarray, denoised: np.ndarray,
                     image_shape: tuple[int, int]) -> pd.DataFrame:
    """Mean PSNR (dB) and SSIM against the clean images, for the noisy input, each classical
    filter and the autoencoder."""
    outputs = {"noisy input": noisy,
               **{name: f(noisy, image_shape) for name, f in CLASSICAL_FILTERS.items()},
               "autoencoder": denoised}
    return pd.DataFrame(
        [{"method": name, "PSNR (dB)": float(np.mean(psnr(clean, out))),
          "SSIM": float(np.mean(ssim(clean, out, image_shape)))}
         for name, out in outputs.items()]
    ).set_index("method")


def robustness_matrix(spec: TrainingSpec, x_train: np.ndarray, x_eval: np.ndarray, kind: str,
                      train_levels: list[float], test_levels: list[float], seed: int = 0,
                      on_progress: Callable[[float, str], None] | None = None) -> pd.DataFrame:
    """Mean held-out PSNR of denoisers trained at each train level, tested at each test level."""
    from aecore.training import TrainingRun

    rows = {}
    for i, train_level in enumerate(train_levels):
        if on_progress:
            on_progress(i / len(train_levels), f"Training at level {train_level:g}…")
        noisy_train = corrupt(x_train, kind, train_level, seed)
        run = TrainingRun.create(spec, noisy_train).fit(noisy_train, x_train)
        rows[train_level] = [
            float(np.mean(psnr(x_eval, run.reconstruct(corrupt(x_eval, kind, level, seed + 1)))))
            for level in test_levels
        ]
    if on_progress:
        on_progress(1.0, "Done")
    return pd.DataFrame.from_dict(rows, orient="index", columns=test_levels).rename_axis(
        index="train level", columns="test level")


def image_from_bytes(data: bytes, image_shape: tuple[int, int]) -> np.ndarray:
    """A PNG or JPEG as one flattened grey image of ``image_shape`` in [0, 1], ink bright on a
    dark background like the datasets (a light background is inverted)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                raise ValueError(f"Please upload a PNG or JPEG image; this is {image.format}.")
            if image.width * image.height > MAX_UPLOAD_PIXELS:
                raise ValueError(f"The image is {image.width}×{image.height} pixels; please "
                                 "upload one of at most 4096×4096.")
            grey = image.convert("L").resize(image_shape[::-1], Image.Resampling.LANCZOS)
    except Image.DecompressionBombError as err:
        raise ValueError("The image is far too large; please upload a smaller one.") from err
    except (UnidentifiedImageError, OSError) as err:
        raise ValueError("That file is not a readable PNG or JPEG image.") from err
    pixels = np.asarray(grey, dtype="float32") / 255.0
    if np.median(pixels) > 0.5:  # dark ink on light paper
        pixels = 1.0 - pixels
    return pixels.reshape(1, -1)
