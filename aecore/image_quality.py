"""Per-image PSNR and SSIM against clean images, and classical denoising filters as baselines."""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from skimage.metrics import structural_similarity


def psnr(clean: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Peak signal-to-noise ratio per image in dB, pixels in [0, 1] (identical images: inf)."""
    mse = np.mean((np.asarray(clean, "float64") - np.asarray(other, "float64")) ** 2, axis=1)
    with np.errstate(divide="ignore"):
        return 10 * np.log10(1.0 / mse)


def ssim(clean: np.ndarray, other: np.ndarray, image_shape: tuple[int, int]) -> np.ndarray:
    """Structural similarity per image (1 is identical), 7×7 windows as scikit-image's default."""
    return np.array([
        structural_similarity(np.reshape(a, image_shape), np.reshape(b, image_shape),
                              data_range=1.0, win_size=7)
        for a, b in zip(clean, other, strict=True)
    ])


def median_filter(x: np.ndarray, image_shape: tuple[int, int], size: int = 3) -> np.ndarray:
    images = np.reshape(x, (-1, *image_shape))
    return ndimage.median_filter(images, size=(1, size, size)).reshape(len(x), -1)


def gaussian_filter(x: np.ndarray, image_shape: tuple[int, int], sigma: float = 1.0) -> np.ndarray:
    images = np.reshape(x, (-1, *image_shape))
    return ndimage.gaussian_filter(images, sigma=(0, sigma, sigma)).reshape(len(x), -1)


CLASSICAL_FILTERS = {"median filter 3×3": median_filter, "Gaussian filter σ=1": gaussian_filter}
