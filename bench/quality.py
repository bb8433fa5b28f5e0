"""Quality on the MNIST sample: autoencoder maps vs PCA, t-SNE and UMAP, held-out points.

Prints one table: 5-NN accuracy, trustworthiness, reconstruction MSE (autoencoders vs PCA with as
many components as the code) and times, for each chosen preset of the Dimensionality Reduction
page (trained as the page trains it, once per seed) and for the maps that depend only on the
data. The page's t-SNE and UMAP are fitted on the held-out points themselves; with
``--inductive`` the table adds UMAP and openTSNE fitted on the *training* images, placing the
held-out points with their ``transform``, as an encoder must: the fair reference for a map of
points it has never seen.
Run from the project root: python -m bench.quality [--specs seed,default,neighbor]
[--seeds 0,1,2] [--inductive]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.base import clone

from aecore.baseline_maps import METHODS
from aecore.data import evaluation_points, load_dataset
from aecore.embed import Map2D
from aecore.evaluate import compare_with_baselines
from aecore.metrics import knn_accuracy, trustworthiness
from aecore.presets import DEFAULT_AUTOENCODER, NEIGHBOR_AUTOENCODER, SEED_TUTORIAL
from bench.common import machine_header

PRESETS = {"default": ("Autoencoder (app defaults)", DEFAULT_AUTOENCODER),
           "seed": ("Autoencoder (seed tutorial)", SEED_TUTORIAL),
           "neighbor": ("Neighbour-preserving AE", NEIGHBOR_AUTOENCODER)}


def inductive_maps(x_train: np.ndarray, x_eval: np.ndarray) -> list[Map2D]:
    """UMAP (umap-learn) and t-SNE (openTSNE) fitted on ``x_train``, ``x_eval`` placed by their
    ``transform`` (UMAP: by its training neighbours, then optimised; openTSNE: likewise)."""
    import umap
    from openTSNE import TSNE

    maps = []
    for name, place in (
            ("UMAP, fitted on the training images", lambda: umap.UMAP(random_state=0).fit(
                x_train).transform(x_eval)),
            ("t-SNE (openTSNE), fitted on the training images", lambda: np.asarray(
                TSNE(random_state=0, n_jobs=2).fit(x_train).transform(x_eval)))):
        start = time.perf_counter()
        points = place()
        maps.append(Map2D(name, points, time.perf_counter() - start))
    return maps


def scores(maps: list[Map2D], x_eval: np.ndarray, y_eval: np.ndarray) -> pd.DataFrame:
    """The page's 5-NN accuracy and trustworthiness of maps that have no decoder."""
    return pd.DataFrame({"5-NN accuracy": [knn_accuracy(m.points, y_eval) for m in maps],
                         "trustworthiness": [trustworthiness(x_eval, m.points) for m in maps],
                         "reconstruction MSE": np.nan, "seconds": [m.seconds for m in maps]},
                        index=[m.method for m in maps])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", default="seed,default,neighbor")
    parser.add_argument("--seeds", default="0", help="comma-separated training seeds")
    parser.add_argument("--inductive", action="store_true",
                        help="add UMAP and openTSNE fitted on the training images")
    args = parser.parse_args()
    data = load_dataset("mnist_sample")
    x_eval, y_eval = evaluation_points(data)
    baselines = [method(x_eval) for method in METHODS.values()]
    print(machine_header())
    print(f"# MNIST sample: {len(data.x_train)} train, {len(x_eval)} held-out evaluation points")
    rows, table = [], None
    for name in args.specs.split(","):
        title, preset = PRESETS[name]
        runs = []
        for seed in map(int, args.seeds.split(",")):
            ae = clone(preset).set_params(seed=seed).fit(
                data.x_train, X_val=x_eval, probe=x_eval)  # as the page does
            _, table = compare_with_baselines(ae, data.x_train, x_eval, y_eval, baselines)
            mse = table["reconstruction MSE"]
            print(f"- {title}, seed {seed}: {ae.summary(data.input_dim)}, neighbour weight "
                  f"{ae.neighbor_weight:g}; AE/PCA reconstruction MSE ratio "
                  f"{mse['Autoencoder'] / mse['PCA']:.3f}", flush=True)
            runs.append(table.loc[["Autoencoder"]].rename(index={"Autoencoder":
                                                                 f"{title}, seed {seed}"}))
        rows += runs
        if len(runs) > 1:
            rows.append(pd.concat(runs).mean().to_frame(f"{title}, mean of {len(runs)}").T)
    if args.inductive:
        rows.append(scores(inductive_maps(data.x_train, x_eval), x_eval, y_eval))
    print()
    print(pd.concat([*rows, table.drop(index="Autoencoder")]).round(4).to_markdown())


if __name__ == "__main__":
    main()
