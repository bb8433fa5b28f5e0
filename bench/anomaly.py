"""Anomaly detection on the MNIST sample with the page's image detector: one-class AUROC for
each digit (train on it alone, every other digit is an anomaly) and hold-out-digit AUROC (train
on the other nine), scored on the held-out test half, with training times; the page's smoothed
error is the score, plain MSE is shown beside it.
Run from the project root: python -m bench.anomaly [--epochs N]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from aecore import anomaly
from aecore.data import load_dataset
from bench.common import machine_header


def aurocs(setup: anomaly.AnomalySetup, spec) -> tuple[float, float, float]:
    """Test AUROC of the smoothed score (the page's default) and of plain MSE; seconds."""
    from aecore.training import TrainingRun

    run = TrainingRun.create(spec, setup.x_train).fit(setup.x_train)
    x_hat = run.reconstruct(setup.x_test)
    smoothed, plain = (anomaly.curves(anomaly.reconstruction_errors(
        setup.x_test, x_hat, setup.image_shape, smoothing), setup.y_test).roc_auc
        for smoothing in (anomaly.IMAGE_SMOOTHING, 0.0))
    return smoothed, plain, run.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args()
    spec = anomaly.IMAGE_DETECTOR
    if args.epochs:
        spec = spec.replace(epochs=args.epochs)
    data = load_dataset("mnist_sample")
    print(machine_header())
    print(f"# MNIST sample, detector {spec.architecture(data.input_dim)}, {spec.loss}, "
          f"input noise {spec.input_noise}, {spec.epochs} epochs, batch {spec.batch_size}; "
          f"score: error smoothed over {anomaly.IMAGE_SMOOTHING} px")
    rows = []
    for digit in range(10):
        one, one_mse, one_s = aurocs(anomaly.image_setup(data, "one-class", digit), spec)
        held, held_mse, held_s = aurocs(anomaly.image_setup(data, "hold-out", digit), spec)
        rows.append({"digit": digit, "one-class AUROC": one, "one-class, plain MSE": one_mse,
                     "one-class seconds": one_s, "hold-out AUROC": held,
                     "hold-out, plain MSE": held_mse, "hold-out seconds": held_s})
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows).set_index("digit")
    table.loc["mean"] = table.mean()
    print(table.round(3).to_markdown())
    print(f"mean one-class AUROC: {np.mean([r['one-class AUROC'] for r in rows]):.3f}")


if __name__ == "__main__":
    main()
