"""The code as features on the MNIST sample: held-out accuracy of a logistic regression trained
on 10, 100 and 1,000 labelled training images, using raw pixels, PCA with as many components as
the code, or the autoencoder's code (autoencoder and PCA fitted on all 4,000 training images
without labels). The same function the Dimensionality Reduction page calls.
Run from the project root: python -m bench.features [--presets seed,default] [--code-size N]
"""

from __future__ import annotations

import argparse

from sklearn.base import clone

from aecore.data import evaluation_points, load_dataset
from aecore.features import few_label_accuracy
from aecore.presets import DEFAULT_AUTOENCODER, SEED_TUTORIAL
from bench.common import machine_header

PRESETS = {"default": DEFAULT_AUTOENCODER, "seed": SEED_TUTORIAL}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presets", default="seed,default")
    parser.add_argument("--code-size", type=int, default=None,
                        help="override the presets' code size")
    args = parser.parse_args()
    data = load_dataset("mnist_sample")
    x_eval, y_eval = evaluation_points(data)
    print(machine_header())
    print(f"# MNIST sample: {len(data.x_train)} unlabelled training images, accuracy on "
          f"{len(x_eval)} held-out images")
    for name in args.presets.split(","):
        ae = clone(PRESETS[name])
        if args.code_size:
            ae.set_params(code_size=args.code_size)
        ae.fit(data.x_train)
        table = few_label_accuracy(ae, data.x_train, data.y_train, x_eval, y_eval)
        print(f"\n## {name}: {ae.architecture(data.input_dim)}, {ae.epochs} epochs "
              f"({ae.log_.seconds:.0f} s)")
        print(table.round(3).to_markdown())


if __name__ == "__main__":
    main()
