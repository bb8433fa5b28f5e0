"""Overhead of live training: the engine with per-epoch events vs plain ``model.fit``.

Same spec, data and epochs; the live side encodes the 1,000-point probe and builds the loss and
latent Plotly figures every epoch, as the page does (minus sending them to a browser, which
bench/browser.py measures). Alternates the two, several rounds, and reports the ratio of medians.
Run from the project root: python -m bench.live_overhead [--epochs 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from aecore import plots
from aecore.data import evaluation_points, load_dataset
from aecore.embed import code_map
from aecore.presets import SEED_TUTORIAL
from bench.common import machine_header


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from sklearn.base import clone

    from aecore.models import build_dense_autoencoder

    data = load_dataset("mnist_sample")
    x_eval, y_eval = evaluation_points(data)
    autoencoder = clone(SEED_TUTORIAL).set_params(epochs=args.epochs)
    spec = autoencoder.to_spec()
    history: dict[str, list[float]] = {}

    def draw(event) -> None:  # what LivePanel does with each event, short of sending it
        for name, value in event.logs.items():
            history.setdefault(name, []).append(value)
        plots.loss_curves(history, event.epochs).to_json()
        plots.latent_scatter(code_map(event.frame, 0).points, y_eval, "latent").to_json()

    def plain() -> float:
        model = build_dense_autoencoder(spec, data.input_dim).model
        start = time.perf_counter()
        model.fit(data.x_train, data.x_train, validation_data=(x_eval, x_eval),
                  epochs=spec.epochs, batch_size=spec.batch_size, verbose=0)
        return time.perf_counter() - start

    def live() -> float:
        start = time.perf_counter()
        clone(autoencoder).fit(data.x_train, X_val=x_eval, probe=x_eval, on_epoch=draw)
        return time.perf_counter() - start

    plain()  # warm-up: first graph tracing is not what we compare
    times: dict[str, list[float]] = {"plain fit": [], "live engine": []}
    for _ in range(args.rounds):
        times["plain fit"].append(plain())
        times["live engine"].append(live())
    print(machine_header())
    print(f"# {spec.architecture(data.input_dim)}, {args.epochs} epochs, "
          f"{len(data.x_train)} images, batch {spec.batch_size}, {args.rounds} rounds")
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.2f} s "
              f"({statistics.median(values) / args.epochs:.3f} s/epoch), runs "
              + ", ".join(f"{v:.2f}" for v in values))
    ratio = statistics.median(times["live engine"]) / statistics.median(times["plain fit"])
    print(f"live / plain ratio: {ratio:.3f}")


if __name__ == "__main__":
    main()
