"""Per-image PSNR and SSIM against clean images, and classical denoising filters as baselines."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage
from skimage.metrics import structural_similarity
from skimage.restoration import (
    denoise_nl_means,
    denoise_tv_chambolle,
    denoise_wavelet,
    estimate_sigma,
)

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


SSIM_WINDOW = 7  # pixels a side: scikit-image's default, as Wang et al. (2004) used


def ssim_window(image_shape: tuple[int, int]) -> int | None:
    """The side of the windows :func:`ssim` averages over for images of ``image_shape``:
    :data:`SSIM_WINDOW`, or for images less than 7 pixels a side the largest odd side that
    fits; None below 3 pixels, where no window fits (scikit-image needs an odd side ≥ 3)."""
    side = min(image_shape)
    window = min(SSIM_WINDOW, side if side % 2 else side - 1)
    return window if window >= 3 else None


def ssim_note(image_shape: tuple[int, int]) -> str:
    """A sentence on the windows of :func:`ssim` where they are not the usual 7×7, else ""."""
    window, side = ssim_window(image_shape), min(image_shape)
    if window is None:
        return (f"No SSIM: it needs images of 3 pixels a side at least, and these are {side} "
                "pixels across on their shorter side.")
    if window < SSIM_WINDOW:
        return (f"SSIM over {window}×{window} windows, not the usual 7×7: these images are "
                f"{side} pixels across on their shorter side.")
    return ""


def ssim(clean: np.ndarray, other: np.ndarray, image_shape: tuple[int, int]) -> np.ndarray:
    """Structural similarity per image (1 is identical), over 7×7 windows as scikit-image's
    default, or smaller ones for small images (:func:`ssim_window`).

    SSIM after Wang et al. (2004), computed by :func:`skimage.metrics.structural_similarity`
    with ``data_range=1.0``.

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
        Mean SSIM of each image, at most 1; NaN for images with a side under 3 pixels, which
        no window fits.

    Raises
    ------
    ValueError
        If ``clean`` and ``other`` have different numbers of images.

    References
    ----------
    .. [1] Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image Quality Assessment:
       From Error Visibility to Structural Similarity", IEEE Trans. Image Process. 13(4), 2004.
    """
    pairs = list(zip(clean, other, strict=True))
    window = ssim_window(image_shape)
    if window is None:
        return np.full(len(pairs), np.nan)
    return np.array([
        structural_similarity(np.reshape(a, image_shape), np.reshape(b, image_shape),
                              data_range=1.0, win_size=window)
        for a, b in pairs
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


def _denoise_each(x: np.ndarray, image_shape: tuple[int, int],
                  denoise: Callable[[np.ndarray, float], np.ndarray]) -> np.ndarray:
    """``denoise(image, sigma)`` applied to each image with that image's own noise estimate.

    σ is :func:`skimage.restoration.estimate_sigma` of the image (Donoho and Johnstone's median
    absolute deviation of the finest diagonal wavelet coefficients, divided by 0.6745), so each
    image is filtered as hard as its own noise asks; an image with no measurable noise (a flat
    one, or σ̂ zero or undefined) is returned unchanged. The output is clipped to [0, 1].
    """
    images = np.reshape(x, (-1, *image_shape)).astype("float64")
    out = np.empty_like(images)
    for i, image in enumerate(images):
        sigma = estimate_sigma(image) if np.ptp(image) > 0 else 0.0  # flat: no wavelet detail
        out[i] = np.reshape(denoise(image, sigma), image_shape) if sigma > 0 else image
    return np.clip(out, 0.0, 1.0).reshape(len(images), -1).astype(np.asarray(x).dtype)


def total_variation_filter(x: np.ndarray, image_shape: tuple[int, int],
                           weight_per_sigma: float = 1.0) -> np.ndarray:
    """Total-variation denoising of each image (Chambolle's algorithm), weight ∝ its noise σ̂.

    :func:`skimage.restoration.denoise_tv_chambolle` with ``weight = weight_per_sigma · σ̂``,
    σ̂ being the image's estimated noise (see :func:`_denoise_each`). The default 1 follows
    scikit-image's gallery ("Denoising a picture"), which pairs weights 0.1 and 0.2 with noise
    σ 0.155, i.e. about 0.65σ and 1.3σ.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_pixels)
        Flattened images, pixels in [0, 1].
    image_shape : tuple of (int, int)
        (height, width) of one image.
    weight_per_sigma : float, default=1.0
        Denoising weight (scikit-image's ``weight``, 1/λ of the ROF model) per unit of σ̂;
        larger smooths more.

    Returns
    -------
    ndarray of shape (n_samples, n_pixels)
        The filtered images, pixels in [0, 1], same dtype as ``x``.

    References
    ----------
    .. [1] A. Chambolle, "An algorithm for total variation minimization and applications",
       J. Math. Imaging Vis. 20, 2004.
    """
    return _denoise_each(x, image_shape, lambda image, sigma: denoise_tv_chambolle(
        image, weight=weight_per_sigma * sigma))


def wavelet_filter(x: np.ndarray, image_shape: tuple[int, int],
                   method: str = "BayesShrink") -> np.ndarray:
    """Wavelet-shrinkage denoising of each image: soft thresholds set by its noise σ̂.

    :func:`skimage.restoration.denoise_wavelet` given the image's estimated σ̂ (see
    :func:`_denoise_each`), with ``mode="soft"``, ``rescale_sigma=True`` and the default Haar
    (``"db1"``) wavelet and number of levels, as in scikit-image's gallery ("Wavelet
    denoising"). Needs PyWavelets.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_pixels)
        Flattened images, pixels in [0, 1].
    image_shape : tuple of (int, int)
        (height, width) of one image.
    method : {"BayesShrink", "VisuShrink"}, default="BayesShrink"
        BayesShrink sets a threshold per sub-band [1]_; VisuShrink one universal threshold
        σ̂·√(2 ln n) [2]_.

    Returns
    -------
    ndarray of shape (n_samples, n_pixels)
        The filtered images, pixels in [0, 1], same dtype as ``x``.

    References
    ----------
    .. [1] S. G. Chang, B. Yu and M. Vetterli, "Adaptive wavelet thresholding for image
       denoising and compression", IEEE Trans. Image Process. 9(9), 2000.
    .. [2] D. L. Donoho and I. M. Johnstone, "Ideal spatial adaptation by wavelet shrinkage",
       Biometrika 81(3), 1994.
    """
    return _denoise_each(x, image_shape, lambda image, sigma: denoise_wavelet(
        image, sigma=sigma, method=method, mode="soft", rescale_sigma=True))


def nl_means_filter(x: np.ndarray, image_shape: tuple[int, int], patch_size: int = 5,
                    patch_distance: int = 6, h_per_sigma: float = 0.6,
                    fast_mode: bool = True) -> np.ndarray:
    """Non-local means denoising of each image; by default fast, 5×5 patches, h = 0.6σ̂.

    :func:`skimage.restoration.denoise_nl_means` given ``sigma`` = the image's estimated σ̂ (see
    :func:`_denoise_each`) and the cut-off ``h = h_per_sigma · σ̂``. The defaults are those of
    scikit-image's gallery ("Non-local means denoising for preserving textures", fast algorithm
    with σ provided). The fast mode and the 13×13 search window (scikit-image's default is
    23×23, almost all of a 28×28 digit) keep the filter to about 1.6 s per 1,000 digits on two
    cores; the original algorithm with the default windows (and h = 0.8σ̂) takes 70 s for
    +0.04 dB at Gaussian σ 0.5 (bench/denoising.py, BENCHMARKS.md).

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_pixels)
        Flattened images, pixels in [0, 1].
    image_shape : tuple of (int, int)
        (height, width) of one image.
    patch_size : int, default=5
        Side of the patches compared, in pixels.
    patch_distance : int, default=6
        Largest shift searched for similar patches, in pixels (a window of side
        2·patch_distance + 1).
    h_per_sigma : float, default=0.6
        Cut-off distance between patches per unit of σ̂; larger smooths more.
    fast_mode : bool, default=True
        Froment's fast algorithm [2]_ rather than the original one [1]_.

    Returns
    -------
    ndarray of shape (n_samples, n_pixels)
        The filtered images, pixels in [0, 1], same dtype as ``x``.

    References
    ----------
    .. [1] A. Buades, B. Coll and J.-M. Morel, "A non-local algorithm for image denoising",
       CVPR 2005.
    .. [2] J. Froment, "Parameter-free fast pixelwise non-local means denoising", Image
       Processing On Line 4, 2014.
    """
    return _denoise_each(x, image_shape, lambda image, sigma: denoise_nl_means(
        image, patch_size=patch_size, patch_distance=patch_distance, h=h_per_sigma * sigma,
        sigma=sigma, fast_mode=fast_mode))


CLASSICAL_FILTERS: dict[str, Callable[[np.ndarray, tuple[int, int]], np.ndarray]] = {
    "median filter 3×3": median_filter,
    "Gaussian filter σ=1": gaussian_filter,
    "total variation": total_variation_filter,
    "wavelet (BayesShrink)": wavelet_filter,
    "non-local means": nl_means_filter,
}
"""The classical denoisers every table compares against: name → ``f(x, image_shape)``, each
taking and returning flattened images of shape (n_samples, n_pixels) with pixels in [0, 1]."""
