"""Anomaly detection on the MNIST sample with the page's image detector: one-class AUROC for
each digit (train on it alone, every other digit is an anomaly) and hold-out-digit AUROC (train
on the other nine), scored on the held-out test half, with training times.
Run from the project root: python -m bench.anomaly [--epochs N]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from aecore import anomaly
from aecore.data import load_dataset
from bench.common import machine_header


def auroc(setup: anomaly.AnomalySetup, spec) -> tuple[float, float]:
    from aecore.training import TrainingRun

    run = TrainingRun.create(spec, setup.x_train).fit(setup.x_train)
    scores = anomaly.reconstruction_errors(setup.x_test, run.reconstruct(setup.x_test))
    return anomaly.curves(scores, setup.y_test).roc_auc, run.seconds


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
          f"{spec.epochs} epochs, batch {spec.batch_size}")
    rows = []
    for digit in range(10):
        one, one_s = auroc(anomaly.image_setup(data, "one-class", digit), spec)
        held, held_s = auroc(anomaly.image_setup(data, "hold-out", digit), spec)
        rows.append({"digit": digit, "one-class AUROC": one, "one-class seconds": one_s,
                     "hold-out AUROC": held, "hold-out seconds": held_s})
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows).set_index("digit")
    table.loc["mean"] = table.mean()
    print(table.round(3).to_markdown())
    print(f"mean one-class AUROC: {np.mean([r['one-class AUROC'] for r in rows]):.3f}")


if __name__ == "__main__":
    main()
