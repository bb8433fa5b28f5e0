"""Denoising scores: noisy, classically filtered and autoencoded images against the clean ones,
and user images brought to a dataset's format. Nothing here trains (see aecore.robustness)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PIL import Image, ImageOps, UnidentifiedImageError

from aecore.image_quality import CLASSICAL_FILTERS, psnr, ssim

MAX_UPLOAD_PIXELS = 4096 * 4096


def filtered_images(noisy: np.ndarray,
                    image_shape: tuple[int, int] | None) -> dict[str, np.ndarray]:
    """Each classical filter's output for the noisy images.

    Parameters
    ----------
    noisy : ndarray of shape (n_samples, n_pixels)
        Corrupted images, flattened, pixels in [0, 1].
    image_shape : tuple of (int, int) or None
        (height, width) of one image; None for table rows, which have no image filters.

    Returns
    -------
    dict of str to ndarray of shape (n_samples, n_pixels)
        For each key of :data:`aecore.image_quality.CLASSICAL_FILTERS`, in its order, the filtered
        images, pixels in [0, 1]; empty when ``image_shape`` is None.
    """
    if image_shape is None:
        return {}
    return {name: denoise(noisy, image_shape) for name, denoise in CLASSICAL_FILTERS.items()}


def denoising_scores(clean: np.ndarray, noisy: np.ndarray, denoised: np.ndarray,
                     image_shape: tuple[int, int] | None,
                     filtered: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Mean PSNR (dB) and SSIM vs. the clean images: noisy input, classical filters, autoencoder.

    Parameters
    ----------
    clean : ndarray of shape (n_samples, n_pixels)
        Clean reference images, flattened, pixels in [0, 1].
    noisy : ndarray of shape (n_samples, n_pixels)
        Corrupted versions of ``clean``; the classical filters are applied to these.
    denoised : ndarray of shape (n_samples, n_pixels)
        The autoencoder's output for ``noisy``.
    image_shape : tuple of (int, int) or None
        (height, width) of one image; None for table rows, which have no image filters and
        no SSIM (its column is then NaN).
    filtered : dict of str to ndarray, optional
        The filters' outputs for ``noisy`` if already computed (:func:`filtered_images`);
        computed here when None.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``method``: ``"noisy input"``, each key of
        :data:`aecore.image_quality.CLASSICAL_FILTERS` (images only), then ``"autoencoder"``.
        Columns ``"PSNR (dB)"``, the mean of :func:`aecore.image_quality.psnr` (inf if any
        image equals its clean one), and ``"SSIM"``, the mean of :func:`aecore.image_quality.ssim`.

    Raises
    ------
    ValueError
        As :func:`aecore.image_quality.ssim` does (unequal image counts).
    """
    if filtered is None:
        filtered = filtered_images(noisy, image_shape)
    outputs = {"noisy input": noisy, **filtered, "autoencoder": denoised}
    images = image_shape is not None
    return pd.DataFrame(
        [{"method": name, "PSNR (dB)": float(np.mean(psnr(clean, out))),
          "SSIM": float(np.mean(ssim(clean, out, image_shape))) if images else np.nan}
         for name, out in outputs.items()]
    ).set_index("method")


def improvement(scores: pd.DataFrame) -> dict[str, float]:
    """The autoencoder's PSNR gain (dB) over the best classical filter and over the noisy input.

    Parameters
    ----------
    scores : pandas.DataFrame
        A table from :func:`denoising_scores`.

    Returns
    -------
    dict of str to float
        ``"over the best filter"`` and ``"over the noisy input"``: the autoencoder's mean PSNR
        minus that row's, in dB (positive when the autoencoder is better); the first is NaN
        when the table has no filter rows (table data).
    """
    psnr_db = scores["PSNR (dB)"]
    best_filter = psnr_db.drop(["noisy input", "autoencoder"]).max()  # NaN with no filters
    return {"over the best filter": float(psnr_db["autoencoder"] - best_filter),
            "over the noisy input": float(psnr_db["autoencoder"] - psnr_db["noisy input"])}


@dataclass(frozen=True)
class PreparedImage:
    """An uploaded image made like the dataset's, and what was done to it.

    Attributes
    ----------
    pixels : ndarray of shape (1, height * width), dtype float32
        The image, pixels in [0, 1], bright ink on a dark background.
    changes : tuple of str
        Each change in words, e.g. "resized from 2000×50 to 28×28 (aspect ratio not kept)",
        "made grey", "inverted (dark ink on light paper)"; empty when none was needed.
    """

    pixels: np.ndarray
    changes: tuple[str, ...]


def image_from_bytes(data: bytes, image_shape: tuple[int, int]) -> PreparedImage:
    """A PNG or JPEG as one flattened grey image in [0, 1], bright ink on a dark background.

    The image is read as an image viewer shows it (Pillow's ``ImageOps.exif_transpose`` turns
    a phone photo upright; transparent parts are shown on white paper; palette, CMYK and 16-bit
    images are converted by their own scale), turned grey in [0, 1], and resized to
    ``image_shape`` with Lanczos resampling (aspect ratio not kept). Like the datasets, ink is
    bright on a dark background: an image whose median pixel exceeds 0.5 (dark ink on light
    paper) is inverted.

    Parameters
    ----------
    data : bytes
        The file's contents.
    image_shape : tuple of (int, int)
        (height, width) to resize to, in pixels.

    Returns
    -------
    PreparedImage
        The pixels, and the changes made to the file's image in words, for the user.

    Raises
    ------
    ValueError
        If the file is not a readable PNG or JPEG, is animated, or has more than
        :data:`MAX_UPLOAD_PIXELS` (4096 × 4096) pixels.
    """
    grey, colour = read_grey_image(data)
    changes = ["made grey"] if colour else []
    if grey.shape != tuple(image_shape):
        (height, width), (to_height, to_width) = grey.shape, image_shape
        kept = height * to_width == width * to_height
        changes.append(f"resized from {width}×{height} to {to_width}×{to_height} pixels"
                       + ("" if kept else " (aspect ratio not kept)"))
    resized = Image.fromarray(grey, mode="F").resize(image_shape[::-1], Image.Resampling.LANCZOS)
    pixels = np.clip(np.asarray(resized, dtype="float32"), 0.0, 1.0)
    if np.median(pixels) > 0.5:  # dark ink on light paper
        pixels = 1.0 - pixels
        changes.append("inverted (dark on light, where the data are bright on dark)")
    return PreparedImage(pixels.reshape(1, -1), tuple(changes))


_GREY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"})


def read_grey_image(data: bytes) -> tuple[np.ndarray, bool]:
    """A PNG or JPEG as a viewer shows it, in grey levels in [0, 1], at its own size.

    The reading shared by :func:`image_from_bytes` and :mod:`aecore.uploads`: Pillow's
    ``ImageOps.exif_transpose`` turns a phone photo upright, transparent parts are shown on
    white paper, palette, CMYK and 16-bit images are converted by their own scale. Nothing is
    resized or inverted.

    Parameters
    ----------
    data : bytes
        The file's contents.

    Returns
    -------
    pixels : ndarray of shape (height, width), dtype float32
        Grey levels in [0, 1].
    colour : bool
        Whether the file holds a colour (RGB, palette, CMYK, …) image rather than a grey one.

    Raises
    ------
    ValueError
        If the file is not a readable PNG or JPEG, is animated, or has more than
        :data:`MAX_UPLOAD_PIXELS` (4096 × 4096) pixels.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                raise ValueError(f"Please upload a PNG or JPEG image; this is {image.format}.")
            if image.width * image.height > MAX_UPLOAD_PIXELS:
                raise ValueError(f"The image is {image.width}×{image.height} pixels; please "
                                 "upload one of at most 4096×4096.")
            if getattr(image, "n_frames", 1) > 1:
                raise ValueError("This image is animated; please upload a single picture.")
            colour = image.mode not in _GREY_MODES
            grey = _as_displayed_grey(ImageOps.exif_transpose(image))
    except Image.DecompressionBombError as err:
        raise ValueError("The image is far too large; please upload a smaller one.") from err
    except (UnidentifiedImageError, OSError) as err:
        raise ValueError("That file is not a readable PNG or JPEG image.") from err
    return grey, colour


def _as_displayed_grey(image: Image.Image) -> np.ndarray:
    """Grey levels in [0, 1] as a viewer shows ``image``: 16-bit grey by its own 0–65535 scale,
    transparency over white paper, palette and CMYK through RGB."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return (np.asarray(image, dtype="float64") / 65535.0).clip(0, 1).astype("float32")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        paper = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(paper, image.convert("RGBA"))
    return np.asarray(image.convert("L"), dtype="float32") / 255.0
