"""Quality on the MNIST sample: autoencoder maps vs PCA, t-SNE and UMAP, held-out points.

Prints one table: 5-NN accuracy, trustworthiness, reconstruction MSE (autoencoders vs PCA with as
many components as the code) and times, for each chosen preset of the Dimensionality Reduction
page (trained as the page trains it) and for the maps that depend only on the data.
Run from the project root: python -m bench.quality [--specs seed,default,neighbor]
"""

from __future__ import annotations

import argparse

import pandas as pd
from sklearn.base import clone

from aecore.baseline_maps import METHODS
from aecore.data import evaluation_points, load_dataset
from aecore.evaluate import compare_with_baselines
from aecore.presets import DEFAULT_AUTOENCODER, NEIGHBOR_AUTOENCODER, SEED_TUTORIAL
from bench.common import machine_header

PRESETS = {"default": ("Autoencoder (app defaults)", DEFAULT_AUTOENCODER),
           "seed": ("Autoencoder (seed tutorial)", SEED_TUTORIAL),
           "neighbor": ("Neighbour-preserving AE", NEIGHBOR_AUTOENCODER)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", default="seed,default,neighbor")
    args = parser.parse_args()
    data = load_dataset("mnist_sample")
    x_eval, y_eval = evaluation_points(data)
    baselines = [method(x_eval) for method in METHODS.values()]
    print(machine_header())
    print(f"# MNIST sample: {len(data.x_train)} train, {len(x_eval)} held-out evaluation points")
    rows, table = [], None
    for name in args.specs.split(","):
        title, preset = PRESETS[name]
        ae = clone(preset).fit(data.x_train, X_val=x_eval, probe=x_eval)  # as the page does
        _, table = compare_with_baselines(ae, data.x_train, x_eval, y_eval, baselines)
        mse = table["reconstruction MSE"]
        print(f"- {title}: {ae.summary(data.input_dim)}, neighbour weight "
              f"{ae.neighbor_weight:g}; AE/PCA reconstruction MSE ratio "
              f"{mse['Autoencoder'] / mse['PCA']:.3f}")
        rows.append(table.loc[["Autoencoder"]].rename(index={"Autoencoder": title}))
    print()
    print(pd.concat([*rows, table.drop(index="Autoencoder")]).round(4).to_markdown())


if __name__ == "__main__":
    main()
