"""What the latent-map figures cost: bytes of their JSON, seconds to build them in Python and
milliseconds for Chromium to draw them.

The figures are those the pages draw from the MNIST sample's 1,000 held-out points (their PCA
map stands in for a code map): the map as one trace with numeric colours (how maps were drawn
before issue 13, rebuilt here as the reference), the map with one trace per class, the
thumbnails view (300 digits; their PNGs made once, as the page caches them), the replay
animation (20 and 300 epochs) and the loss curves. Draw time: parsing the JSON and
``Plotly.newPlot`` into an empty div, until its images are decoded and two animation frames
later (so the browser has painted); the plotly.js of the installed plotly package in headless
Chromium. The figures take turns, ``--repeats`` rounds after a warm-up round; medians. It
leaves out what Streamlit adds around a chart (bench.browser measures the whole path).
Run from the project root: python -m bench.charts [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
from playwright.sync_api import sync_playwright
from plotly.offline import get_plotlyjs
from sklearn.decomposition import PCA

from aecore import plots
from aecore.data import evaluation_points, load_dataset
from bench.common import machine_header
from tests.e2e.harness import launch_chromium

DRAW_JS = """async (text) => {
  const div = document.getElementById('chart');
  Plotly.purge(div);
  const start = performance.now();
  const spec = JSON.parse(text);
  await Plotly.newPlot(div, spec.data, spec.layout, {});
  if (spec.frames) await Plotly.addFrames(div, spec.frames);
  await Promise.all([...div.querySelectorAll('image')].map(image => image.decode()));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - start;
}"""


def one_trace_map(points: np.ndarray, labels: np.ndarray) -> go.Figure:
    """The reference: the map as it was drawn before issue 13, one ``Scatter`` trace whose
    numeric colours map onto a discrete colour scale with a colour bar."""
    n = int(labels.max()) + 1
    scale = [[k / n, c] for i in range(n) for k, c in ((i, plots.label_colour(i)),
                                                         (i + 1, plots.label_colour(i)))]
    xy = points.astype(np.float32)
    fig = go.Figure(go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="markers", showlegend=False,
        customdata=np.column_stack([labels, np.arange(len(labels))]),
        hovertemplate="label %{customdata[0]}<br>point #%{customdata[1]}<extra></extra>",
        marker=dict(size=5, opacity=0.8, color=labels, cmin=-0.5, cmax=n - 0.5,
                    colorscale=scale, colorbar=dict(title="label", tickvals=list(range(n))))))
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def build_seconds(build: Callable[[], go.Figure]) -> tuple[float, str]:
    """Seconds to build a figure and turn it into JSON, and the JSON."""
    start = time.perf_counter()
    spec = build().to_json()
    return time.perf_counter() - start, spec


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    data = load_dataset("mnist_sample")
    x_eval, y_eval = evaluation_points(data)
    points = PCA(2, random_state=0).fit(data.x_train).transform(x_eval)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    sources = plots.thumbnail_sources(x_eval[:plots.THUMBNAILS], y_eval[:plots.THUMBNAILS],
                                      data.image_shape)
    encode = time.perf_counter() - start

    def replay(epochs: int) -> go.Figure:
        return plots.latent_replay(
            {e: points * (e / epochs) + rng.normal(0, 0.1, points.shape)
             for e in plots.replay_epochs(epochs)}, y_eval)

    history = {"loss": list(np.geomspace(0.07, 0.03, 20)),
               "val_loss": list(np.geomspace(0.075, 0.035, 20))}
    figures: dict[str, Callable[[], go.Figure]] = {
        "map, one trace (before)": lambda: one_trace_map(points, y_eval),
        "map, one trace per class": lambda: plots.latent_scatter(points, y_eval, "map"),
        f"thumbnails ({plots.THUMBNAILS} digits)":
            lambda: plots.latent_thumbnails(points, y_eval, sources, "map"),
        "replay, 20 epochs": lambda: replay(20),
        f"replay, 300 epochs ({plots.REPLAY_FRAMES} frames)": lambda: replay(300),
        "loss curves, 20 epochs": lambda: plots.loss_curves(history, 20),
    }
    print(machine_header())
    print(f"# {len(x_eval)} held-out MNIST-sample points; {plots.THUMBNAILS} thumbnails made "
          f"once in {encode:.2f} s ({np.mean([len(s) for s in sources]):.0f} B of URI each); "
          f"medians of {args.repeats}")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 700, "height": 500})
        page.set_content(f"<script>{get_plotlyjs()}</script><div id='chart'></div>")
        builds: dict[str, list[float]] = {name: [] for name in figures}
        draws: dict[str, list[float]] = {name: [] for name in figures}
        sizes: dict[str, int] = {}
        for round_ in range(args.repeats + 1):  # interleaved; round 0 warms up and is dropped
            for name, build in figures.items():
                seconds, spec = build_seconds(build)
                drawn = page.evaluate(DRAW_JS, spec)
                if round_:
                    builds[name].append(seconds)
                    draws[name].append(drawn)
                sizes[name] = len(spec)
        print("| figure | JSON kB | build + JSON (ms) | Chromium draw (ms) |")
        print("|---|---:|---:|---:|")
        for name in figures:
            print(f"| {name} | {sizes[name] / 1e3:.1f} | "
                  f"{statistics.median(builds[name]) * 1e3:.0f} | "
                  f"{statistics.median(draws[name]):.0f} |")
        browser.close()


if __name__ == "__main__":
    main()
