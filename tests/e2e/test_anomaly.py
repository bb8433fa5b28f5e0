"""The anomaly page in a real browser: a live training, then the threshold table."""

import re

import pytest

from tests.e2e.harness import set_field

pytestmark = pytest.mark.e2e


def test_detector_trains_live_and_shows_the_rules(page, app_url):
    page.goto(f"{app_url}/Anomaly_Detection")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    set_field(page, "Epochs", "5", r"Network: .* · 5 epochs of")
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gtitle')]"
        ".some(n => /^Validation errors, epoch [1-5]$/.test(n.textContent))", timeout=120_000)
    page.get_by_text(re.compile("Trained 5 epochs")).wait_for(timeout=180_000)
    page.get_by_text("Where to draw the line").wait_for()
    page.get_by_text(re.compile(r"ROC \(AUC 0\.\d+\)")).wait_for(timeout=60_000)
