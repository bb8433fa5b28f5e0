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
                           ".some(n => n.textContent === 'UMAP')", timeout=90_000)
    # the top right map: while training, the shorter page scrolls back up and this place lies
    # over the live charts (the controls, on the left, would take a click as a new setting)
    old_point = page.evaluate(POINT_POSITION_JS, ["t-SNE", "0"])
    set_field(page, "Epochs", "300", r"Network: 784-64-32-2-.* · 300 epochs of")

    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Epoch [2-9]\d*/300")).first.wait_for(timeout=90_000)
    assert not page.get_by_text("Side by side").count(), "the old run's sections are still shown"
    clicked_at = epoch_shown(page, 300)
    page.mouse.click(*old_point)  # where the old t-SNE map was
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
            open_dimensionality_reduction(page, app_url, epochs=3)
        for page in pages:
            page.get_by_role("button", name="Train", exact=True).click()
        for page in pages:
            page.get_by_text("Trained 3 epochs").wait_for(timeout=180_000)
        first, second = (page.evaluate(LOSSES_JS) for page in pages)
        assert first is not None and len(first[0][1]) == 3
        assert first == second
    finally:
        for context in contexts:
            context.close()


def training_workers_busy() -> list[int]:
    """Pids of training processes (aecore.worker) that used CPU in the last half second."""
    import os
    import time
    from pathlib import Path

    def cpu_ticks() -> dict[int, int]:
        ticks = {}
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if b"aecore.worker" not in (proc / "cmdline").read_bytes():
                    continue
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[int(proc.name)] = int(fields[11]) + int(fields[12])
        return ticks

    before = cpu_ticks()
    time.sleep(0.5)  # a measurement window, not a wait for a condition
    after = cpu_ticks()
    # an idle worker sleeps; one that trains (or imports TensorFlow) uses up to half a second
    # of CPU here, and at least a tenth of that on a busy machine
    return [pid for pid, t in after.items() if t - before.get(pid, t) > 0.05 * os.sysconf(
        "SC_CLK_TCK")]


def test_closing_the_tab_mid_training_ends_its_training_and_a_reload_starts_clean(browser,
                                                                                   app_url):
    import time

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{app_url}/Dimensionality_Reduction")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    set_field(page, "Batch size", "1", r"Network: 784-1000-500-250-2-.* of batch 1$")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Starting…").wait_for()
    deadline, busy = time.monotonic() + 120, []  # a busy machine imports TensorFlow slowly
    while not busy and time.monotonic() < deadline:  # the worker takes the job; one sample
        busy = training_workers_busy()  # that saw it is kept (a second one may catch it waiting)
    assert busy, "no training process started"

    page.reload()
    page.get_by_text("Pick the hyperparameters and press").wait_for()
    assert not page.get_by_text("Traceback").count()
    context.close()
    deadline = time.monotonic() + 30  # the next worker on standby may still import TensorFlow
    while training_workers_busy() and time.monotonic() < deadline:
        pass
    assert not training_workers_busy(), "the closed session's training still runs"
