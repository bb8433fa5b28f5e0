"""t-SNE starts when the Dimensionality Reduction page opens, so a short training's maps
appear without a "Computing t-SNE" wait."""

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SAW_WAIT_JS = """() => {
  window.sawTsneWait = false;
  new MutationObserver(() => {
    if (document.body.innerText.includes('Computing t-SNE')) window.sawTsneWait = true;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def tsne_cached() -> bool:
    """Whether the server's disk cache holds a t-SNE map (the server shares our AECORE_HOME)."""
    folder = Path(os.environ["AECORE_HOME"]) / "cache"
    return any(folder.rglob("output.pkl"))


def test_maps_appear_without_a_tsne_wait_after_a_short_training(page, app_url):
    page.goto(f"{app_url}/Dimensionality_Reduction?data=digits&hidden_layers=16&epochs=2")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    waited_ms = 0
    while not tsne_cached() and waited_ms < 120_000:  # the page has been open "for a while"
        page.wait_for_timeout(200)  # polls a condition on disk, not a fixed sleep
        waited_ms += 200
    assert tsne_cached(), "the page did not start t-SNE in the background"
    page.evaluate(SAW_WAIT_JS)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile("Trained 2 epochs")).wait_for(timeout=120_000)
    page.wait_for_function(
        "() => ['PCA', 't-SNE'].every(t => [...document.querySelectorAll('.gtitle')]"
        ".some(n => n.textContent === t))", timeout=60_000)
    assert page.evaluate("() => window.sawTsneWait") is False
