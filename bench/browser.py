"""Through the real path: `streamlit run` + headless Chromium on this machine.

1. Cold start: from launching `streamlit run app.py` to the server answering, and to the home
   page rendered in Chromium.
2. The Dimensionality Reduction page: time to first render (Train button visible), first visit
   of the server process.
3. Live training in the page vs plain ``model.fit`` in this process: the seed tutorial's network,
   same data and epochs, the page's time read from its "Trained N epochs in X s" message.
Run from the project root: python -m bench.browser [--epochs 20]
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.common import machine_header
from tests.e2e.harness import free_port, launch_chromium, start_streamlit, wait_until_serving


def chromium_cpu_seconds() -> float:
    """CPU time used so far by all Chromium processes on this machine (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            name = stat.read_text().split("(", 1)[1].split(")", 1)[0]
        except (OSError, IndexError):
            continue
        if name.startswith("chrom"):
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def plain_fit_seconds(epochs: int) -> float:
    from aecore.data import evaluation_points, load_dataset
    from aecore.models import build_dense_autoencoder
    from aecore.presets import SEED_TUTORIAL

    data = load_dataset("mnist_sample")
    x_eval, _ = evaluation_points(data)
    spec = SEED_TUTORIAL.to_spec().replace(epochs=epochs)
    model = build_dense_autoencoder(spec, data.input_dim).model
    start = time.perf_counter()
    model.fit(data.x_train, data.x_train, validation_data=(x_eval, x_eval), epochs=epochs,
              batch_size=spec.batch_size, verbose=0)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        server = start_streamlit(port)
        try:
            wait_until_serving(url)
            serving = time.perf_counter() - start
            page.goto(url)
            page.get_by_role("heading", name="Autoencoder Lab").wait_for(timeout=60_000)
            home = time.perf_counter() - start

            start = time.perf_counter()
            page.goto(f"{url}/Dimensionality_Reduction")
            page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
            dr_page = time.perf_counter() - start

            page.get_by_role("button", name=re.compile("^Seed tutorial")).click()
            page.wait_for_timeout(1000)
            epochs = page.get_by_label("Epochs", exact=True)
            epochs.fill(str(args.epochs))
            epochs.press("Enter")
            page.wait_for_timeout(1000)
            browser_cpu = chromium_cpu_seconds()
            page.get_by_role("button", name="Train", exact=True).click()
            message = page.get_by_text(re.compile(rf"Trained {args.epochs} epochs in"))
            message.wait_for(timeout=600_000)
            live = float(re.search(r"in ([\d.]+) s", message.inner_text())[1])
            browser_cpu = chromium_cpu_seconds() - browser_cpu
        finally:
            server.terminate()
            server.wait(timeout=30)
        browser.close()
    plain = plain_fit_seconds(args.epochs)
    print(machine_header())
    print(f"cold start, `streamlit run app.py` to server answering: {serving:.1f} s")
    print(f"cold start, to home page rendered in Chromium: {home:.1f} s")
    print(f"Dimensionality Reduction page, first render (first visit): {dr_page:.1f} s")
    print(f"seed tutorial net, {args.epochs} epochs: page (live, in browser) {live:.2f} s "
          f"({live / args.epochs:.3f} s/epoch); plain fit {plain:.2f} s "
          f"({plain / args.epochs:.3f} s/epoch); ratio {live / plain:.2f}")
    print(f"Chromium's own CPU time during that training: {browser_cpu:.1f} s "
          f"(it shares this machine's {os.cpu_count()} cores with the server)")


if __name__ == "__main__":
    main()
