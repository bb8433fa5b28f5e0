"""In a real browser: a sweep shows its progress while it runs, and Stop cancels the trainings
not yet started while keeping the finished ones (saved as runs the Runs page compares)."""

import re

import pytest

pytestmark = pytest.mark.e2e
SWEEP_LINK = "Dimensionality_Reduction?data=digits&n_train=300&hidden_layers=16&epochs=100"


def set_values(page, text: str) -> None:
    values = page.get_by_label("Values (comma-separated)")
    values.fill(text)
    values.press("Enter")
    page.get_by_text(f"{text.count(',') + 1} trainings of 100 epochs").wait_for()


def sweep_then_stop(page, app_url: str, values: str, stop_at: str, timeout: float) -> str:
    """Start a code-size sweep over ``values``, click Stop once the progress line matches
    ``stop_at``, and return the page's message about the stopped sweep."""
    page.goto(f"{app_url}/{SWEEP_LINK}")
    set_values(page, values)
    page.get_by_role("button", name="Run the sweep").click()
    page.get_by_text(re.compile(stop_at)).wait_for(timeout=timeout)
    page.get_by_role("button", name="Stop the sweep").click()
    stopped = page.get_by_text(re.compile(r"Stopped the sweep of code size: .*"))
    stopped.wait_for(timeout=60_000)
    return stopped.inner_text()


def test_stop_cancels_the_pending_trainings_and_keeps_the_finished_ones(page, app_url):
    message = sweep_then_stop(page, app_url, "1, 2, 3, 4, 5, 6", r"[2-4] of 6 trainings ended",
                              timeout=180_000)
    assert "done" in message and "cancelled" in message, message
    page.get_by_role("link", name="Compare these runs on the Runs page").click()
    page.get_by_text("Hyperparameters against a score").wait_for(timeout=60_000)


def test_a_stop_while_the_workers_start_cancels_every_training(page, app_url):
    message = sweep_then_stop(page, app_url, "1, 2, 3, 4", r"0 of 4 trainings ended",
                              timeout=60_000)
    assert "done" not in message, message
    assert page.get_by_role("button", name="Train", exact=True).is_enabled()
