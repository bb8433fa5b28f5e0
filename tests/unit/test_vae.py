import keras
import numpy as np
import pytest
from scipy.stats import norm
from sklearn.base import clone

from aecore import VariationalAutoencoder
from aecore.vae import (
    Binarization,
    Sampling,
    gaussian_kl,
    prior_quantile_grid,
    reconstruction_loss,
)

TINY = VariationalAutoencoder(hidden_layers=(32,), epochs=2, batch_size=64)


def tiny(**params) -> VariationalAutoencoder:
    return clone(TINY).set_params(**params)


def test_sampling_layer_draws_from_the_given_gaussian():
    mean = np.full((20000, 2), [1.0, -2.0], dtype="float32")
    log_var = np.log(np.full((20000, 2), [0.25, 4.0], dtype="float32"))
    z = np.asarray(Sampling(seed=0)([mean, log_var]))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 2.0], rtol=0.03)


def test_binarization_draws_ink_with_the_pixel_value_as_probability():
    images = np.tile(np.array([0.0, 0.3, 1.0], "float32"), (20000, 1))
    drawn = np.asarray(Binarization(seed=0)(images))
    assert set(np.unique(drawn)) == {0.0, 1.0}
    np.testing.assert_allclose(drawn.mean(axis=0), [0.0, 0.3, 1.0], atol=0.01)
    # BCE is linear in its target: on average the draws cost what the grey image costs
    outputs = np.full_like(images, 0.6)
    np.testing.assert_allclose(np.mean(reconstruction_loss(drawn, outputs, "bce")),
                               np.mean(reconstruction_loss(images, outputs, "bce")), rtol=0.01)


def test_dynamic_binarization_acts_in_training_only(digits):
    vae = tiny(dynamic_binarization=True, epochs=1).fit(digits.x_train[:64])
    assert isinstance(vae.model_.binarization, Binarization)
    assert tiny().fit(digits.x_train[:64]).model_.binarization is None
    x = digits.x_test[:5]
    np.testing.assert_array_equal(vae.reconstruct(x), vae.reconstruct(x))  # no draws there
    assert "binarised inputs → encoder" in vae.architecture(64)


def test_kl_of_known_gaussians():
    assert float(gaussian_kl(np.zeros((1, 3)), np.zeros((1, 3)))[0]) == pytest.approx(0.0)
    # KL(N(1, e) ‖ N(0, 1)) = ½(e + 1 − 1 − 1) per dimension
    kl = float(gaussian_kl(np.ones((1, 1)), np.ones((1, 1)))[0])
    assert kl == pytest.approx(0.5 * (np.e + 1 - 1 - 1))


def test_beta_zero_trains_on_the_reconstruction_loss_alone(digits):
    vae = tiny(beta=0.0).fit(digits.x_train)
    np.testing.assert_allclose(vae.history_["loss"], vae.history_["reconstruction"], rtol=1e-5)
    beta_one = tiny().fit(digits.x_train)
    np.testing.assert_allclose(beta_one.history_["loss"],
                               np.add(beta_one.history_["reconstruction"],
                                      beta_one.history_["kl"]), rtol=1e-4)


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
    vae = tiny(code_size=3).fit(digits.x_train)
    assert vae.latent_grid(4, dims=(0, 2)).shape == (16, 64)
    assert vae.kl_per_dimension(digits.x_test).shape == (3,)
    assert 0 < vae.elbo(digits.x_test) < 64 * np.log(2) * 2
    assert vae.transform(digits.x_test).shape == (len(digits.x_test), 3)
    assert vae.sample(5, seed=1).shape == (5, 64)
    assert vae.interpolate(digits.x_test[0], digits.x_test[1], steps=4).shape == (4, 64)
    with pytest.raises(ValueError, match="two different code dimensions"):
        vae.latent_grid(4, dims=(1, 1))


def test_keras_file_round_trip_gives_identical_outputs(digits, tmp_path):
    spec = dict(network="conv", filters=4, depth=1, warmup_epochs=2, encoder_dropout=0.3,
                dynamic_binarization=True)
    vae = tiny(**spec).fit(digits.x_train)
    path = tmp_path / "vae.keras"
    vae.model_.save(path)
    loaded = keras.models.load_model(path)
    x = digits.x_test[:10]
    np.testing.assert_array_equal(np.asarray(loaded(x)), vae.reconstruct(x))
    assert type(loaded).__name__ == "VAE" and loaded.beta.numpy() == pytest.approx(1.0)
    assert loaded.dynamic_binarization and isinstance(loaded.binarization, Binarization)


def test_conditional_vae_generates_the_requested_class_shape_wise(digits):
    vae = tiny(conditional=True).fit(digits.x_train, digits.y_train)
    assert vae.encoder_.input_shape == (None, 64 + 10)  # pixels, then one-hot labels
    sevens = vae.latent_grid(3, label=7)
    assert sevens.shape == (9, 64)
    assert not np.allclose(sevens, vae.latent_grid(3, label=1))
    assert vae.sample(4, label=7).shape == (4, 64)
    with pytest.raises(ValueError, match="needs the labels"):
        vae.transform(digits.x_test)
    with pytest.raises(ValueError, match="labels 0 to 9"):
        vae.transform(digits.x_test[:2], [3, 12])


def test_encoder_dropout_acts_in_training_only(digits):
    vae = tiny(encoder_dropout=0.5, epochs=1).fit(digits.x_train[:64])
    rates = [layer.rate for layer in vae.model_.encoder.layers
             if isinstance(layer, keras.layers.Dropout)]
    assert rates == [0.5]
    x = digits.x_test[:20]
    mean = np.asarray(vae.model_.encoder(x, training=False)[0])
    np.testing.assert_array_equal(vae.transform(x), mean)
    assert not np.allclose(np.asarray(vae.model_.encoder(x, training=True)[0]), mean)


def test_warm_up_raises_beta_linearly(digits):
    betas = []
    vae = tiny(epochs=4, warmup_epochs=4, beta=2.0)
    vae.fit(digits.x_train, on_epoch=lambda e: betas.append(float(vae.model_.beta.numpy())))
    np.testing.assert_allclose(betas, [0.5, 1.0, 1.5, 2.0])


def test_a_warm_up_longer_than_the_run_is_refused_with_the_beta_it_would_reach(digits):
    with pytest.raises(ValueError, match=r"β would only reach 0.15 of 1\. Shorten"):
        tiny(epochs=3, warmup_epochs=20).fit(digits.x_train)


def test_the_beta_schedule_in_words_says_a_one_epoch_warm_up_changes_nothing():
    from aecore.runconfig import RunConfig, result_for

    def schedule(warmup: int, beta: float = 1.0) -> str:
        return result_for(RunConfig("vae", "digits", params=dict(
            warmup_epochs=warmup, beta=beta))).beta_schedule

    assert schedule(0) == "β = 1"
    assert schedule(2, 0.5) == ("β = 0.5, after a KL warm-up in which β grew by 0.5/2 per epoch "
                                "(β = 0.25 in epoch 1)")
    # was "β grew by 1/1 per epoch (β = 1 in epoch 1)"
    assert schedule(1) == "β = 1 from epoch 1: a KL warm-up of 1 epoch changes nothing"
