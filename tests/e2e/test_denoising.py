"""The denoising page in a real browser: a live training, then uploads."""

import re

import pytest
from PIL import Image

from tests.e2e.harness import set_field

pytestmark = pytest.mark.e2e


def test_denoiser_trains_live_and_refuses_a_non_image_upload(page, app_url, tmp_path):
    page.goto(f"{app_url}/Denoising")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    set_field(page, "Filters", "8", r"Network: .*conv 8, conv 8 ↓2 → conv 16, conv 16 ↓2 ")
    set_field(page, "Epochs", "3", r"Network: .*conv 8 .* · 3 epochs of")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Epoch [1-3]/3")).first.wait_for(timeout=120_000)
    page.get_by_text("Trained 3 epochs").wait_for(timeout=180_000)
    page.get_by_text(re.compile("Before and after")).wait_for()
    page.get_by_text(re.compile(r"The autoencoder is [+-]\d")).wait_for(timeout=60_000)
    page.get_by_text("The same images through each classical filter").wait_for()

    fake = tmp_path / "fake.png"
    fake.write_bytes(b"this is text, not a picture")
    page.locator("input[type=file]").set_input_files(str(fake))
    page.get_by_text("not a readable PNG or JPEG").wait_for(timeout=30_000)

    banner = tmp_path / "banner.png"  # a wide colour picture: the page says what it made of it
    Image.new("RGB", (2000, 50), "white").save(banner)
    page.locator("input[type=file]").set_input_files(str(banner))
    page.get_by_text(re.compile(r"Your image, made grey, resized from 2000×50 to 28×28 pixels "
                                r"\(aspect ratio not kept\), inverted")).wait_for(timeout=30_000)
