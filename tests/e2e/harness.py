"""Start `streamlit run app.py` on localhost and Debian's Chromium under Playwright.

Shared by the browser tests and bench/browser.py.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
# Where the browser tests save their screenshots (git ignores the default folder); CI keeps it
# as an artefact, so a reviewer can look at the pages the tests saw.
SCREENSHOTS = Path(os.environ.get("AECORE_SCREENSHOTS",
                                  ROOT / "tests" / "artifacts" / "screenshots"))
CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps trying hosts this closed network refuses.
# --disable-gpu says what this machine is (no GPU: Chromium composites in software and runs
# WebGL on SwiftShader either way); without it bench.browser measured the same browser CPU.
# Nothing here throttles rendering: the page costs what it would cost a user on a GPU-less machine.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(port: int, script: str = "app.py",
                    watch_files: bool = False) -> subprocess.Popen:
    """`streamlit run script` (a path relative to the project root, or absolute) on
    127.0.0.1:``port``, from the project root (so with its .streamlit/config.toml).

    Without Streamlit's watcher of source files unless ``watch_files``: nothing edits them
    during a test or a benchmark, and the watcher watches the script's folder recursively,
    .venv included, so it costs a cold start about 2 s here, and when other processes write
    many files under the project (another test run, pip) it takes a core: 12 CPU s for 30,000
    file events, and one server under such a load spent 12 CPU minutes on it.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "auto" if watch_files else "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
    )


def wait_until_serving(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout} s")


def launch_chromium(playwright):
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: apt-get install chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)


POINT_POSITION_JS = """([title, traceName]) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g.querySelector('.gtitle')?.textContent === title);
  gd.scrollIntoView();
  const layout = gd._fullLayout, trace = gd._fullData.find(t => t.name === traceName),
    box = gd.getBoundingClientRect();
  return [box.left + layout._size.l + layout.xaxis.l2p(trace.x[0]),
          box.top + layout._size.t + layout.yaxis.l2p(trace.y[0])];
}"""


def set_field(page, label: str, value: str, shown: str) -> None:
    """Type ``value`` into the field ``label`` and wait until the page shows ``shown`` (a
    regular expression), i.e. until Streamlit has rerun with the new value."""
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Enter")
    page.get_by_text(re.compile(shown)).first.wait_for(timeout=60_000)


def click_first_point(page, chart_title: str, trace: str = "0") -> None:
    """Click the first point of the trace named ``trace`` (a latent map's class, e.g. "0") in
    the chart titled ``chart_title``."""
    x, y = page.evaluate(POINT_POSITION_JS, [chart_title, trace])
    page.mouse.click(x, y)


def click_until_shown(page, chart_title: str, trace: str, shown: re.Pattern | str,
                      tries: int = 3) -> None:
    """Click the first point of ``trace`` in the chart ``chart_title`` until the page shows
    ``shown``: a click that lands while a rerun is still redrawing the chart (the previous
    click's, or a background map's arrival) is lost."""
    for attempt in range(tries):
        click_first_point(page, chart_title, trace)
        try:
            page.get_by_text(shown).first.wait_for(timeout=15_000)
            return
        except PlaywrightTimeoutError:
            if attempt == tries - 1:
                raise


# The height of the page's content: Streamlit scrolls its main block, not the document.
CONTENT_HEIGHT_JS = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]
    .map(e => e.scrollHeight))"""


def save_screenshot(page, name: str) -> Path:
    """Save the whole page, top to bottom, as ``SCREENSHOTS/<name>.png`` (the window is made
    as tall as the content for the shot, then set back) and return the file's path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    size = page.viewport_size
    height = min(page.evaluate(CONTENT_HEIGHT_JS), 16_000)
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
    return path
