"""Seeded image corruptions for denoising. Inputs and outputs are flattened images in [0, 1]."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Corruption = Callable[[np.ndarray, float, np.random.Generator], np.ndarray]


def _gaussian(x: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    return x + sigma * rng.standard_normal(x.shape)


def _speckle(x: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    return x + x * sigma * rng.standard_normal(x.shape)


def _salt_and_pepper(x: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    hit = rng.random(x.shape) < fraction
    return np.where(hit, rng.random(x.shape) < 0.5, x)


def _masking(x: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    return np.where(rng.random(x.shape) < fraction, 0.0, x)


NOISES: dict[str, tuple[str, Corruption]] = {
    "gaussian": ("Gaussian (σ)", _gaussian),
    "salt_and_pepper": ("Salt and pepper (fraction of pixels)", _salt_and_pepper),
    "masking": ("Masking (fraction of pixels set to 0)", _masking),
    "speckle": ("Speckle (σ, noise proportional to ink)", _speckle),
}


def level_caveat(kind: str, level: float) -> str | None:
    """Why a denoising comparison at noise ``kind`` and ``level`` measures nothing, or None.

    Parameters
    ----------
    kind : str
        A key of :data:`NOISES`.
    level : float
        As for :func:`corrupt`.

    Returns
    -------
    str or None
        A sentence at level 0 (no noise: the input is the clean image, whose PSNR is unbounded
        and shown capped) and where every pixel is replaced (salt and pepper or masking at
        level 1: nothing of the image is left); None otherwise.
    """
    if level <= 0:
        return ("At level 0 there is no noise: the noisy input is the clean image (its PSNR is "
                "unbounded, shown as the 100 dB cap), so the gains below measure nothing. Raise "
                "the level.")
    if kind in ("salt_and_pepper", "masking") and level >= 1:
        return ("At level 1 every pixel is replaced, so nothing of the image is left: a "
                "denoiser can at best draw the average image, and the gains below compare "
                "guesses. Lower the level.")
    return None


def corrupt(x: np.ndarray, kind: str, level: float, seed: int = 0) -> np.ndarray:
    """Corrupt images with noise ``kind`` at ``level`` (σ or a fraction), clipped to [0, 1].

    The same seed gives the same noise; level 0 returns the images unchanged (as a float32 copy,
    not clipped). The kinds, per pixel x with z ~ N(0, 1):

    - ``"gaussian"``: x + σ·z.
    - ``"speckle"``: x + x·σ·z, noise proportional to ink.
    - ``"salt_and_pepper"``: each pixel, with probability ``level``, set to 0 or 1 (even odds).
    - ``"masking"``: each pixel, with probability ``level``, set to 0.

    Parameters
    ----------
    x : array-like of shape (n_samples, n_pixels)
        Flattened images, pixels in [0, 1].
    kind : str
        A key of :data:`NOISES`.
    level : float
        σ for ``"gaussian"`` and ``"speckle"`` (pixel units); for the others, the expected
        fraction of pixels hit. Between 0 and 1.
    seed : int, default=0
        Seed of the :func:`numpy.random.default_rng` that draws the noise.

    Returns
    -------
    ndarray of shape (n_samples, n_pixels), dtype float32
        The corrupted images, pixels in [0, 1].

    Raises
    ------
    ValueError
        If ``kind`` is not a key of :data:`NOISES`, or ``level`` is outside [0, 1].
    """
    if kind not in NOISES:
        raise ValueError(f"Unknown noise {kind!r}; choose one of {', '.join(NOISES)}.")
    if not 0 <= level <= 1:
        raise ValueError(f"The noise level must be between 0 and 1; got {level:g}.")
    if level == 0:
        return np.array(x, dtype="float32")
    noisy = NOISES[kind][1](np.asarray(x, dtype="float32"), level, np.random.default_rng(seed))
    return np.clip(noisy, 0.0, 1.0).astype("float32")
