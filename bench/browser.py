"""Through the real path: `streamlit run` + headless Chromium on this machine.

1. Cold start, first visit: from launching `streamlit run app.py` to the server answering and
   to the home page rendered in Chromium; then the Dimensionality Reduction page's first render
   (Train button visible) in that fresh server.
2. Cold start against a hello-world app (a temporary script with ``st.title("Hello")``):
   alternating launches of each, every one a new server and a new browser context, timed from
   launching the server to the page's heading rendered; medians and their ratio. Servers run
   without Streamlit's file watcher, as in the tests; app.py is also started with it (its
   default), which watches the project folder recursively, .venv included.
3. Live training in the page against a plain ``model.fit``, alternating, after a warm-up (one
   short page training, one plain fit): the seed tutorial's network (the page's "Seed tutorial"
   preset), ``--epochs`` epochs on the page's 4,000 training images (the "Training samples"
   slider is checked to be at all of them), batch 128, validated on the 1,000 held-out images.
   Round i trains with seed i on both sides (the warm-up with seed 0): a user's next run
   differs from the last one, and Streamlit does not resend a message the browser already holds.

   * **Page** — the time the page reports ("Trained N epochs in X s", :mod:`aecore.events`):
     measured in the worker process that trains (:mod:`aecore.worker`), from Keras'
     ``on_train_begin`` to the end of the last epoch. It includes the engine's shuffled batches,
     validation after each epoch, encoding the 1,000-point probe, and sending each epoch to the
     server; it leaves out starting the fit (the worker is already running, with TensorFlow
     imported), saving the model and loading it back in the server. Meanwhile the server
     redraws the live charts and Chromium renders them, on the same cores.
   * **Plain** — ``model.fit(x, x, validation_data=(x_val, x_val), epochs, batch_size)`` of the
     same network, built the same way, on the same arrays, in this process, timed over the same
     span (a callback from ``on_train_begin`` to the end of the last epoch). Chromium sits idle
     on the finished page meanwhile (its CPU then is reported too).

   Reported: medians, the ratio of medians (page / plain), and per page run (then the median):
   Chromium's CPU seconds per second of training (all its processes' CPU from the Train click to
   the "Trained" message, over the page's training seconds), the same for the server with its
   worker, the live redraws and the bytes of one redraw (the WebSocket messages that carry the
   live charts), all WebSocket bytes per second of training, and Chrome DevTools Protocol
   ``Performance.getMetrics`` deltas for the page over the same window: TaskDuration,
   ScriptDuration, LayoutDuration and RecalcStyleDuration are wall time of the renderer's main
   thread (they grow while it waits for a core), ThreadTime is that thread's CPU time and
   ProcessTime the renderer process's.

Between runs the benchmark waits until the server, its workers and Chromium are idle. With
``--map-view thumbnails`` the page draws its maps, the live one included, as thumbnails
(:func:`aecore.plots.latent_thumbnails`). Run from the project root:
python -m bench.browser [--epochs 20] [--rounds 3] [--cold-starts 3] [--map-view thumbnails]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, CDPSession, Page, WebSocket, sync_playwright

from bench.common import machine_header
from tests.e2e.harness import (
    free_port,
    launch_chromium,
    set_field,
    start_streamlit,
    wait_until_serving,
)

VIEWPORT = {"width": 1400, "height": 1000}
TRAIN_IMAGES = 4000
WARM_UP_EPOCHS = 2
# Performance.getMetrics entries reported as deltas over a page run (seconds or counts)
CDP_METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration",
               "LayoutCount", "RecalcStyleCount", "ThreadTime", "ProcessTime")
HOME_LAST_TEXT = "Dataset for every page"  # app.py's last line (its caption)
HELLO_APP = 'import streamlit as st\n\nst.title("Hello")\n'


def _process_table() -> dict[int, tuple[int, str, float]]:
    """Every process on this machine: pid → (parent pid, name, CPU seconds so far)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # it ended meanwhile
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        fields = rest.split()  # fields[0] is the state; utime and stime are fields 14 and 15
        ticks = int(fields[11]) + int(fields[12])
        table[int(stat.parent.name)] = (int(fields[1]), name, ticks / os.sysconf("SC_CLK_TCK"))
    return table


def _descendants(table: dict[int, tuple[int, str, float]], root: int) -> set[int]:
    """The ids of ``root``'s children, their children and so on, in a :func:`_process_table`."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@dataclass
class CpuMeter:
    """CPU seconds of this benchmark's Chromium and of its Streamlit server (with the server's
    worker processes), from /proc: only processes started here, not another user's.

    A process that ends between two readings loses what it used since the first one.
    """

    server_pid: int = 0

    def read(self) -> dict[str, dict[int, float]]:
        """CPU seconds so far by group ("chromium", "server") and process id."""
        table = _process_table()
        mine = _descendants(table, os.getpid())
        server = set()
        if self.server_pid:
            server = {self.server_pid} | _descendants(table, self.server_pid)
        return {"chromium": {pid: table[pid][2] for pid in mine - server
                             if table[pid][1].startswith("chrom")},
                "server": {pid: table[pid][2] for pid in server if pid in table}}

    @staticmethod
    def used(before: dict[str, dict[int, float]],
             after: dict[str, dict[int, float]]) -> dict[str, float]:
        """CPU seconds each group used between two :meth:`read` results."""
        return {group: sum(seconds - before[group].get(pid, 0.0)
                           for pid, seconds in after[group].items()) for group in after}

    def settle(self, quiet: float = 0.1, window: float = 1.0, timeout: float = 90.0) -> None:
        """Wait until Chromium, the server and its workers together use under ``quiet`` CPU
        seconds per second, over a ``window`` (at most ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.read()
            time.sleep(window)
            if sum(self.used(before, self.read()).values()) < quiet * window:
                return


@dataclass
class WebSocketBytes:
    """What a page has received on its WebSockets (Streamlit's messages): all bytes, and the
    messages that carry a live chart, told apart by the chart's key in the element's id
    (``live_figure_N``, ``live_loss_N``: see :class:`lab_ui.LivePanel`)."""

    received: int = 0
    maps: list[int] = field(default_factory=list)  # sizes of the live latent maps' messages
    losses: list[int] = field(default_factory=list)  # sizes of the live loss charts' messages

    def watch(self, page: Page) -> None:
        """Count every frame ``page`` receives from now on, on any WebSocket it opens."""
        page.on("websocket", self._on_socket)

    def _on_socket(self, socket: WebSocket) -> None:
        socket.on("framereceived", self._on_frame)

    def _on_frame(self, payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        self.received += len(data)
        if b"live_figure_" in data:
            self.maps.append(len(data))
        elif b"live_loss_" in data:
            self.losses.append(len(data))


def cdp_metrics(cdp: CDPSession) -> dict[str, float]:
    """The page's ``Performance.getMetrics`` (``Performance.enable`` must have been sent)."""
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


@dataclass
class PageRun:
    """One training in the page and what the browser did meanwhile."""

    seconds: float  # as the page reports it
    window: float  # from the Train click to the "Trained" message
    cpu: dict[str, float]  # CPU seconds by group over the window
    cdp: dict[str, float]  # CDP metric deltas over the window
    received: int  # WebSocket bytes over the window
    redraws: int  # live latent maps received
    redraw_bytes: float  # mean bytes of one redraw's messages (map and loss chart)


@dataclass
class Trial:
    """The live page and the meters read around each of its trainings."""

    page: Page
    cdp: CDPSession
    meter: CpuMeter
    socket: WebSocketBytes
    epochs: int = 0  # set in the page

    def set_epochs(self, epochs: int) -> None:
        """Type the number of epochs and wait for the page's rerun."""
        set_field(self.page, "Epochs", str(epochs), rf"^Network: .* · {epochs} epochs of")
        self.epochs = epochs

    def set_seed(self, seed: int) -> None:
        """Type the seed and wait for the page's rerun (the page's link then shows it).

        Each run trains with its own seed, as a user's next run differs from the last one:
        Streamlit does not resend a message the browser already holds, and a run with the
        same seed draws the same charts."""
        box = self.page.get_by_label("Seed", exact=True)
        box.fill(str(seed))
        box.press("Enter")
        self.page.wait_for_url(re.compile(rf"[?&]seed={seed}(&|$)"), timeout=60_000)

    def train(self) -> PageRun:
        """Click Train, wait for this run's "Trained" message and for the rest of the page
        (maps, scores) to be drawn, then for the machine to be quiet again."""
        message = self.page.get_by_text(re.compile(rf"^Trained {self.epochs} epochs in"))
        cpu, cdp = self.meter.read(), cdp_metrics(self.cdp)
        received, maps, losses = (self.socket.received, len(self.socket.maps),
                                  len(self.socket.losses))
        start = time.perf_counter()
        self.page.get_by_role("button", name="Train", exact=True).click()
        message.wait_for(state="detached", timeout=60_000)  # an earlier run's message
        message.wait_for(timeout=600_000)
        window = time.perf_counter() - start
        cpu = self.meter.used(cpu, self.meter.read())
        cdp_after = cdp_metrics(self.cdp)
        redraws = self.socket.maps[maps:]
        run = PageRun(float(re.search(r"in ([\d.]+) s", message.inner_text())[1]), window, cpu,
                      {name: cdp_after[name] - cdp[name] for name in CDP_METRICS},
                      self.socket.received - received, len(redraws),
                      (sum(redraws) + sum(self.socket.losses[losses:])) / max(len(redraws), 1))
        self.page.get_by_text("Reproduce this run in Python").wait_for(timeout=600_000)
        self.page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached",
                                                                      timeout=600_000)
        self.meter.settle()
        return run


def plain_fit(epochs: int, seed: int) -> tuple[float, float]:
    """Fit the seed tutorial's network with plain ``model.fit`` in this process.

    Parameters
    ----------
    epochs : int
        Epochs to fit.
    seed : int
        Seed of the initial weights (as the page's "Seed").

    Returns
    -------
    tuple of (float, float)
        Seconds from Keras' ``on_train_begin`` to the end of the last epoch (the span the page
        reports), and this benchmark's Chromium CPU seconds meanwhile.
    """
    import keras
    from sklearn.base import clone

    from aecore.data import evaluation_points, load_dataset
    from aecore.models import build_dense_autoencoder
    from aecore.presets import SEED_TUTORIAL

    class Span(keras.callbacks.Callback):
        def on_train_begin(self, logs: dict | None = None) -> None:
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.seconds = time.perf_counter() - self.start

    data = load_dataset("mnist_sample")
    x_val, _ = evaluation_points(data)
    x = data.x_train[:TRAIN_IMAGES]
    spec = clone(SEED_TUTORIAL).set_params(epochs=epochs, seed=seed).to_spec()
    model, span, meter = build_dense_autoencoder(spec, data.input_dim).model, Span(), CpuMeter()
    before = meter.read()
    model.fit(x, x, validation_data=(x_val, x_val), epochs=epochs, batch_size=spec.batch_size,
              verbose=0, callbacks=[span])
    return span.seconds, meter.used(before, meter.read())["chromium"]


def cold_start(browser: Browser, script: str, heading: str, watch_files: bool = False,
               last_text: str | None = None) -> tuple[float, float]:
    """Seconds from launching ``streamlit run script`` to ``heading`` rendered in Chromium (a
    new browser context), and to ``last_text`` (the page's last element) rendered too, the
    whole page (the heading's seconds again when None); the server is ended afterwards.
    ``watch_files`` turns on Streamlit's file watcher (see
    :func:`tests.e2e.harness.start_streamlit`)."""
    port = free_port()
    start = time.perf_counter()
    server = start_streamlit(port, script, watch_files)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}")
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}")
        page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
        seconds = time.perf_counter() - start
        if last_text is not None:
            page.get_by_text(last_text).wait_for(timeout=60_000)
        whole = time.perf_counter() - start
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return seconds, whole


def compare_cold_starts(browser: Browser, rounds: int) -> None:
    """Alternate cold starts of app.py, of a hello-world app, and of app.py with Streamlit's
    file watcher on (its default, off in the other two); print medians and the ratio of the
    first two."""
    times: dict[str, list[float]] = {"app.py": [], "hello world": [],
                                     "app.py with Streamlit's file watcher": [],
                                     "app.py, whole page": []}
    with tempfile.TemporaryDirectory() as folder:
        hello = Path(folder) / "hello.py"
        hello.write_text(HELLO_APP)
        for _ in range(rounds):
            heading, whole = cold_start(browser, "app.py", "Autoencoder Lab",
                                        last_text=HOME_LAST_TEXT)
            times["app.py"].append(heading)
            times["app.py, whole page"].append(whole)
            times["hello world"].append(cold_start(browser, str(hello), "Hello")[0])
            times["app.py with Streamlit's file watcher"].append(
                cold_start(browser, "app.py", "Autoencoder Lab", watch_files=True)[0])
    print(f"cold starts, launch → heading rendered (new context each, alternating, "
          f"{rounds} each; the whole page: until its last line):")
    for name, values in times.items():
        print(f"  {name}: median {statistics.median(values):.2f} s, runs {_list(values, 2)}")
    hello_world = statistics.median(times["hello world"])
    for name in ("app.py", "app.py, whole page"):
        print(f"  ratio {name} / hello world: {statistics.median(times[name]) / hello_world:.2f}"
              " (target ≤ 1.3)")


def open_seed_tutorial(page: Page, url: str) -> float:
    """Open the Dimensionality Reduction page, pick the seed tutorial's network and check that
    all training images are used; returns the page's first-render seconds."""
    start = time.perf_counter()
    page.goto(f"{url}/Dimensionality_Reduction")
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    first_render = time.perf_counter() - start
    page.get_by_role("button", name=re.compile("^Seed tutorial")).click()
    page.get_by_text(re.compile(r"^Network: 784-400-200-100-50-2-")).wait_for(timeout=60_000)
    samples = (page.locator('[data-testid="stSlider"]', has_text="Training samples")
               .locator('[data-testid="stSliderThumbValue"]').inner_text())
    if samples != str(TRAIN_IMAGES):
        raise RuntimeError(f"'Training samples' is at {samples}, not {TRAIN_IMAGES}")
    return first_render


def _list(values: Iterable[float], digits: int) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values)


def _median_line(name: str, values: list[float], digits: int = 2, unit: str = "") -> str:
    return (f"  {name}: median {statistics.median(values):.{digits}f}{unit} "
            f"(runs {_list(values, digits)})")


def compare_training(trial: Trial, epochs: int, rounds: int) -> None:
    """Warm up, then alternate page runs and plain fits (round i with seed i); print what
    :func:`main` reports."""
    trial.set_epochs(WARM_UP_EPOCHS)
    trial.train()
    trial.set_epochs(epochs)
    plain_fit(WARM_UP_EPOCHS, 0)
    trial.meter.settle()
    runs, plain, idle_cpu = [], [], []
    for seed in range(1, rounds + 1):
        trial.set_seed(seed)
        run = trial.train()
        seconds, chromium = plain_fit(epochs, seed)
        runs.append(run)
        plain.append(seconds)
        idle_cpu.append(chromium)
        trial.meter.settle()
        print(f"  round {seed}: page {run.seconds:.2f} s, plain {seconds:.2f} s", flush=True)
    page = [r.seconds for r in runs]
    print(f"seed tutorial net, {epochs} epochs, {TRAIN_IMAGES} images, batch 128, "
          f"{rounds} alternating rounds after a warm-up:")
    print(_median_line("page (live, in Chromium)", page, unit=" s"))
    print(_median_line("plain model.fit", plain, unit=" s"))
    print(f"  ratio of medians, page / plain: "
          f"{statistics.median(page) / statistics.median(plain):.3f} (target ≤ 1.10)")
    for group, name in (("chromium", "Chromium"), ("server", "server + worker")):
        print(_median_line(f"{name} CPU s per training s", [r.cpu[group] / r.seconds
                                                            for r in runs]))
    print(_median_line("Chromium CPU s during each plain fit (idle page)", idle_cpu))
    print(_median_line("click → 'Trained' message", [r.window for r in runs], unit=" s"))
    print(_median_line("live redraws (latent map and loss chart)",
                       [float(r.redraws) for r in runs], 0))
    print(_median_line("kB per redraw (both charts' messages)",
                       [r.redraw_bytes / 1e3 for r in runs], 1))
    print(_median_line("WebSocket kB received per training s",
                       [r.received / 1e3 / r.seconds for r in runs], 1))
    print("  CDP Performance.getMetrics deltas per page run (s, or counts):")
    for name in CDP_METRICS:
        print("  " + _median_line(name, [r.cdp[name] for r in runs],
                                  0 if name.endswith("Count") else 2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3,
                        help="page runs and plain fits, alternating (0: none)")
    parser.add_argument("--cold-starts", type=int, default=3,
                        help="cold starts of app.py and of a hello-world app each (0: none)")
    parser.add_argument("--map-view", choices=["points", "thumbnails"], default="points",
                        help="how the page draws its latent maps, the live one included")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    print(machine_header())
    with sync_playwright() as p:
        browser = launch_chromium(p)
        if args.cold_starts:
            compare_cold_starts(browser, args.cold_starts)
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        socket = WebSocketBytes()
        socket.watch(page)
        start = time.perf_counter()
        server = start_streamlit(port)
        try:
            wait_until_serving(url)
            serving = time.perf_counter() - start
            page.goto(url)
            page.get_by_role("heading", name="Autoencoder Lab").wait_for(timeout=60_000)
            home = time.perf_counter() - start
            print(f"cold start, `streamlit run app.py` to server answering: {serving:.1f} s")
            print(f"cold start, to home page rendered in Chromium: {home:.1f} s")
            first_render = open_seed_tutorial(page, url)
            print(f"Dimensionality Reduction page, first render (first visit): "
                  f"{first_render:.1f} s", flush=True)
            if args.map_view != "points":
                page.get_by_role("radio", name=args.map_view, exact=True).click()
                page.get_by_role("radio", name=args.map_view, checked=True).wait_for()
                print(f"latent maps drawn as {args.map_view}")
            if args.rounds:
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                compare_training(Trial(page, cdp, CpuMeter(server.pid), socket), args.epochs,
                                 args.rounds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        browser.close()
    print(f"(Chromium shares this machine's {os.cpu_count()} cores with the server and its "
          f"training worker.)")


if __name__ == "__main__":
    main()
