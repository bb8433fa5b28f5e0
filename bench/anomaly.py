"""Anomaly detection on the MNIST sample with the page's image detector: one-class AUROC for
each digit (train on it alone, every other digit is an anomaly) and hold-out-digit AUROC (train
on the other nine), scored on the held-out test half, with training times; the page's default
score first, then the smoothed reconstruction error and plain MSE of the same models.
Run from the project root: python -m bench.anomaly [--epochs N] [--digits 1,9]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from sklearn.base import clone

from aecore import ReconstructionDetector, anomaly
from aecore.data import load_dataset
from aecore.presets import IMAGE_DETECTOR
from bench.common import machine_header


def aurocs(setup: anomaly.AnomalySetup,
           detector: ReconstructionDetector) -> tuple[float, float, float, float]:
    """Test AUROC of the page's default score, the smoothed error and plain MSE; seconds."""
    detector = clone(detector).set_params(image_shape=setup.image_shape).fit(setup.x_train)
    default, smoothed, plain = (
        anomaly.curves(detector.anomaly_scores(setup.x_test, smoothing, score),
                       setup.y_test).roc_auc
        for smoothing, score in ((detector.smoothing, detector.score),
                                 (detector.smoothing, "error"), (0.0, "error")))
    return default, smoothed, plain, detector.log_.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--digits", default="0,1,2,3,4,5,6,7,8,9")
    args = parser.parse_args()
    data = load_dataset("mnist_sample")
    detector = clone(IMAGE_DETECTOR).set_params(image_shape=data.image_shape)
    if args.epochs:
        detector.set_params(epochs=args.epochs)
    print(machine_header())
    print(f"# MNIST sample, detector {detector.architecture(data.input_dim)}, {detector.loss}, "
          f"input noise {detector.input_noise}, {detector.epochs} epochs, batch "
          f"{detector.batch_size}; score: {detector.score}, error smoothed over "
          f"{detector.smoothing} px")
    rows = []
    for digit in map(int, args.digits.split(",")):
        row = {"digit": digit}
        for mode in ("one-class", "hold-out"):
            default, smoothed, plain, seconds = aurocs(anomaly.image_setup(data, mode, digit),
                                                       detector)
            row.update({f"{mode} AUROC": default, f"{mode}, smoothed error": smoothed,
                        f"{mode}, plain MSE": plain, f"{mode} seconds": seconds})
        rows.append(row)
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows).set_index("digit")
    table.loc["mean"] = table.mean()
    table.loc["min"] = table.drop(index="mean").min()
    print(table.round(3).to_markdown())
    print(f"mean one-class AUROC: {np.mean([r['one-class AUROC'] for r in rows]):.3f}, "
          f"hold-out: {np.mean([r['hold-out AUROC'] for r in rows]):.3f}")


if __name__ == "__main__":
    main()
