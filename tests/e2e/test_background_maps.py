"""t-SNE and UMAP start when the Dimensionality Reduction page opens, so a short training's maps
appear without a "Computing t-SNE" (or UMAP) wait."""

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SAW_WAIT_JS = """() => {
  window.sawMapWait = false;
  new MutationObserver(() => {
    if (/Computing (t-SNE|UMAP)/.test(document.body.innerText)) window.sawMapWait = true;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def maps_cached() -> bool:
    """Whether the server's disk cache holds a t-SNE and a UMAP map (the server shares our
    AECORE_HOME; joblib keeps each function's results in a folder named after it)."""
    folder = Path(os.environ["AECORE_HOME"]) / "cache"
    return all(any(folder.rglob(f"{name}/*/output.pkl")) for name in ("tsne_map", "umap_map"))


def test_maps_appear_without_a_tsne_or_umap_wait_after_a_short_training(page, app_url):
    page.goto(f"{app_url}/Dimensionality_Reduction?data=digits&hidden_layers=16&epochs=2")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    waited_ms = 0
    while not maps_cached() and waited_ms < 240_000:  # the page has been open "for a while"
        page.wait_for_timeout(200)  # polls a condition on disk, not a fixed sleep
        waited_ms += 200
    assert maps_cached(), "the page did not start t-SNE and UMAP in the background"
    page.evaluate(SAW_WAIT_JS)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile("Trained 2 epochs")).wait_for(timeout=120_000)
    page.wait_for_function(
        "() => ['PCA', 't-SNE', 'UMAP'].every(t => [...document.querySelectorAll('.gtitle')]"
        ".some(n => n.textContent === t))", timeout=60_000)
    assert page.evaluate("() => window.sawMapWait") is False
