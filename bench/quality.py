"""Quality on the MNIST sample: AE vs PCA vs t-SNE maps, held-out points.

Prints 5-NN accuracy, trustworthiness, reconstruction MSE (AE vs PCA with as many components as
the code) and times, for the seed tutorial's network and for the app's default settings.
Run from the project root: python -m bench.quality [--specs seed,default]
"""

from __future__ import annotations

import argparse

from sklearn.base import clone

from aecore.data import evaluation_points, load_dataset
from aecore.embed import tsne_map
from aecore.evaluate import compare_with_baselines
from aecore.presets import DEFAULT_AUTOENCODER, SEED_TUTORIAL
from bench.common import machine_header

PRESETS = {"default": DEFAULT_AUTOENCODER, "seed": SEED_TUTORIAL}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", default="seed,default")
    args = parser.parse_args()
    data = load_dataset("mnist_sample")
    x_eval, y_eval = evaluation_points(data)
    tsne = tsne_map(x_eval)
    print(machine_header())
    print(f"# MNIST sample: {len(data.x_train)} train, {len(x_eval)} held-out evaluation points")
    for name in args.specs.split(","):
        ae = clone(PRESETS[name]).fit(data.x_train, X_val=data.x_test)
        _, table = compare_with_baselines(ae, data.x_train, x_eval, y_eval, tsne)
        mse = table["reconstruction MSE"]
        ratio = mse["Autoencoder"] / mse["PCA"]
        print(f"\n## {name}: {ae.architecture(data.input_dim)}, {ae.activation}, {ae.loss}, "
              f"{ae.epochs} epochs, batch {ae.batch_size}, lr {ae.learning_rate}")
        print(table.round(4).to_markdown())
        print(f"AE/PCA reconstruction MSE ratio: {ratio:.3f}")


if __name__ == "__main__":
    main()
