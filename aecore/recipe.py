"""Python source that reproduces a page's result with aecore, shown in each page's expander.

Each snippet makes the calls the page's result object makes (:mod:`aecore.results`), with the
estimator written out by :func:`constructor`; tests run every snippet.
"""

from __future__ import annotations

from typing import Any


def constructor(estimator: Any) -> str:
    """``estimator`` as the call that makes it, naming only the non-default hyperparameters."""
    defaults = type(estimator)().get_params()
    changed = {name: value for name, value in estimator.get_params().items()
               if value != defaults[name]}
    args = ", ".join(f"{name}={_literal(value)}" for name, value in changed.items())
    return f"{type(estimator).__name__}({args})"


def _literal(value: Any) -> str:
    if isinstance(value, list | tuple):
        return repr(tuple(_plain(v) for v in value))
    return repr(_plain(value))


def _plain(value: Any) -> Any:
    """NumPy scalars as Python numbers, so the snippet reads as plain Python."""
    return value.item() if hasattr(value, "item") else value


def reduction_code(dataset: str, autoencoder: Any, n_train: int) -> str:
    """A script that retrains the autoencoder and prints the page's map scores and the
    few-label accuracies."""
    return f'''\
from aecore import Autoencoder
from aecore.data import evaluation_points, load_dataset
from aecore.evaluate import compare_with_baselines
from aecore.features import few_label_accuracy

data = load_dataset({dataset!r})
x_train, y_train = data.x_train[:{n_train}], data.y_train[:{n_train}]
x_eval, y_eval = evaluation_points(data)
ae = {constructor(autoencoder)}
ae.fit(x_train, X_val=x_eval)
maps, scores = compare_with_baselines(ae, x_train, x_eval, y_eval)
print(scores)
print(few_label_accuracy(ae, x_train, y_train, x_eval, y_eval))
'''


def denoising_code(dataset: str, denoiser: Any, n_train: int, noise: str, level: float,
                   noise_seed: int) -> str:
    """A script that retrains the denoiser and prints the PSNR/SSIM table the page shows."""
    return f'''\
from aecore import Autoencoder
from aecore.data import evaluation_points, load_dataset
from aecore.denoise import denoising_scores
from aecore.noise import corrupt

data = load_dataset({dataset!r})
x_train = data.x_train[:{n_train}]
x_eval, _ = evaluation_points(data)
noisy_train = corrupt(x_train, {noise!r}, {level!r}, seed={noise_seed})
noisy_eval = corrupt(x_eval, {noise!r}, {level!r}, seed={noise_seed + 1})
denoiser = {constructor(denoiser)}
denoiser.fit(noisy_train, X_clean=x_train, X_val=noisy_eval, X_val_clean=x_eval)
print(denoising_scores(x_eval, noisy_eval, denoiser.reconstruct(noisy_eval), data.image_shape))
'''


def vae_code(dataset: str, vae: Any, n_train: int) -> str:
    """A script that retrains the VAE, prints its held-out −ELBO, samples and saves it."""
    elbo = ('print("held-out -ELBO, nats per image:", vae.elbo(x_eval, y_eval))\n'
            if vae.loss == "bce" else "")
    grid = "grid = vae.latent_grid(10)  # 100 decoded images\n" if vae.code_size >= 2 else ""
    return f'''\
from aecore import VariationalAutoencoder
from aecore.data import evaluation_points, load_dataset

data = load_dataset({dataset!r})
x_train, y_train = data.x_train[:{n_train}], data.y_train[:{n_train}]
x_eval, y_eval = evaluation_points(data)
vae = {constructor(vae)}
vae.fit(x_train, y_train, X_val=x_eval, y_val=y_eval)
{elbo}{grid}samples = vae.sample(16, seed=0)
vae.save("my_vae")  # aecore.load("my_vae") reads it back
'''


def anomaly_code(dataset: str, source: str, digit: int | None, contamination: float,
                 detector: Any, smoothing: float) -> str:
    """A script that retrains the detector and prints the threshold rules' scores."""
    setup = (f"anomaly.breast_cancer_setup({contamination!r})" if source == "breast-cancer" else
             f"anomaly.image_setup(load_dataset({dataset!r}), {source!r}, {digit!r}, "
             f"{contamination!r})")
    return f'''\
from aecore import ReconstructionDetector, anomaly
from aecore.data import load_dataset

setup = {setup}
detector = {constructor(detector)}
detector.fit(setup.x_train, X_val=setup.x_val)
scores = anomaly.split_scores(detector, setup, smoothing={smoothing!r})
rules = anomaly.threshold_rules(scores["train"], scores["val"], setup.y_val)
print("test AUROC:", anomaly.curves(scores["test"], setup.y_test).roc_auc)
print(anomaly.rules_table(rules, scores["test"], setup.y_test))
'''
