import io

import numpy as np
import pytest
from PIL import Image

from aecore.data import evaluation_points, load_dataset
from aecore.denoise import denoising_scores, image_from_bytes
from aecore.image_quality import (
    CLASSICAL_FILTERS,
    median_filter,
    psnr,
    ssim,
    ssim_note,
    ssim_window,
)
from aecore.noise import NOISES, corrupt, level_caveat


@pytest.fixture
def images(rng):
    return rng.random((20, 64)).astype("float32")


@pytest.mark.parametrize("kind", list(NOISES))
def test_every_noise_keeps_pixels_in_range_is_seeded_and_identity_at_zero(kind, images):
    noisy = corrupt(images, kind, 0.6, seed=3)
    assert noisy.min() >= 0 and noisy.max() <= 1
    np.testing.assert_array_equal(noisy, corrupt(images, kind, 0.6, seed=3))
    assert not np.array_equal(noisy, corrupt(images, kind, 0.6, seed=4))
    np.testing.assert_array_equal(corrupt(images, kind, 0.0), images)


def test_salt_and_pepper_and_masking_hit_the_requested_fraction(rng):
    x = np.full((200, 100), 0.5, dtype="float32")
    assert np.mean(corrupt(x, "salt_and_pepper", 0.3) != 0.5) == pytest.approx(0.3, abs=0.01)
    assert np.mean(corrupt(x, "masking", 0.2) == 0) == pytest.approx(0.2, abs=0.01)


def test_bad_noise_requests_are_explained(images):
    with pytest.raises(ValueError, match="choose one of"):
        corrupt(images, "blur", 0.1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        corrupt(images, "gaussian", 1.5)


def test_psnr_on_known_values():
    clean = np.zeros((2, 4))
    assert psnr(clean, np.full((2, 4), 0.1)) == pytest.approx([20.0, 20.0])
    assert psnr(clean, clean)[0] == 100.0  # infinite for identical images: shown bounded


def test_gaussian_noise_half_leaves_mnist_near_nine_db():
    x, _ = evaluation_points(load_dataset("mnist_sample"))
    assert np.mean(psnr(x, corrupt(x, "gaussian", 0.5))) == pytest.approx(9.3, abs=0.3)


def test_ssim_is_one_for_identical_images_and_lower_for_noisy(images):
    assert ssim(images, images, (8, 8)) == pytest.approx(np.ones(20))
    assert np.all(ssim(images, corrupt(images, "gaussian", 0.5), (8, 8)) < 0.9)


def test_median_filter_removes_a_single_outlier():
    image = np.zeros((1, 25), dtype="float32")
    image[0, 12] = 1.0
    assert median_filter(image, (5, 5)).max() == 0


@pytest.mark.parametrize("name", list(CLASSICAL_FILTERS))
def test_every_classical_filter_keeps_shape_dtype_and_range(name, rng):
    images = corrupt(rng.random((6, 28 * 28)), "salt_and_pepper", 0.5)  # many 0s and 1s
    filtered = CLASSICAL_FILTERS[name](images, (28, 28))
    assert filtered.shape == images.shape and filtered.dtype == images.dtype
    assert filtered.min() >= 0 and filtered.max() <= 1


@pytest.mark.parametrize("name", list(CLASSICAL_FILTERS))
def test_every_classical_filter_beats_the_noisy_input_on_noisy_digits(name):
    x, _ = evaluation_points(load_dataset("mnist_sample"), limit=30)
    noisy = corrupt(x, "gaussian", 0.5)
    filtered = CLASSICAL_FILTERS[name](noisy, (28, 28))
    assert np.mean(psnr(x, filtered)) > np.mean(psnr(x, noisy)) + 1.0  # dB


def test_a_blank_image_leaves_the_noise_estimating_filters_unchanged():
    blank = np.zeros((2, 28 * 28), dtype="float32")  # no noise to estimate: σ̂ undefined
    for name, denoise in CLASSICAL_FILTERS.items():
        np.testing.assert_array_equal(denoise(blank, (28, 28)), blank, err_msg=name)


def test_scores_compare_noisy_filters_and_autoencoder(images):
    noisy = corrupt(images, "gaussian", 0.3)
    table = denoising_scores(images, noisy, images, (8, 8))
    assert list(table.index) == ["noisy input", *CLASSICAL_FILTERS, "autoencoder"]
    assert table.loc["autoencoder", "SSIM"] == pytest.approx(1.0)


def png_bytes(array: np.ndarray, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return buffer.getvalue()


def test_uploaded_dark_on_light_image_is_resized_and_inverted():
    paper = np.full((56, 40), 255, dtype="uint8")
    paper[20:36, 18:22] = 0  # a dark stroke
    prepared = image_from_bytes(png_bytes(paper, "JPEG"), (28, 28))
    image = prepared.pixels
    assert prepared.changes == ("resized from 40×56 to 28×28 pixels (aspect ratio not kept)",
                                "inverted (dark on light, where the data are bright on dark)")
    assert image.shape == (1, 784)
    assert image.min() >= 0 and image.max() <= 1
    assert np.median(image) < 0.1 and image.max() > 0.5  # dark background, bright ink


@pytest.mark.parametrize("data, message", [
    (b"not an image at all", "not a readable PNG or JPEG"),
    (png_bytes(np.zeros((4, 4), dtype="uint8"), "GIF"), "PNG or JPEG"),
])
def test_uploads_that_are_not_png_or_jpeg_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        image_from_bytes(data, (28, 28))


def test_robustness_matrix_has_a_psnr_per_train_and_test_level(digits):
    from aecore import Autoencoder
    from aecore.robustness import robustness_matrix

    progress = []
    matrix = robustness_matrix(Autoencoder(network="conv", filters=4, depth=1, epochs=1,
                                           batch_size=64),
                               digits.x_train[:300], digits.x_test[:50], "gaussian",
                               [0.2, 0.6], [0.0, 0.5],
                               on_progress=lambda f, text: progress.append(f))
    assert matrix.shape == (2, 2) and list(matrix.index) == [0.2, 0.6]
    assert np.isfinite(matrix.to_numpy()).all()
    assert progress[0] == 0.0 and progress[-1] == 1.0


def _bar_image(vertical: bool, size: int = 40) -> np.ndarray:
    """Dark ink bar on white paper, 8-bit grey."""
    paper = np.full((size, size), 255, dtype="uint8")
    if vertical:
        paper[4:36, 18:22] = 0
    else:
        paper[18:22, 4:36] = 0
    return paper


def _saved(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _is_horizontal_bar(pixels: np.ndarray) -> bool:
    image = pixels.reshape(28, 28)
    return image.mean(axis=1).max() > 2 * image.mean(axis=0).max()


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    data = _saved(Image.fromarray(_bar_image(vertical=True)), "JPEG", exif=exif.tobytes())
    assert _is_horizontal_bar(image_from_bytes(data, (28, 28)).pixels)  # as a viewer shows it


def test_transparent_parts_are_read_as_white_paper():
    rgba = np.zeros((40, 40, 4), dtype="uint8")  # transparent black everywhere…
    rgba[18:22, 4:36] = [0, 0, 0, 255]  # …but an opaque black bar
    pixels = image_from_bytes(_saved(Image.fromarray(rgba, "RGBA"), "PNG"), (28, 28)).pixels
    assert np.median(pixels) < 0.1 and pixels.max() > 0.5 and _is_horizontal_bar(pixels)
    palette = Image.fromarray(_bar_image(vertical=False)).convert("P")
    palette.info["transparency"] = 255  # the paper's palette entry is transparent
    assert _is_horizontal_bar(image_from_bytes(_saved(palette, "PNG", transparency=255),
                                               (28, 28)).pixels)


def test_sixteen_bit_and_cmyk_images_keep_their_grey_levels():
    grey16 = np.full((40, 40), 32768, dtype="uint16")  # mid grey
    grey16[18:22, 4:36] = 65535
    prepared = image_from_bytes(_saved(Image.fromarray(grey16), "PNG"), (28, 28))
    pixels = prepared.pixels
    assert "made grey" not in prepared.changes
    assert np.median(pixels) == pytest.approx(0.5, abs=0.02)  # not clipped to white
    cmyk = Image.fromarray(255 - _bar_image(vertical=False)).convert("L")
    cmyk = Image.merge("CMYK", [Image.new("L", cmyk.size, 0)] * 3 + [cmyk])  # ink in K
    prepared = image_from_bytes(_saved(cmyk, "JPEG"), (28, 28))
    pixels = prepared.pixels
    assert prepared.changes[0] == "made grey"
    assert np.median(pixels) < 0.1 and _is_horizontal_bar(pixels)


def test_an_animated_png_is_refused():
    frames = [Image.fromarray(_bar_image(v)) for v in (True, False)]
    data = _saved(frames[0], "PNG", save_all=True, append_images=frames[1:])
    with pytest.raises(ValueError, match="animated"):
        image_from_bytes(data, (28, 28))


def test_conv_denoiser_blocks_convolve_at_each_resolution_before_halving():
    from aecore.models import build_conv_autoencoder
    from aecore.spec import ConvSpec

    net = build_conv_autoencoder(ConvSpec(filters=4, depth=2), 784)
    sides = {layer.name: layer.output.shape[1] for layer in net.encoder.layers
             if layer.name.startswith("encoder_conv")}
    assert sides == {"encoder_conv_0_0": 28, "encoder_conv_0": 14,
                     "encoder_conv_1_0": 14, "encoder_conv_1": 7}
    decoder = [layer.name for layer in net.decoder.layers if "conv" in layer.name]
    assert decoder == ["decoder_conv_1", "decoder_conv_1_0", "decoder_conv_0", "decoder_conv_0_0"]
    assert ConvSpec(filters=4, depth=2).architecture(784).startswith(
        "28×28 → conv 4, conv 4 ↓2 → conv 8, conv 8 ↓2 → code 7×7×8")


def test_an_image_of_the_datas_own_size_and_kind_is_left_as_it_is():
    ink = np.zeros((28, 28), dtype="uint8")
    ink[10:18, 12:16] = 255
    prepared = image_from_bytes(png_bytes(ink, "PNG"), (28, 28))
    assert prepared.changes == () and prepared.pixels.max() == 1.0
    assert image_from_bytes(png_bytes(np.zeros((14, 14), "uint8"), "PNG"), (28, 28)).changes == (
        "resized from 14×14 to 28×28 pixels",)


@pytest.mark.parametrize("kind", list(NOISES))
def test_a_level_caveat_only_where_the_comparison_measures_nothing(kind):
    assert "no noise" in level_caveat(kind, 0.0)
    assert level_caveat(kind, 0.5) is None
    destroyed = kind in ("salt_and_pepper", "masking")  # σ 1 Gaussian still leaves the image
    assert (level_caveat(kind, 1.0) is not None) == destroyed


@pytest.mark.parametrize(("shape", "window"), [((28, 28), 7), ((8, 8), 7), ((10, 6), 5),
                                               ((4, 9), 3), ((3, 3), 3), ((2, 5), None)])
def test_ssim_fits_its_window_to_small_images_and_says_so(shape, window):
    """SSIM's 7×7 windows raised a traceback on images less than 7 pixels a side."""
    rng = np.random.default_rng(0)
    clean = rng.random((3, shape[0] * shape[1]))
    noisy = np.clip(clean + rng.normal(0, 0.2, clean.shape), 0, 1)
    assert ssim_window(shape) == window
    scores = ssim(clean, noisy, shape)
    if window is None:
        assert np.isnan(scores).all() and ssim_note(shape).startswith("No SSIM")
    else:
        assert (scores < 1).all() and np.allclose(ssim(clean, clean, shape), 1)
        assert bool(ssim_note(shape)) is (window < 7)
