"""Issue 10 in a real browser: what users do while a model trains, and what they typed."""

import re

import pytest

from tests.e2e.harness import POINT_POSITION_JS, set_field
from tests.e2e.test_live_training import open_dimensionality_reduction

pytestmark = pytest.mark.e2e

LOSSES_JS = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => (g.data || []).some(t => t.name === 'train loss'));
  return gd ? gd.data.map(t => [t.name, Array.from(t.y)]) : null;
}"""


def epoch_shown(page, epochs: int) -> int:
    text = page.get_by_text(re.compile(rf"Epoch \d+/{epochs}")).first.inner_text()
    return int(re.search(rf"Epoch (\d+)/{epochs}", text)[1])


def test_a_value_typed_without_enter_is_the_one_trained(page, app_url):
    open_dimensionality_reduction(page, app_url, epochs=12)
    page.get_by_label("Epochs", exact=True).fill("3")  # no Enter: Train is clicked at once
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Trained 3 epochs").wait_for(timeout=120_000)
    assert page.get_by_label("Epochs", exact=True).input_value() == "3"


def test_the_old_run_is_cleared_while_training_and_a_changed_setting_says_it_ended_the_run(
        page, app_url):
    open_dimensionality_reduction(page, app_url, epochs=2)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Trained 2 epochs").wait_for(timeout=120_000)
    page.wait_for_function("() => [...document.querySelectorAll('.gtitle')]"
                           ".some(n => n.textContent === 'PCA')", timeout=90_000)
    old_point = page.evaluate(POINT_POSITION_JS, ["PCA", 0])
    set_field(page, "Epochs", "300", r"Network: 784-64-32-2-.* · 300 epochs of")

    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Epoch [2-9]\d*/300")).first.wait_for(timeout=90_000)
    assert not page.get_by_text("Side by side").count(), "the old run's sections are still shown"
    clicked_at = epoch_shown(page, 300)
    page.mouse.click(*old_point)  # where the old PCA map was
    page.get_by_text(re.compile(rf"Epoch ({clicked_at + 2}|[1-9]\d\d+|[{clicked_at + 3}-9]\d*)"
                                r"/300")).first.wait_for(timeout=60_000)
    assert not page.get_by_text(re.compile("Stopped after")).count()

    set_field(page, "Code size", "3", r"not the Stop button")  # a changed setting ends it
    assert page.get_by_text(re.compile(r"Stopped after \d+ of 300 epochs")).count()


def test_two_sessions_with_the_same_seed_training_at_once_get_identical_histories(
        browser, app_url):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        pages = [context.new_page() for context in contexts]
        for page in pages:
            page.set_default_timeout(90_000)
            open_dimensionality_reduction(page, app_url, epochs=6)
        for page in pages:
            page.get_by_role("button", name="Train", exact=True).click()
        for page in pages:
            page.get_by_text("Trained 6 epochs").wait_for(timeout=180_000)
        first, second = (page.evaluate(LOSSES_JS) for page in pages)
        assert first is not None and len(first[0][1]) == 6
        assert first == second
    finally:
        for context in contexts:
            context.close()
