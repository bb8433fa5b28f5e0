"""Python source that reproduces a page's result with aecore, shown in each page's expander."""

from __future__ import annotations

from aecore.spec import AESpec, TrainingSpec, VAESpec


def dimensionality_reduction_code(dataset: str, spec: AESpec, n_train: int) -> str:
    """A script that retrains the run and prints the comparison table the page shows."""
    return f'''\
from aecore.data import evaluation_points, load_dataset
from aecore.evaluate import compare_with_baselines
from aecore.spec import AESpec, TrainingSpec, VAESpec
from aecore.training import TrainingRun

data = load_dataset({dataset!r})
x_train = data.x_train[:{n_train}]
x_eval, y_eval = evaluation_points(data)
spec = {spec!r}
run = TrainingRun.create(spec, x_train).fit(
    x_train, validation_data=(data.x_test, data.x_test), probe=x_eval)
maps, scores = compare_with_baselines(run, x_train, x_eval, y_eval)
print(scores)
'''


def denoising_code(dataset: str, spec: TrainingSpec, n_train: int, noise: str, level: float,
                   noise_seed: int) -> str:
    """A script that retrains the denoiser and prints the PSNR/SSIM table the page shows."""
    return f'''\
from aecore.data import evaluation_points, load_dataset
from aecore.denoise import denoising_scores
from aecore.noise import corrupt
from aecore.spec import {type(spec).__name__}
from aecore.training import TrainingRun

data = load_dataset({dataset!r})
x_train = data.x_train[:{n_train}]
x_eval, _ = evaluation_points(data)
noisy_train = corrupt(x_train, {noise!r}, {level!r}, seed={noise_seed})
noisy_eval = corrupt(x_eval, {noise!r}, {level!r}, seed={noise_seed + 1})
spec = {spec!r}
run = TrainingRun.create(spec, noisy_train).fit(
    noisy_train, x_train, validation_data=(noisy_eval, x_eval))
print(denoising_scores(x_eval, noisy_eval, run.reconstruct(noisy_eval), data.image_shape))
'''


def vae_code(dataset: str, spec: VAESpec, n_train: int) -> str:
    """A script that retrains the VAE, prints its held-out −ELBO and saves it."""
    inputs = ("with_labels(x, y)" if spec.conditional else "x")
    return f'''\
from aecore.data import evaluation_points, load_dataset
from aecore.spec import VAESpec
from aecore.training import TrainingRun
from aecore.vae import latent_grid, negative_elbo, with_labels

data = load_dataset({dataset!r})
model_input = lambda x, y: {inputs}
x_train = model_input(data.x_train[:{n_train}], data.y_train[:{n_train}])
x_eval = model_input(*evaluation_points(data))
spec = {spec!r}
run = TrainingRun.create(spec, x_train).fit(x_train, validation_data=(x_eval, x_eval))
print("held-out -ELBO, nats per image:", negative_elbo(run.net.model, x_eval))
grid = latent_grid(run.net.model, 10, spec.code_size)  # 100 decoded images
run.net.model.save("vae.keras")
'''


def anomaly_code(dataset: str, source: str, digit: int | None, contamination: float,
                 spec: AESpec, smoothing: float = 0.0) -> str:
    """A script that retrains the detector and prints the threshold rules' scores."""
    setup = (f"anomaly.breast_cancer_setup({contamination!r})" if source == "breast-cancer" else
             f"anomaly.image_setup(load_dataset({dataset!r}), {source!r}, {digit!r}, "
             f"{contamination!r})")
    return f'''\
from aecore import anomaly
from aecore.data import load_dataset
from aecore.spec import AESpec
from aecore.training import TrainingRun

setup = {setup}
spec = {spec!r}
run = TrainingRun.create(spec, setup.x_train).fit(
    setup.x_train, validation_data=(setup.x_val, setup.x_val))
scores = {{name: anomaly.reconstruction_errors(x, run.reconstruct(x), setup.image_shape,
                                           smoothing={smoothing!r})
          for name, x in (("train", setup.x_train), ("val", setup.x_val), ("test", setup.x_test))}}
rules = anomaly.threshold_rules(scores["train"], scores["val"], setup.y_val)
print("test AUROC:", anomaly.curves(scores["test"], setup.y_test).roc_auc)
print(anomaly.rules_table(rules, scores["test"], setup.y_test))
'''
