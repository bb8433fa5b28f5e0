"""Quality on the MNIST sample: AE vs PCA vs t-SNE maps, held-out points.

Prints 5-NN accuracy, trustworthiness, reconstruction MSE (AE vs PCA with as many components as
the code) and times, for the seed tutorial's network and for the app's default settings.
Run from the project root: python -m bench.quality [--specs seed,default]
"""

from __future__ import annotations

import argparse

from aecore.data import evaluation_points, load_dataset
from aecore.embed import tsne_map
from aecore.evaluate import compare_with_baselines
from aecore.spec import DEFAULT_SPEC, SEED_TUTORIAL_SPEC
from bench.common import machine_header

SPECS = {"default": DEFAULT_SPEC, "seed": SEED_TUTORIAL_SPEC}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", default="seed,default")
    args = parser.parse_args()
    from aecore.training import TrainingRun

    data = load_dataset("mnist_sample")
    x_eval, y_eval = evaluation_points(data)
    tsne = tsne_map(x_eval)
    print(machine_header())
    print(f"# MNIST sample: {len(data.x_train)} train, {len(x_eval)} held-out evaluation points")
    for name in args.specs.split(","):
        spec = SPECS[name]
        run = TrainingRun.create(spec, data.x_train).fit(
            data.x_train, validation_data=(data.x_test, data.x_test))
        _, table = compare_with_baselines(run, data.x_train, x_eval, y_eval, tsne)
        mse = table["reconstruction MSE"]
        ratio = mse["Autoencoder"] / mse["PCA"]
        print(f"\n## {name}: {spec.architecture(data.input_dim)}, {spec.activation}, {spec.loss}, "
              f"{spec.epochs} epochs, batch {spec.batch_size}, lr {spec.learning_rate}")
        print(table.round(4).to_markdown())
        print(f"AE/PCA reconstruction MSE ratio: {ratio:.3f}")


if __name__ == "__main__":
    main()
