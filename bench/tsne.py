"""t-SNE: scikit-learn's Barnes–Hut against openTSNE's FFT-accelerated one, on this machine.

Both PCA-initialised, perplexity 30, seed 0. Sizes: the MNIST sample's 1,000 held-out points (what
the page maps), all 5,000 of its images, and 20,000 points (the 5,000 images and three copies
shifted by one pixel, as no larger set is offline here). Alternates the two, median of
``--rounds``; reports seconds, the ratio, and 5-NN accuracy / trustworthiness on the 1,000.
Run from the project root: python -m bench.tsne [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from sklearn.manifold import TSNE

from aecore.data import load_dataset
from aecore.metrics import map_scores
from bench.common import machine_header


def sklearn_tsne(x: np.ndarray) -> np.ndarray:
    return TSNE(2, perplexity=30.0, init="pca", random_state=0).fit_transform(x)


def open_tsne(x: np.ndarray) -> np.ndarray:
    from openTSNE import TSNE as OpenTSNE

    return np.asarray(OpenTSNE(n_components=2, perplexity=30.0, initialization="pca",
                               random_state=0, n_jobs=1).fit(x))


def shifted_copies(images: np.ndarray, side: int = 28) -> np.ndarray:
    grid = images.reshape(-1, side, side)
    shifts = [grid, np.roll(grid, 1, axis=1), np.roll(grid, 1, axis=2), np.roll(grid, -1, axis=1)]
    return np.concatenate(shifts).reshape(-1, side * side)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(machine_header())
    data = load_dataset("mnist_sample")
    images = np.vstack([data.x_train, data.x_test])
    sizes = {"1,000 held-out": data.x_test[:1000], "5,000": images,
             "20,000": shifted_copies(images)}
    methods = {"scikit-learn": sklearn_tsne, "openTSNE": open_tsne}
    print("| points | scikit-learn (s) | openTSNE (s) | openTSNE / scikit-learn |")
    print("|---|---|---|---|")
    for name, x in sizes.items():
        rounds = args.rounds if len(x) <= 5000 else 1
        times: dict[str, list[float]] = {m: [] for m in methods}
        for _ in range(rounds):
            for method, run in methods.items():
                start = time.perf_counter()
                run(x)
                times[method].append(time.perf_counter() - start)
        med = {m: statistics.median(t) for m, t in times.items()}
        print(f"| {name} | {med['scikit-learn']:.1f} | {med['openTSNE']:.1f} | "
              f"{med['openTSNE'] / med['scikit-learn']:.2f} |")
    x_eval, y_eval = data.x_test[:1000], data.y_test[:1000]
    for method, run in methods.items():
        scores = map_scores(x_eval, y_eval, run(x_eval))
        print(f"{method} on the 1,000: 5-NN accuracy {scores['5-NN accuracy']:.3f}, "
              f"trustworthiness {scores['trustworthiness']:.3f}")


if __name__ == "__main__":
    main()
