import keras
import numpy as np
import pytest

from aecore import Autoencoder
from aecore.models import build_dense_autoencoder
from aecore.spec import AESpec
from aecore.training import cosine_learning_rate

TINY = Autoencoder(code_size=2, hidden_layers=(32, 16), epochs=3, batch_size=32, seed=1)


def tiny(**params) -> Autoencoder:
    from sklearn.base import clone

    return clone(TINY).set_params(**params)


def test_built_shapes_follow_the_spec():
    net = build_dense_autoencoder(AESpec(code_size=3, hidden_layers=(40, 20)), 64)
    assert net.encoder.output_shape == (None, 3)
    assert net.model.output_shape == (None, 64)
    dense = [layer.units for layer in net.model.layers[1].layers + net.model.layers[2].layers
             if isinstance(layer, keras.layers.Dense)]
    assert dense == [40, 20, 3, 20, 40, 64]


def test_training_lowers_the_loss_and_emits_one_event_per_epoch(digits):
    events = []
    ae = tiny(epochs=5).fit(digits.x_train, X_val=digits.x_test, probe=digits.x_test[:50],
                            on_epoch=events.append)
    assert ae.status_ == "finished"
    assert [e.epoch for e in events] == [1, 2, 3, 4, 5]
    assert ae.history_["loss"][-1] < ae.history_["loss"][0]
    assert ae.history_["val_loss"][-1] < ae.history_["val_loss"][0]
    assert events[-1].frame.shape == (50, 2)
    assert events[-1].elapsed >= events[0].elapsed > 0


def test_stop_ends_training_early_and_keeps_the_trained_weights(digits):
    untrained = tiny(epochs=1).fit(digits.x_train[:32], should_stop=lambda: True)
    ae = tiny(epochs=50)
    ae.fit(digits.x_train, should_stop=lambda: ae.log_.epochs_done >= 2)
    assert ae.status_ == "stopped" and ae.log_.epochs_done == 2
    assert not np.allclose(ae.reconstruct(digits.x_test[:20]),
                           untrained.reconstruct(digits.x_test[:20]))


def test_an_interrupting_exception_still_leaves_a_stopped_model_with_its_history(digits):
    class Rerun(BaseException):
        """Like Streamlit's rerun: not an Exception."""

    def interrupt(event):
        if event.epoch == 2:
            raise Rerun

    ae = tiny(epochs=10)
    with pytest.raises(Rerun):
        ae.fit(digits.x_train, on_epoch=interrupt)
    assert ae.status_ == "stopped" and ae.log_.epochs_done == 2
    assert ae.transform(digits.x_test[:5]).shape == (5, 2)


def test_cosine_decay_halves_the_rate_midway_and_ends_near_zero(digits):
    assert cosine_learning_rate(0.01, 0, 10) == pytest.approx(0.01)
    assert cosine_learning_rate(0.01, 5, 10) == pytest.approx(0.005)
    seen = []
    ae = tiny(epochs=4, lr_decay=True)
    ae.fit(digits.x_train, on_epoch=lambda e: seen.append(
        float(ae.model_.optimizer.learning_rate)))
    assert seen == pytest.approx([cosine_learning_rate(TINY.learning_rate, e, 4)
                                  for e in range(4)])
    assert set(ae.history_) == {"loss"}  # the rate is not logged as a loss


def test_same_seed_same_result(digits):
    first = tiny().fit(digits.x_train)
    second = tiny().fit(digits.x_train)
    np.testing.assert_allclose(first.history_["loss"], second.history_["loss"], rtol=1e-5)


def test_a_seed_repeats_the_run_while_other_threads_train(digits):
    """Issue 10, kind 9: four sessions training at once got four different first losses."""
    import threading

    alone = tiny(epochs=2).fit(digits.x_train, X_val=digits.x_test).history_
    histories: list[dict] = []
    threads = [threading.Thread(target=lambda: histories.append(
        tiny(epochs=2).fit(digits.x_train, X_val=digits.x_test).history_)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert histories == [alone] * 3  # bit for bit, validation losses included


def test_batches_are_reshuffled_each_epoch_and_depend_on_the_seed():
    from aecore.training import shuffled_batches

    x = np.arange(10, dtype="float32")[:, None]

    def orders(seed: int) -> list[list[float]]:
        batches = [b[0].numpy().ravel().tolist() for b in shuffled_batches(x, None, 4, 2, seed)]
        return [sum(batches[:3], []), sum(batches[3:], [])]  # 4 + 4 + 2 rows an epoch

    first, second = orders(0)
    assert sorted(first) == sorted(second) == list(range(10))
    assert first != second
    assert orders(0) == [first, second] and orders(1) != [first, second]


def test_input_noise_acts_in_training_only():
    net = build_dense_autoencoder(AESpec(hidden_layers=(16,), input_noise=0.5), 20)
    x = np.full((4, 20), 0.5, dtype="float32")
    inference = np.asarray(net.model(x, training=False))
    np.testing.assert_array_equal(inference, np.asarray(net.model(x, training=False)))
    assert not np.allclose(inference, np.asarray(net.model(x, training=True)))


def test_conv_autoencoder_shapes_and_depth_limits(digits):
    from aecore.models import build_conv_autoencoder
    from aecore.spec import ConvSpec

    net = build_conv_autoencoder(ConvSpec(filters=8, depth=2), 784)
    assert net.model.output_shape == (None, 784)
    assert net.encoder.output_shape == (None, 7 * 7 * 16)
    assert ConvSpec(depth=3, batch_size=8).checked_for(np.zeros((10, 64))).depth == 3
    with pytest.raises(ValueError, match="at most 2"):
        ConvSpec(depth=3, batch_size=8).checked_for(np.zeros((10, 784)))
    with pytest.raises(ValueError, match="square images"):
        ConvSpec(batch_size=8).checked_for(np.zeros((10, 50)))
    conv = Autoencoder(network="conv", filters=4, depth=1, epochs=1, batch_size=64)
    assert conv.fit(digits.x_train).transform(digits.x_test[:3]).shape == (3, 4 * 4 * 4)


def test_conv_denoiser_trains_on_noisy_inputs_towards_clean_targets(digits):
    from aecore.noise import corrupt

    noisy = corrupt(digits.x_train, "gaussian", 0.3)
    denoiser = Autoencoder(network="conv", filters=8, depth=1, input_noise=0.0, epochs=3,
                           batch_size=64).fit(noisy, X_clean=digits.x_train)
    assert denoiser.history_["loss"][-1] < denoiser.history_["loss"][0]


def test_a_learning_rate_that_blows_up_ends_as_diverged_within_one_epoch(digits, capfd):
    from aecore import DivergedError, VariationalAutoencoder

    # at this rate seed 1 blows up in its first epoch (seed 0 happens to stay finite)
    vae = VariationalAutoencoder(hidden_layers=(32,), epochs=5, learning_rate=1.0,
                                 batch_size=32, seed=1).fit(digits.x_train)
    assert "Invalid loss" not in capfd.readouterr().out  # Keras' TerminateOnNaN prints this
    assert vae.status_ == "diverged"
    assert vae.log_.epochs_done == 1  # TerminateOnNaN ends it inside the first bad epoch
    assert "diverged" in vae.log_.outcome() and "learning rate" in vae.log_.outcome()
    assert "nan" not in vae.log_.outcome().lower().replace(".", " ").split()
    with pytest.raises(DivergedError, match="diverged"):
        vae.transform(digits.x_test)


def test_stop_takes_effect_within_a_batch_even_in_a_long_epoch(digits):
    import time

    ae = tiny(epochs=3, batch_size=1)  # 1,437 steps an epoch: many seconds on this machine
    start = time.perf_counter()
    ae.fit(digits.x_train, should_stop=lambda: time.perf_counter() - start > 0.5)
    assert time.perf_counter() - start < 5
    assert ae.status_ == "stopped"
    assert ae.log_.epochs_done == 0  # the epoch it cut short is not counted as done
