import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from aecore.image_quality import CLASSICAL_FILTERS
from aecore.runs import RunStore, reopen
from tests.app.apptest import button, chart, click, non_finite_shown, plotly_array
from tests.app.apptest import open_page as open_script

TINY_CONV = {"dn_n_train": 300, "dn_convolutional_epochs": 2, "dn_convolutional_filters": 4,
             "dn_convolutional_batch_size": 64}


def png_bytes() -> bytes:
    paper = np.full((40, 40), 255, dtype="uint8")
    paper[8:32, 18:23] = 0  # a dark "1"
    buffer = io.BytesIO()
    Image.fromarray(paper).save(buffer, format="PNG")
    return buffer.getvalue()


def open_page(**state):
    return open_script("pages/2_Denoising.py", **state)


def chart_types(at) -> list[str]:
    return [json.loads(c.proto.spec)["data"][0]["type"] for c in at.get("plotly_chart")]


def test_page_previews_the_corruption_before_training():
    at = open_page()
    assert not at.exception and not at.error
    assert any("Preview of the corruption" in c.value for c in at.caption)
    assert button(at, "Train").disabled is False


def test_tiny_training_shows_gallery_and_scores():
    at = open_page(**TINY_CONV)
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert any("Trained 2 epochs" in s.value for s in at.success)
    scores = at.dataframe[0].value
    assert list(scores.index) == ["noisy input", *CLASSICAL_FILTERS, "autoencoder"]
    assert scores.loc["noisy input", "PSNR (dB)"] < scores.loc["median filter 3×3", "PSNR (dB)"]
    assert chart_types(at).count("heatmap") >= 3  # preview, before/after and filter galleries
    filters = next(c for c in at.get("plotly_chart") if c.key == "filters")
    layout = json.loads(filters.proto.spec)["layout"]
    assert [row.split(" · ")[0] for row in layout["yaxis"]["ticktext"]] == [
        *CLASSICAL_FILTERS, "autoencoder"]
    assert len(layout["xaxis"]["ticktext"]) == 8  # each column named by its class, like the rest
    assert "network='conv'" in at.code[0].value and "X_clean=x_train" in at.code[0].value

    at = click(at, "Compute the robustness matrix")
    assert not at.exception, at.exception
    assert "robustness" in [c.key for c in at.get("plotly_chart")]
    assert "Robustness matrix (CSV)" in [b.label for b in at.get("download_button")]
    run_id = int(re.search(r"Saved as run (\d+)", at.success[0].value).group(1))
    reopened = reopen(RunStore(), run_id)  # four trainings are not lost with the session
    assert reopened.computed("robustness")
    shown = plotly_array(chart(at, "robustness")["data"][0]["z"])
    np.testing.assert_allclose(reopened.robustness().to_numpy(), shown)

    uploader = at.get("file_uploader")[0]
    at = uploader.set_value(("digit.png", png_bytes(), "image/png")).run()
    assert not at.exception and not at.error
    assert "own" in [c.key for c in at.get("plotly_chart")]
    at = at.get("file_uploader")[0].set_value(("fake.png", b"not a picture", "image/png")).run()
    assert not at.exception
    assert any("not a readable PNG or JPEG" in e.value for e in at.error)


def test_a_depth_too_deep_for_the_images_is_explained():
    at = open_page(dn_convolutional_depth=3)
    assert not at.exception
    assert any("cannot be halved 3 times" in e.value for e in at.error)
    assert button(at, "Train").disabled is True


def test_dense_denoiser_can_be_chosen():
    at = open_page(dn_arch="Dense", dn_n_train=300, dn_dense_epochs=1,
                   dn_dense_hidden_layers="64", dn_dense_n_layers=1)
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert "denoiser = Autoencoder(" in at.code[0].value
    assert "network='conv'" not in at.code[0].value


def test_noise_level_zero_shows_no_infinite_psnr():
    at = open_page(**{**TINY_CONV, "dn_convolutional_epochs": 1}, dn_level=0.0)
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert not non_finite_shown(at)
    scores = at.dataframe[0].value
    assert scores.loc["noisy input", "PSNR (dB)"] == 100.0
    assert np.isfinite(scores.to_numpy()).all()
    assert any("At level 0 there is no noise" in w.value for w in at.warning)  # gains are moot


def test_a_level_that_replaces_every_pixel_is_warned_about():
    at = open_page(dn_noise="masking", dn_level=1.0)
    assert any("every pixel is replaced" in w.value for w in at.warning)
    at = at.slider(key="dn_level").set_value(0.5).run()
    assert not any("every pixel" in w.value for w in at.warning)


@pytest.mark.parametrize("architecture, adapted", [("Convolutional", False), ("Dense", True)])
def test_both_presets_can_train_on_the_smallest_subset_of_the_small_digits(architecture, adapted):
    at = open_page(dataset="digits", dn_n_train=100, dn_arch=architecture)
    assert not at.exception and not at.error
    assert button(at, "Train").disabled is False
    # the dense preset's batch (128) and code (64) are too big for 100 images of 64 pixels
    assert any("adapted to this data" in (b.help or "") for b in at.button) is adapted
    said = [c.value for c in at.caption if "adapted to this data" in c.value]  # not on hover only
    assert said == (["The preset adapted to this data: batch size 128 → 100 (the training "
                     "samples); code size 64 → 16 (the input has 64 features)."]
                    if adapted else [])
