"""Denoising scores: noisy, classically filtered and autoencoded images against the clean ones,
and user images brought to a dataset's format. Nothing here trains (see aecore.robustness)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from PIL import Image, UnidentifiedImageError

from aecore.image_quality import CLASSICAL_FILTERS, psnr, ssim

MAX_UPLOAD_PIXELS = 4096 * 4096


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


def improvement(scores: pd.DataFrame) -> dict[str, float]:
    """The autoencoder's PSNR gain (dB) over the best classical filter and over the noisy input,
    from a :func:`denoising_scores` table."""
    psnr_db = scores["PSNR (dB)"]
    best_filter = psnr_db.drop(["noisy input", "autoencoder"]).max()
    return {"over the best filter": float(psnr_db["autoencoder"] - best_filter),
            "over the noisy input": float(psnr_db["autoencoder"] - psnr_db["noisy input"])}


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
