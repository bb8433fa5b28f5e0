"""Load and lifetime through the real path: one `streamlit run` server, headless Chromium.

1. Concurrency: one session trains the Dimensionality Reduction page alone, then four sessions
   train at once (the same seed, 8 to 11 epochs each). Reports wall times and checks that every
   session shows its own run: its own epoch count, and a loss history that is a prefix of the
   longest one (batch orders depend only on the seed and the epoch, so the runs agree epoch for
   epoch however they interleave).
2. Memory: twenty trainings in a row in one session; the server's resident memory (RSS, from
   /proc) after each, and the ratio of the 20th to the 1st.
Run from the project root: python -m bench.load [--trainings 20] [--epochs 2]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.common import machine_header
from tests.e2e.harness import (
    free_port,
    launch_chromium,
    set_field,
    start_streamlit,
    wait_until_serving,
)

LOSSES_JS = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => (g.data || []).some(t => t.name === 'train loss'));
  return gd ? Array.from(gd.data.find(t => t.name === 'train loss').y) : null;
}"""


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def open_small_network(page, url: str, epochs: int) -> None:
    page.goto(f"{url}/Dimensionality_Reduction")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    set_field(page, "Nodes per layer", "64, 32", r"Network: 784-64-32-2-32-64-784 ")
    set_field(page, "Epochs", str(epochs), rf"Network: 784-64-32-2-.* · {epochs} epochs of")


def train_and_wait(page, epochs: int) -> None:
    """Click Train, wait until this training runs (an older run's message is on screen until
    then), then until it has finished."""
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"^(Starting…|Epoch \d+/)")).first.wait_for(timeout=600_000)
    page.get_by_text(f"Trained {epochs} epochs").wait_for(timeout=600_000)


def concurrency(browser, url: str) -> None:
    alone = browser.new_page(viewport={"width": 1400, "height": 1000})
    alone.set_default_timeout(120_000)
    open_small_network(alone, url, 11)
    start = time.perf_counter()
    train_and_wait(alone, 11)
    alone_s = time.perf_counter() - start
    reference = alone.evaluate(LOSSES_JS)
    alone.context.close()

    epochs = [8, 9, 10, 11]
    pages = [browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
             for _ in epochs]
    for page, n in zip(pages, epochs, strict=True):
        page.set_default_timeout(120_000)
        open_small_network(page, url, n)
    start = time.perf_counter()
    for page in pages:
        page.get_by_role("button", name="Train", exact=True).click()
    for page, n in zip(pages, epochs, strict=True):  # no older run: its message is this run's
        page.get_by_text(f"Trained {n} epochs").wait_for(timeout=600_000)
    together_s = time.perf_counter() - start
    histories = [page.evaluate(LOSSES_JS) for page in pages]
    own = all(len(h) == n and h == reference[:n] for h, n in zip(histories, epochs, strict=True))
    for page in pages:
        page.context.close()
    print(f"one session alone, 11 epochs of 784-64-32-2: {alone_s:.1f} s")
    print(f"four sessions at once ({', '.join(map(str, epochs))} epochs): all finished in "
          f"{together_s:.1f} s, {together_s / alone_s:.2f}× one alone")
    print(f"each session showed its own epoch count and the seed's history: {own}")


def memory(browser, url: str, pid: int, trainings: int, epochs: int) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(600_000)
    page.goto(f"{url}/Dimensionality_Reduction")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    set_field(page, "Epochs", str(epochs), rf" · {epochs} epochs of")
    sizes = []
    for _ in range(trainings):
        train_and_wait(page, epochs)
        page.get_by_text("Accuracy on the").wait_for()  # the page's last section is drawn
        sizes.append(rss_mb(pid))
    print(f"server RSS after each of {trainings} trainings of the default network "
          f"(784-1000-500-250-2, {epochs} epochs), MB: {', '.join(f'{s:.0f}' for s in sizes)}")
    print(f"RSS after the last / after the first: {sizes[-1] / sizes[0]:.2f} "
          f"({(sizes[-1] - sizes[0]) / (trainings - 1):.0f} MB a training)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainings", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--part", choices=("all", "concurrency", "memory"), default="all")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    print(machine_header())
    server = start_streamlit(port)
    try:
        wait_until_serving(url)
        with sync_playwright() as p:
            browser = launch_chromium(p)
            if args.part in ("all", "concurrency"):
                concurrency(browser, url)
            if args.part in ("all", "memory"):
                memory(browser, url, server.pid, args.trainings, args.epochs)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
