"""Every page's "Reproduce this run" snippet runs, with the calls its result object makes."""

import numpy as np
import pytest

from aecore import Autoencoder, ReconstructionDetector, VariationalAutoencoder
from aecore.anomaly import image_setup
from aecore.recipe import constructor
from aecore.results import AnomalyResult, DenoisingResult, ReductionResult, VAEResult

TINY = dict(code_size=2, hidden_layers=(16,), epochs=1, batch_size=64)


def run_snippet(result, *args) -> str:
    namespace: dict = {}
    exec(result.recipe(*args), namespace)
    return namespace


def test_constructor_names_only_what_differs_from_the_defaults():
    assert constructor(Autoencoder()) == "Autoencoder()"
    assert constructor(Autoencoder(hidden_layers=[64, 32], epochs=3)) == \
        "Autoencoder(epochs=3, hidden_layers=(64, 32))"


def test_dimensionality_reduction_snippet_prints_the_pages_scores(digits, capsys):
    namespace = run_snippet(ReductionResult(Autoencoder(**TINY), digits, 300))
    printed = capsys.readouterr().out
    assert all(word in printed for word in ("5-NN accuracy", "t-SNE", "UMAP", "raw pixels"))
    assert namespace["ae"].get_params() == Autoencoder(**TINY).get_params()


def test_denoising_snippet_prints_psnr_and_ssim(digits, capsys):
    denoiser = Autoencoder(network="conv", filters=4, depth=1, epochs=1, batch_size=64)
    run_snippet(DenoisingResult(denoiser, digits, 300, "masking", 0.3, 2))
    printed = capsys.readouterr().out
    assert "PSNR (dB)" in printed and "autoencoder" in printed


@pytest.mark.parametrize("params", [dict(), dict(conditional=True), dict(loss="mse")])
def test_vae_snippet_trains_samples_and_saves(digits, capsys, tmp_path, monkeypatch, params):
    monkeypatch.chdir(tmp_path)
    vae = VariationalAutoencoder(**TINY, **params)
    label = 7 if vae.conditional else None  # the page's grid settings and class, as shown
    namespace = run_snippet(VAEResult(vae, digits, 300), (5, 0.09, (0, 1)), label)
    assert namespace["grid"].shape == (25, 64)
    np.testing.assert_allclose(namespace["vae"].latent_grid(5, (0, 1), 0.09, 0.91, label),
                               namespace["grid"])
    assert namespace["samples"].shape == (16, 64)
    assert (tmp_path / "my_vae" / "model.keras").exists()
    assert ("-ELBO" in capsys.readouterr().out) == (vae.loss == "bce")


@pytest.mark.parametrize("source", ["one-class", "breast-cancer"])
def test_anomaly_snippet_prints_auroc_and_the_rules(digits, capsys, source):
    setup = image_setup(digits, "one-class", 3) if source == "one-class" else None
    if setup is None:
        from aecore.anomaly import breast_cancer_setup

        setup = breast_cancer_setup()
    detector = ReconstructionDetector(**{**TINY, "batch_size": 16},
                                      image_shape=setup.image_shape)
    run_snippet(AnomalyResult(detector, digits, 0, setup, source, 3, 0.0), 1.0, None, 2.0, 0.1)
    printed = capsys.readouterr().out
    assert "test AUROC" in printed and "best F1 (validation)" in printed
    assert "mean + 2σ" in printed and "top 10% of training" in printed  # the page's k and share


def test_a_stopped_run_is_reproduced_up_to_the_same_epoch(digits):
    ae = Autoencoder(**{**TINY, "epochs": 20})
    result = ReductionResult(ae, digits, 300)
    ae.fit(result.x_train, should_stop=lambda: ae.log_.epochs_done >= 3)
    assert "should_stop=lambda: ae.log_.epochs_done >= 3" in result.recipe()
    namespace = run_snippet(result)
    assert namespace["ae"].log_.epochs_done == 3 and namespace["ae"].status_ == "stopped"
