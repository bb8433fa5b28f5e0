"""The deep autoencoder of Hinton & Salakhutdinov (2006) on the MNIST sample: the same dense
sigmoid network trained with and without layer-wise RBM pretraining, against PCA with as many
components as the code, and the same widths with ReLU (the app's usual activation) for context.

Prints, on the held-out images, the reconstruction error as MSE per pixel and as squared error
per image (summed over the 784 pixels, the paper's measure: 3.00 for the fine-tuned 30-D deep
autoencoder against 13.87 for 30-D PCA on full MNIST), and the seconds each took.
Run from the project root: python -m bench.rbm [--epochs 20] [--rbm-epochs 10] [--codes 30,2]
"""

from __future__ import annotations

import argparse

import pandas as pd

from aecore import Autoencoder
from aecore.data import load_dataset
from aecore.events import StageEvent
from aecore.metrics import pca_reconstruction_mse
from bench.common import machine_header

# The paper's encoder widths and logistic hidden units; its fine-tuning used cross-entropy
# (conjugate gradients there, Adam here).
NETWORK = dict(hidden_layers=(1000, 500, 250), activation="sigmoid", loss="bce",
               input_noise=0.0, batch_size=64, learning_rate=1e-3, seed=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20, help="fine-tuning epochs")
    parser.add_argument("--rbm-epochs", type=int, default=10, help="pretraining epochs per RBM")
    parser.add_argument("--codes", default="30,2")
    args = parser.parse_args()
    data = load_dataset("mnist_sample")
    x_train, x_test = data.x_train, data.x_test
    pixels = data.input_dim
    print(machine_header())
    print(f"# MNIST sample: {len(x_train)} train, {len(x_test)} held-out images; "
          f"{args.epochs} epochs of Adam, RBM pretraining {args.rbm_epochs} epochs per layer")
    rows = []
    for code in map(int, args.codes.split(",")):
        mse = pca_reconstruction_mse(x_train, x_test, code)
        rows.append({"code": code, "method": "PCA", "MSE per pixel": mse,
                     "squared error per image": mse * pixels, "pretraining s": 0.0,
                     "total s": 0.0})
        for activation, rbm_epochs in (("relu", 0), ("sigmoid", 0),
                                       ("sigmoid", args.rbm_epochs)):
            events: list = []
            ae = Autoencoder(code_size=code, epochs=args.epochs, rbm_epochs=rbm_epochs,
                             **{**NETWORK, "activation": activation}).fit(
                x_train, on_epoch=events.append)
            stages = [e for e in events if isinstance(e, StageEvent)]
            mse = -ae.score(x_test)
            name = (f"{ae.architecture(pixels)} {activation}, "
                    f"{'RBM-pretrained' if rbm_epochs else 'random start'}")
            rows.append({"code": code, "method": name, "MSE per pixel": mse,
                         "squared error per image": mse * pixels,
                         "pretraining s": stages[-1].elapsed if stages else 0.0,
                         "total s": ae.log_.seconds})
            print(pd.DataFrame(rows[-1:]).round(4).to_markdown(index=False), flush=True)
    print()
    print(pd.DataFrame(rows).round(4).to_markdown(index=False))


if __name__ == "__main__":
    main()
