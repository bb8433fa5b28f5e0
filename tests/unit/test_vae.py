import keras
import numpy as np
import pytest
from scipy.stats import norm

from aecore.spec import VAESpec
from aecore.training import TrainingRun
from aecore.vae import (
    Sampling,
    gaussian_kl,
    kl_per_dimension,
    latent_grid,
    negative_elbo,
    prior_quantile_grid,
    reconstruction_loss,
    with_labels,
)

TINY = VAESpec(hidden_layers=(32,), epochs=2, batch_size=64)


def test_sampling_layer_draws_from_the_given_gaussian():
    mean = np.full((20000, 2), [1.0, -2.0], dtype="float32")
    log_var = np.log(np.full((20000, 2), [0.25, 4.0], dtype="float32"))
    z = np.asarray(Sampling(seed=0)([mean, log_var]))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 2.0], rtol=0.03)


def test_kl_of_known_gaussians():
    assert float(gaussian_kl(np.zeros((1, 3)), np.zeros((1, 3)))[0]) == pytest.approx(0.0)
    # KL(N(1, e) ‖ N(0, 1)) = ½(e + 1 − 1 − 1) per dimension
    kl = float(gaussian_kl(np.ones((1, 1)), np.ones((1, 1)))[0])
    assert kl == pytest.approx(0.5 * (np.e + 1 - 1 - 1))


def test_beta_zero_trains_on_the_reconstruction_loss_alone(digits):
    run = TrainingRun.create(TINY.replace(beta=0.0), digits.x_train).fit(digits.x_train)
    np.testing.assert_allclose(run.history["loss"], run.history["reconstruction"], rtol=1e-5)
    beta_one = TrainingRun.create(TINY, digits.x_train).fit(digits.x_train)
    np.testing.assert_allclose(beta_one.history["loss"],
                               np.add(beta_one.history["reconstruction"],
                                      beta_one.history["kl"]), rtol=1e-4)


def test_reconstruction_loss_is_summed_over_pixels():
    targets = np.ones((1, 4), dtype="float32")
    loss = reconstruction_loss(targets, np.full((1, 4), 0.5, dtype="float32"), "bce")
    assert float(loss[0]) == pytest.approx(4 * np.log(2), rel=1e-5)


def test_grid_uses_prior_quantiles_not_a_linear_range():
    axis = prior_quantile_grid(5, 0.05, 0.95)
    np.testing.assert_allclose(axis, norm.ppf([0.05, 0.275, 0.5, 0.725, 0.95]), atol=1e-12)
    assert axis[1] - axis[0] > axis[2] - axis[1]  # wider steps in the tails
    with pytest.raises(ValueError):
        prior_quantile_grid(5, 0.6, 0.4)


def test_trained_vae_gives_grids_diagnostics_and_elbo(digits):
    run = TrainingRun.create(TINY.replace(code_size=3), digits.x_train).fit(digits.x_train)
    vae = run.net.model
    assert latent_grid(vae, 4, 3, dims=(0, 2)).shape == (16, 64)
    assert kl_per_dimension(vae, digits.x_test).shape == (3,)
    assert 0 < negative_elbo(vae, digits.x_test) < 64 * np.log(2) * 2


def test_keras_file_round_trip_gives_identical_outputs(digits, tmp_path):
    spec = TINY.replace(network="conv", filters=4, depth=1, warmup_epochs=2, encoder_dropout=0.3)
    run = TrainingRun.create(spec, digits.x_train).fit(digits.x_train)
    path = tmp_path / "vae.keras"
    run.net.model.save(path)
    loaded = keras.models.load_model(path)
    x = digits.x_test[:10]
    np.testing.assert_array_equal(np.asarray(loaded(x)), run.reconstruct(x))
    assert type(loaded).__name__ == "VAE" and loaded.beta.numpy() == pytest.approx(1.0)


def test_conditional_vae_generates_the_requested_class_shape_wise(digits):
    x = with_labels(digits.x_train, digits.y_train)
    assert x.shape == (len(digits.x_train), 64 + 10)
    run = TrainingRun.create(TINY.replace(conditional=True), x).fit(x)
    sevens = latent_grid(run.net.model, 3, 2, label=7)
    assert sevens.shape == (9, 64)
    assert not np.allclose(sevens, latent_grid(run.net.model, 3, 2, label=1))


def test_encoder_dropout_acts_in_training_only(digits):
    run = TrainingRun.create(TINY.replace(encoder_dropout=0.5), digits.x_train)
    rates = [layer.rate for layer in run.net.model.encoder.layers
             if isinstance(layer, keras.layers.Dropout)]
    assert rates == [0.5]
    x = digits.x_test[:20]
    mean = np.asarray(run.net.model.encoder(x, training=False)[0])
    np.testing.assert_array_equal(run.encode(x), mean)
    assert not np.allclose(np.asarray(run.net.model.encoder(x, training=True)[0]), mean)


def test_warm_up_raises_beta_linearly(digits):
    betas = []
    spec = TINY.replace(epochs=4, warmup_epochs=4, beta=2.0)
    run = TrainingRun.create(spec, digits.x_train)
    run.fit(digits.x_train, on_epoch=lambda e: betas.append(float(run.net.model.beta.numpy())))
    np.testing.assert_allclose(betas, [0.5, 1.0, 1.5, 2.0])
