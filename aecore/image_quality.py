"""Per-image PSNR and SSIM against clean images, and classical denoising filters as baselines."""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from skimage.metrics import structural_similarity

PSNR_CEILING_DB = 100.0  # an MSE of 1e-10: far below what 8-bit pixels (1/255 steps) can show


def psnr(clean: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Peak signal-to-noise ratio per image in dB, pixels in [0, 1], at most 100 dB.

    PSNR = 10·log10(1 / MSE), the peak value being 1 for images in [0, 1]. Identical images
    have MSE 0 and infinite PSNR; that is reported as :data:`PSNR_CEILING_DB` (100 dB), so
    means, tables and captions stay finite.

    Parameters
    ----------
    clean : array-like of shape (n_samples, n_pixels)
        Reference images, flattened, pixels in [0, 1].
    other : array-like of shape (n_samples, n_pixels)
        Images to score against ``clean``, in the same units.

    Returns
    -------
    ndarray of shape (n_samples,), dtype float64
        PSNR of each image in dB (higher is better), at most 100 (identical images).
    """
    mse = np.mean((np.asarray(clean, "float64") - np.asarray(other, "float64")) ** 2, axis=1)
    return 10 * np.log10(1.0 / np.maximum(mse, 10 ** (-PSNR_CEILING_DB / 10)))


def ssim(clean: np.ndarray, other: np.ndarray, image_shape: tuple[int, int]) -> np.ndarray:
    """Structural similarity per image (1 is identical), 7×7 windows as scikit-image's default.

    SSIM after Wang et al. (2004), computed by :func:`skimage.metrics.structural_similarity`
    with ``data_range=1.0`` and ``win_size=7``.

    Parameters
    ----------
    clean : array-like of shape (n_samples, n_pixels)
        Reference images, flattened, pixels in [0, 1].
    other : array-like of shape (n_samples, n_pixels)
        Images to score against ``clean``, in the same units.
    image_shape : tuple of (int, int)
        (height, width) of one image, with height × width = n_pixels.

    Returns
    -------
    ndarray of shape (n_samples,), dtype float64
        Mean SSIM of each image, at most 1.

    Raises
    ------
    ValueError
        If ``clean`` and ``other`` have different numbers of images, or (from scikit-image)
        if a side of ``image_shape`` is shorter than 7 pixels.

    References
    ----------
    .. [1] Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image Quality Assessment:
       From Error Visibility to Structural Similarity", IEEE Trans. Image Process. 13(4), 2004.
    """
    return np.array([
        structural_similarity(np.reshape(a, image_shape), np.reshape(b, image_shape),
                              data_range=1.0, win_size=7)
        for a, b in zip(clean, other, strict=True)
    ])


def median_filter(x: np.ndarray, image_shape: tuple[int, int], size: int = 3) -> np.ndarray:
    """Median-filter each image separately: a classical denoising baseline.

    Uses :func:`scipy.ndimage.median_filter` with a ``size`` × ``size`` window and its default
    ``"reflect"`` borders.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_pixels)
        Flattened images, pixels in [0, 1].
    image_shape : tuple of (int, int)
        (height, width) of one image.
    size : int, default=3
        Side of the square window, in pixels.

    Returns
    -------
    ndarray of shape (n_samples, n_pixels)
        The filtered images, same dtype as ``x``.
    """
    images = np.reshape(x, (-1, *image_shape))
    return ndimage.median_filter(images, size=(1, size, size)).reshape(len(x), -1)


def gaussian_filter(x: np.ndarray, image_shape: tuple[int, int], sigma: float = 1.0) -> np.ndarray:
    """Gaussian-blur each image separately: a classical denoising baseline.

    Uses :func:`scipy.ndimage.gaussian_filter` with its default ``"reflect"`` borders.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_pixels)
        Flattened images, pixels in [0, 1].
    image_shape : tuple of (int, int)
        (height, width) of one image.
    sigma : float, default=1.0
        Standard deviation of the Gaussian kernel, in pixels.

    Returns
    -------
    ndarray of shape (n_samples, n_pixels)
        The filtered images, same dtype as ``x``.
    """
    images = np.reshape(x, (-1, *image_shape))
    return ndimage.gaussian_filter(images, sigma=(0, sigma, sigma)).reshape(len(x), -1)


CLASSICAL_FILTERS = {"median filter 3×3": median_filter, "Gaussian filter σ=1": gaussian_filter}
