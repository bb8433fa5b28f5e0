"""The VAE page in a real browser: a live training, then clicks on the map decode a point's
code and the code of an empty place."""

import re

import pytest

from tests.e2e.harness import click_until_shown, set_field

pytestmark = pytest.mark.e2e

MAP = "Held-out codes (μ)"


def test_vae_trains_live_and_clicks_on_the_map_decode_a_point_and_an_empty_place(page, app_url):
    page.goto(f"{app_url}/Variational_Autoencoder")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    set_field(page, "Nodes per layer", "64", r"Network: binarised inputs → encoder 784-64 → ")
    set_field(page, "Epochs", "4", r"Network: binarised inputs → encoder 784-64 .* · 4 epochs of")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Epoch [1-4]/4")).first.wait_for(timeout=120_000)
    page.get_by_text("Trained 4 epochs").wait_for(timeout=180_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gtitle')]"
        ".some(n => n.textContent === 'Held-out codes (μ)')", timeout=60_000)
    click_until_shown(page, MAP, "0", re.compile(r"Point #\d+, label \d"))  # digit 0's first
    # the grid's corner: empty space
    click_until_shown(page, MAP, "place", re.compile(r"Code \(-?\d+\.\d\d, -?\d+\.\d\d\)"))

