"""Python source that reproduces a page's result with aecore, shown in each page's expander.

Each snippet makes the calls the page's result object makes (:mod:`aecore.results`), with the
estimator written out by :func:`constructor`; tests run every snippet.
"""

from __future__ import annotations

from typing import Any

HEADER = ("# Save as a file in the project's root folder and run it there (python FILE.py), or\n"
          "# anywhere after `pip install -e .` in that folder: Python finds aecore beside the\n"
          "# script, not in the folder it is started from.\n")


def _stop(estimator: Any, name: str) -> str:
    """The ``should_stop`` argument that ends the fit where the page's fit was stopped, if it
    was (an empty string otherwise)."""
    log = getattr(estimator, "log_", None)
    if log is None or log.status != "stopped":
        return ""
    return f",\n    should_stop=lambda: {name}.log_.epochs_done >= {log.epochs_done}"


def constructor(estimator: Any) -> str:
    """``estimator`` as the call that makes it, naming only the non-default hyperparameters.

    Parameters
    ----------
    estimator : estimator with ``get_params``
        Its class must be constructible without arguments, which gives the defaults.

    Returns
    -------
    str
        E.g. ``"Autoencoder(code_size=3, epochs=5)"``: keyword arguments in ``get_params`` order
        (by name), values as ``repr``, with NumPy scalars as Python numbers and lists or tuples
        as tuples.
    """
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
    """A script that retrains the autoencoder and prints the page's map and few-label scores.

    Parameters
    ----------
    dataset : str
        A key of :data:`aecore.data.DATASETS`.
    autoencoder : aecore.Autoencoder
        Its hyperparameters are written out (see :func:`constructor`).
    n_train : int
        Number of training images used.

    Returns
    -------
    str
        Python source of a complete script.
    """
    return HEADER + f'''\
from aecore import Autoencoder
from aecore.data import evaluation_points, load_dataset
from aecore.evaluate import compare_with_baselines
from aecore.features import few_label_accuracy

data = load_dataset({dataset!r})
x_train, y_train = data.x_train[:{n_train}], data.y_train[:{n_train}]
x_eval, y_eval = evaluation_points(data)
ae = {constructor(autoencoder)}
ae.fit(x_train, X_val=x_eval{_stop(autoencoder, "ae")})
maps, scores = compare_with_baselines(ae, x_train, x_eval, y_eval)
print(scores)
print(few_label_accuracy(ae, x_train, y_train, x_eval, y_eval))
'''


def denoising_code(dataset: str, denoiser: Any, n_train: int, noise: str, level: float,
                   noise_seed: int) -> str:
    """A script that retrains the denoiser and prints the PSNR/SSIM table the page shows.

    Parameters
    ----------
    dataset : str
        A key of :data:`aecore.data.DATASETS`.
    denoiser : aecore.Autoencoder
        Its hyperparameters are written out (see :func:`constructor`).
    n_train : int
        Number of training images used.
    noise : str
        A kind of :data:`aecore.noise.NOISES`.
    level : float
        Noise level in [0, 1]: σ in pixel units, or the fraction of pixels hit.
    noise_seed : int
        Seed of the training images' noise; the held-out images' noise uses ``noise_seed + 1``.

    Returns
    -------
    str
        Python source of a complete script.
    """
    return HEADER + f'''\
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
denoiser.fit(noisy_train, X_clean=x_train, X_val=noisy_eval,
             X_val_clean=x_eval{_stop(denoiser, "denoiser")})
print(denoising_scores(x_eval, noisy_eval, denoiser.reconstruct(noisy_eval), data.image_shape))
'''


def vae_code(dataset: str, vae: Any, n_train: int,
             grid: tuple[int, float, tuple[int, int]] | None = (10, 0.05, (0, 1)),
             label: int | None = None) -> str:
    """A script that retrains the VAE, prints its held-out −ELBO, draws samples and saves it.

    The −ELBO line is written only with the BCE loss, and the latent grid only when ``grid`` is
    given and ``code_size`` ≥ 2.

    Parameters
    ----------
    dataset : str
        A key of :data:`aecore.data.DATASETS`.
    vae : aecore.VariationalAutoencoder
        Its hyperparameters are written out (see :func:`constructor`).
    n_train : int
        Number of training images used.
    grid : tuple of (int, float, (int, int)) or None, default=(10, 0.05, (0, 1))
        The page's latent grid: n per side, the quantile range's lower end q (it spans q…1 − q)
        and the two code dimensions; None for none.
    label : int or None, default=None
        The class a conditional VAE's grid and samples are decoded as.

    Returns
    -------
    str
        Python source of a complete script.
    """
    elbo = ('print("held-out -ELBO, nats per image:", vae.elbo(x_eval, y_eval))\n'
            if vae.loss == "bce" else "")
    as_label = "" if label is None else f", label={label}"
    if grid is not None and vae.code_size >= 2:
        n, tail, dims = grid
        grid = (f"grid = vae.latent_grid({n}, {tuple(dims)}, {tail:g}, {1 - tail:g}{as_label})"
                f"  # {n * n} decoded images\n")
    else:
        grid = ""
    return HEADER + f'''\
from aecore import VariationalAutoencoder
from aecore.data import evaluation_points, load_dataset

data = load_dataset({dataset!r})
x_train, y_train = data.x_train[:{n_train}], data.y_train[:{n_train}]
x_eval, y_eval = evaluation_points(data)
vae = {constructor(vae)}
vae.fit(x_train, y_train, X_val=x_eval, y_val=y_eval{_stop(vae, "vae")})
{elbo}{grid}samples = vae.sample(16, seed=0{as_label})
vae.save("my_vae")  # aecore.load("my_vae") reads it back
'''


def anomaly_code(dataset: str, source: str, digit: int | None, contamination: float,
                 detector: Any, smoothing: float, score: str = "error", k: float = 3.0,
                 share: float = 0.05) -> str:
    """A script that retrains the detector and prints the test AUROC and the rules' scores.

    Parameters
    ----------
    dataset : str
        A key of :data:`aecore.data.DATASETS`; unused for ``"breast-cancer"``.
    source : {"one-class", "hold-out", "breast-cancer"}
        An :func:`aecore.anomaly.image_setup` mode, or :func:`aecore.anomaly.breast_cancer_setup`.
    digit : int or None
        The set-up's digit; unused for ``"breast-cancer"``.
    contamination : float
        Share of anomalies mixed into the training rows.
    detector : aecore.ReconstructionDetector
        Its hyperparameters are written out (see :func:`constructor`).
    smoothing : float
        σ of the error blur in pixels (see :func:`aecore.anomaly.error_maps`).
    score : str, default="error"
        The anomaly score, a key of :data:`aecore.spec.SCORES`.
    k, share : float, default=3.0, 0.05
        The mean + kσ rule's k and the percentile rule's share
        (:func:`aecore.anomaly.threshold_rules`' ``k`` and ``contamination``).

    Returns
    -------
    str
        Python source of a complete script; the set-up uses the default seed, 0.
    """
    setup = (f"anomaly.breast_cancer_setup({contamination!r})" if source == "breast-cancer" else
             f"anomaly.image_setup(load_dataset({dataset!r}), {source!r}, {digit!r}, "
             f"{contamination!r})")
    return HEADER + f'''\
from aecore import ReconstructionDetector, anomaly
from aecore.data import load_dataset

setup = {setup}
detector = {constructor(detector)}
detector.fit(setup.x_train, X_val=setup.x_val{_stop(detector, "detector")})
scores = anomaly.split_scores(detector, setup, smoothing={smoothing!r}, score={score!r})
rules = anomaly.threshold_rules(scores["train"], scores["val"], setup.y_val, k={k!r},
                                contamination={share!r})
print("test AUROC:", anomaly.curves(scores["test"], setup.y_test).roc_auc)
print(anomaly.rules_table(rules, scores["test"], setup.y_test).to_string())
'''
