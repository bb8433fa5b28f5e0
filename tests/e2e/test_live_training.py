"""What AppTest cannot see: charts redrawn while training runs, and Stop."""

import re
import time

import pytest

from tests.e2e.harness import click_until_shown, set_field

pytestmark = pytest.mark.e2e

LATENT_TITLE = re.compile(r"Latent space, epoch (\d+)")


def open_dimensionality_reduction(page, app_url: str, epochs: int) -> None:
    page.goto(f"{app_url}/Dimensionality_Reduction")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    set_field(page, "Nodes per layer", "64, 32", r"Network: 784-64-32-2-32-64-784 ")
    set_field(page, "Epochs", str(epochs), rf"Network: 784-64-32-2-.* · {epochs} epochs of")


def record_chart_titles(page) -> None:
    """Keep every chart title the page shows from now on in ``window.chartTitles`` (a
    MutationObserver sees each redraw, however short it stays on screen)."""
    page.evaluate("""() => {
        window.chartTitles = new Set();
        new MutationObserver(() => document.querySelectorAll('.gtitle')
            .forEach(n => window.chartTitles.add(n.textContent)))
            .observe(document.body, {childList: true, subtree: true, characterData: true});
    }""")


def test_latent_chart_redraws_while_training_then_results_appear(page, app_url):
    open_dimensionality_reduction(page, app_url, epochs=12)
    record_chart_titles(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Trained 12 epochs").wait_for(timeout=120_000)
    titles = page.evaluate("() => [...window.chartTitles]")
    seen = {int(m[1]) for t in titles if (m := LATENT_TITLE.fullmatch(t))}
    assert len(seen) >= 2, f"the latent chart was drawn for epochs {sorted(seen)} only"
    page.get_by_text("Side by side").wait_for()
    page.wait_for_function(
        "() => ['PCA', 't-SNE', 'UMAP'].every(t => [...document.querySelectorAll('.gtitle')]"
        ".some(n => n.textContent === t))", timeout=90_000)
    click_until_shown(page, "PCA", "7", "Selected points")


def test_stop_ends_training_early_and_keeps_the_model(page, app_url):
    open_dimensionality_reduction(page, app_url, epochs=300)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Epoch ([3-9]|\d\d+)/300")).first.wait_for(timeout=90_000)
    page.get_by_role("button", name="Stop training", exact=True).click()
    stopped = page.get_by_text(re.compile(r"Stopped after \d+ of 300 epochs"))
    stopped.wait_for(timeout=30_000)
    done = int(re.search(r"after (\d+) of", stopped.inner_text())[1])
    assert 3 <= done < 300
    assert re.search(r"Saved as run \d+", stopped.inner_text())  # a stopped run is kept too
    page.get_by_text("4 · Reconstructions").wait_for(timeout=90_000)
    assert page.get_by_role("button", name="Train", exact=True).is_enabled()


def test_stop_at_batch_size_one_takes_effect_within_seconds(page, app_url):
    page.goto(f"{app_url}/Dimensionality_Reduction")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    # the default 784-1000-500-250-2 network: one epoch at batch size 1 takes about a minute
    set_field(page, "Batch size", "1", r"Network: 784-1000-500-250-2-.* of batch 1$")
    page.get_by_role("button", name="Train", exact=True).click()
    stop = page.get_by_role("button", name="Stop training", exact=True)
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.trim() === 'Stop training' && !b.disabled)")
    page.get_by_text("Starting…").wait_for()  # the fit is running its first, long epoch
    clicked = time.monotonic()
    stop.click()
    page.get_by_text("Training stopped before the first epoch ended").wait_for(timeout=60_000)
    # 1-2 s here (up to 5 s in a server's very first fit); the epoch itself takes a minute
    assert time.monotonic() - clicked < 10, "Stop waited for the end of the epoch"
    assert page.get_by_role("button", name="Train", exact=True).is_enabled()


def test_rbm_pretraining_shows_its_progress_per_layer_and_stop_ends_it(page, app_url):
    page.goto(f"{app_url}/Dimensionality_Reduction")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    # a wide second layer, so that its RBM runs long enough to be seen and stopped
    set_field(page, "Nodes per layer", "64, 512", r"Network: 784-64-512-2-512-64-784 ")
    set_field(page, "RBM pretraining epochs", "50",
              r"Network: 784-64-512-2-.* · sigmoid · .* · RBM pretraining, 50 epochs per layer$")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Pretraining RBM 1 of 3, epoch \d+/50")).wait_for(
        timeout=90_000)
    page.get_by_text(re.compile(r"Pretraining RBM 2 of 3, epoch \d+/50")).wait_for(
        timeout=120_000)
    clicked = time.monotonic()
    page.get_by_role("button", name="Stop training", exact=True).click()
    page.get_by_text("Training stopped before the first epoch ended").wait_for(timeout=60_000)
    assert time.monotonic() - clicked < 10, "Stop waited for the pretraining to end"
    assert page.get_by_role("button", name="Train", exact=True).is_enabled()
