"""VAE on the MNIST sample, 2-D latent: held-out −ELBO (nats per image: BCE summed over pixels
plus KL), training time, and 5-NN accuracy of the map of held-out codes (μ).
Run from the project root: python -m bench.vae [--epochs N] [--seeds 0,1,2]
"""

from __future__ import annotations

import argparse

import pandas as pd

from aecore.data import evaluation_points, load_dataset
from aecore.metrics import knn_accuracy
from bench.common import machine_header


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=None, help="override the presets' epochs")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds; one run each")
    args = parser.parse_args()

    from sklearn.base import clone

    from aecore.presets import VAE_PRESETS

    data = load_dataset("mnist_sample")
    x_eval, y_eval = evaluation_points(data)
    print(machine_header())
    print(f"# MNIST sample: {len(data.x_train)} train, {len(x_eval)} held-out images")
    rows = []
    for name, preset in VAE_PRESETS.items():
        for seed in map(int, args.seeds.split(",")):
            vae = clone(preset).set_params(
                seed=seed, **({"epochs": args.epochs} if args.epochs else {}))
            vae.fit(data.x_train, X_val=x_eval)
            rows.append({"model": f"{name}: {vae.architecture(data.input_dim)}, "
                                  f"{vae.activation}, {vae.epochs} epochs, "
                                  f"batch {vae.batch_size}"
                                  f"{', cosine decay' if vae.lr_decay else ''}",
                         "seed": seed,
                         "−ELBO (nats/image)": vae.elbo(x_eval),
                         "5-NN accuracy of μ map": knn_accuracy(vae.transform(x_eval), y_eval),
                         "train seconds": vae.log_.seconds})
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    print(table.set_index(["model", "seed"]).round(3).to_markdown())
    print(table.drop(columns="seed").groupby("model", sort=False).mean().round(3).to_markdown())


if __name__ == "__main__":
    main()
